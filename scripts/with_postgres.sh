#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server: initdb into a temporary folder, start it on
# a free local port (socket in the same folder), export DATABASE_URL, run, then stop and delete it.
set -euo pipefail
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL server binaries not found; run scripts/ensure_system_deps.sh" >&2
  exit 1
fi
root="$(mktemp -d /tmp/lianzhao-pg.XXXXXX)"
port="${PGTEST_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
run_as=()
if [ "$(id -u)" -eq 0 ]; then
  # PostgreSQL refuses to run as root: use the postgres system user (created by the Debian package).
  id postgres >/dev/null 2>&1 || useradd --system --home "$root" postgres
  chown postgres "$root"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$root/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$root"
}
trap cleanup EXIT
"${run_as[@]}" "$pg_bin/initdb" -D "$root/data" -U lianzhao --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$root/data" -l "$root/server.log" -w \
  -o "-p $port -k $root -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"${run_as[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U lianzhao lianzhao
export DATABASE_URL="postgres://lianzhao@127.0.0.1:$port/lianzhao"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on port $port"
"$@"
