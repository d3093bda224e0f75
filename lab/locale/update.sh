#!/usr/bin/env bash
# The catalogs from the sources: every _("..."), N_("...") and ngettext(...) of app.py, lab/ and attention/ into each
# lab/locale/<locale>/LC_MESSAGES/messages.po (new messages come in untranslated, gone ones leave).
#   bash lab/locale/update.sh            update the .po files (then translate what is new: tests/test_i18n.py lists it)
#   bash lab/locale/update.sh --check    change nothing; fail if a .po file is not up to date (.ci/run)
#   bash lab/locale/update.sh --init xx  start the catalog of a new language xx (then one line in lab/i18n.py)
# No locations in the catalogs: a moved line would otherwise count as a change.
set -euo pipefail
cd "$(dirname "$0")/../.."
pot="$(mktemp -d)/messages.pot"
pybabel -q extract -F babel.cfg --no-location --sort-output --project "attention lab" -o "$pot" .
if [ "${1:-}" = "--init" ]; then
  exec pybabel -q init -i "$pot" -d lab/locale -l "$2" --no-wrap
fi
check=()
[ "${1:-}" = "--check" ] && check=(--check)
pybabel -q update "${check[@]}" -N --ignore-obsolete --ignore-pot-creation-date --no-wrap -i "$pot" -d lab/locale
if [ "${1:-}" = "--check" ]; then  # and every message translated, none fuzzy (babel reads each catalog)
  python3 - lab/locale/*/LC_MESSAGES/messages.po <<'PY'
import sys
from babel.messages.pofile import read_po
bad = 0
for path in sys.argv[1:]:
    with open(path, "rb") as po:
        catalog = read_po(po)
    messages = [m for m in catalog if m.id]
    fuzzy = sum(m.fuzzy for m in messages)
    empty = sum(not (all(m.string) if isinstance(m.string, tuple) else m.string) for m in messages)
    print(f"{path}: {len(messages) - empty - fuzzy} of {len(messages)} translated, {fuzzy} fuzzy, {empty} empty")
    bad += fuzzy + empty
sys.exit(1 if bad else 0)
PY
fi
