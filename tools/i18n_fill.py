"""Fill zh translations from a JSON object {msgid: msgstr} and clear their fuzzy flags.

.venv/bin/python tools/i18n_fill.py translations.json && bash tools/i18n.sh
"""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "app" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"

with PO.open("rb") as handle:
    catalog = read_po(handle)
pairs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
for msgid, msgstr in pairs.items():
    message = catalog.get(msgid)
    if message is None:
        sys.exit(f"not in the catalogue (run tools/i18n.sh first): {msgid!r}")
    # A plural entry takes one string per plural form (Chinese has one): a bare string would be split per char.
    message.string = (msgstr,) if message.pluralizable and isinstance(msgstr, str) else msgstr
    message.flags.discard("fuzzy")
with PO.open("wb") as handle:
    write_po(handle, catalog, width=120)
print(f"filled {len(pairs)} translations")
