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
