"""One person, many cases: the person page (reachable from any case) and the likely-duplicate check."""
