#!/usr/bin/env bash
# Install the Debian packages lianzhao needs when they are missing.
#   scripts/ensure_system_deps.sh test   Chromium (browser tests, driven by Playwright with
#                                        executable_path), the PostgreSQL server (database tests),
#                                        and what the PDF reports need: Pango (WeasyPrint) and a CJK font
#   scripts/ensure_system_deps.sh demo   only Pango and the CJK font; without root or sudo it warns and
#                                        goes on (everything but the PDF downloads works without them)
set -euo pipefail
purpose="${1:-test}"
need=()
# grep reads everything (no -q): with pipefail an early exit would make fc-list fail with SIGPIPE.
fc-list : family 2>/dev/null | grep -i "cjk" >/dev/null || need+=(fonts-noto-cjk)
# WeasyPrint (the PDF reports) loads Pango, PangoFT2 and HarfBuzz's subsetter from the system.
libs="$( (ldconfig -p || /sbin/ldconfig -p) 2>/dev/null || true)"
for pair in libpango-1.0.so.0:libpango-1.0-0 libpangoft2-1.0.so.0:libpangoft2-1.0-0 \
            libharfbuzz-subset.so.0:libharfbuzz-subset0; do
  grep -F "${pair%%:*}" >/dev/null <<<"$libs" || need+=("${pair##*:}")
done
if [ "$purpose" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || need+=(postgresql)
fi
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo"
  elif [ "$purpose" = "demo" ]; then
    echo "note: what the PDF reports need is missing and there are no root rights to install it" \
         "(apt-get install ${need[*]}); PDF downloads will say so. Everything else works." >&2
    exit 0
  else
    SUDO="sudo"
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "please install: ${need[*]} (this script knows Debian/Ubuntu's apt-get only)" >&2
  [ "$purpose" = "demo" ] && exit 0 || exit 1
fi
echo "installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
