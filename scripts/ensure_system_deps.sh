#!/usr/bin/env bash
# Install the Debian packages lianzhao needs when they are missing.
#   scripts/ensure_system_deps.sh test   Chromium (browser tests, driven by Playwright with
#                                        executable_path), the PostgreSQL server (database tests)
#                                        and a CJK font (PDF reports)
#   scripts/ensure_system_deps.sh demo   only the CJK font; without root or sudo it warns and goes on
#                                        (everything but the PDF downloads works without it)
set -euo pipefail
purpose="${1:-test}"
need=()
# grep reads everything (no -q): with pipefail an early exit would make fc-list fail with SIGPIPE.
fc-list : family 2>/dev/null | grep -i "cjk" >/dev/null || need+=(fonts-noto-cjk)
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
    echo "note: no Chinese font found and no root rights to install one (apt-get install ${need[*]});" \
         "PDF downloads will say so. Everything else works." >&2
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
# matplotlib caches the font list; forget it so a newly installed font is found.
rm -rf "${MPLCONFIGDIR:-$HOME/.cache/matplotlib}"/fontlist-*.json 2>/dev/null || true
