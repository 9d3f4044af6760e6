#!/usr/bin/env bash
# Refreshes the gettext catalogue (docs/i18n.md):
#   1. extract every _() / gettext / ngettext / pgettext / _l / lazy_gettext from app/**.py and the Jinja
#      templates into app/translations/messages.pot (mapping: babel.cfg);
#   2. update app/translations/zh/LC_MESSAGES/messages.po (new msgids arrive empty, or "#, fuzzy" with a
#      guess from a similar old msgid; msgids no longer in the source are dropped);
#   3. fill still-empty entries from app/translations/zh_parts/*.po, if an engineer left partial work there;
#   4. compile the .mo files (not committed; create_app() also compiles a stale one at start-up);
#   5. list the entries that still need a translator, and exit 1 if there are any.
# Run it from anywhere; it needs the project's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

PYBABEL=.venv/bin/pybabel
PYTHON=.venv/bin/python
TRANSLATIONS=app/translations
POT=$TRANSLATIONS/messages.pot

"$PYBABEL" -q extract -F babel.cfg -k _l -k lazy_gettext --add-comments=TRANSLATORS: --no-wrap \
  --project=Anju --copyright-holder=Anju -o "$POT" .
if [ ! -f "$TRANSLATIONS/zh/LC_MESSAGES/messages.po" ]; then
  "$PYBABEL" -q init -i "$POT" -d "$TRANSLATIONS" -D messages -l zh --no-wrap
fi
"$PYBABEL" -q update -i "$POT" -d "$TRANSLATIONS" -D messages --no-wrap --ignore-obsolete 2>&1 \
  | grep -v "more translations than num_plurals\|Problem on line" || true

status=0
"$PYTHON" - "$TRANSLATIONS" <<'PY' || status=$?
"""Fill empty zh entries from zh_parts/*.po, then report what is still untranslated or fuzzy."""
import pathlib
import sys

from babel.messages.pofile import read_po, write_po

root = pathlib.Path(sys.argv[1])
po_path = root / "zh" / "LC_MESSAGES" / "messages.po"
with po_path.open("rb") as f:
    catalog = read_po(f, locale="zh")


def key(message):
    return (message.id[0] if isinstance(message.id, tuple) else message.id), message.context


def translated(message):
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings) and "fuzzy" not in message.flags


parts = {}
for part in sorted((root / "zh_parts").glob("*.po")):
    with part.open("rb") as f:
        for message in read_po(f, locale="zh"):
            if message.id and translated(message):
                parts.setdefault(key(message), message.string)

filled = 0
for message in catalog:
    if message.id and not translated(message) and key(message) in parts:
        string = parts[key(message)]
        if message.pluralizable and not isinstance(string, tuple):
            string = (string,)
        if not message.pluralizable and isinstance(string, tuple):
            string = string[0]
        message.string = string
        message.flags.discard("fuzzy")
        filled += 1
if filled:
    with po_path.open("wb") as f:
        write_po(f, catalog, width=0, ignore_obsolete=True)
    print(f"filled {filled} entries from zh_parts/")

todo = [m for m in catalog if m.id and not translated(m)]
for m in todo:
    where = ", ".join(f"{path}:{line}" for path, line in m.locations[:2])
    state = "fuzzy" if "fuzzy" in m.flags else "empty"
    print(f"needs translation ({state}): {key(m)[0]!r}  [{where}]")
sys.exit(3 if todo else 0)
PY
"$PYBABEL" compile -d "$TRANSLATIONS" -D messages --statistics
if [ "$status" -ne 0 ]; then
  echo "Translate the entries above in $TRANSLATIONS/zh/LC_MESSAGES/messages.po (remove '#, fuzzy'), then run $0 again." >&2
  exit 1
fi
