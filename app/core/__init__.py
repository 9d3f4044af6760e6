"""Domain-free plumbing: database base, errors, clock, masking, auth decorators."""
