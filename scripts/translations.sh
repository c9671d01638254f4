#!/usr/bin/env bash
# Refresh the message catalogue after changing UI strings, then translate the new entries in
# velferdslab/translations/nb/LC_MESSAGES/messages.po (and, for the family pages under
# /min-side, nn: tests/family_portal/test_nynorsk.py names what is missing). `compile` builds
# the .mo files of every language.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin
case "${1:-update}" in
  update)
    "$BIN/pybabel" extract -F babel.cfg -k _l -k lazy_gettext -k Text --no-location --sort-output \
      -o velferdslab/translations/messages.pot . >/dev/null 2>&1
    "$BIN/pybabel" update -i velferdslab/translations/messages.pot -d velferdslab/translations \
      --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
    ;;
  compile)
    "$BIN/pybabel" compile -d velferdslab/translations --statistics 2>&1 | tail -n 1
    ;;
  *) echo "usage: $0 update|compile" >&2; exit 2 ;;
esac
