#!/usr/bin/env bash
# Refresh the vendored JavaScript from the npm registry (run by a developer, never at run time).
set -euo pipefail
ECHARTS_VERSION="${ECHARTS_VERSION:-5.6.0}"
HTMX_VERSION="${HTMX_VERSION:-2.0.11}"
dest="$(cd "$(dirname "$0")/.." && pwd)/src/lianzhao/static/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "echarts@${ECHARTS_VERSION}" "htmx.org@${HTMX_VERSION}" >/dev/null
mkdir e h
tar xzf "echarts-${ECHARTS_VERSION}.tgz" -C e
tar xzf "htmx.org-${HTMX_VERSION}.tgz" -C h
install -D -m 644 e/package/dist/echarts.min.js "$dest/echarts/echarts.min.js"
install -m 644 e/package/LICENSE e/package/NOTICE "$dest/echarts/"
install -D -m 644 h/package/dist/htmx.min.js "$dest/htmx/htmx.min.js"
install -m 644 h/package/LICENSE "$dest/htmx/"
echo "vendored echarts ${ECHARTS_VERSION} and htmx.org ${HTMX_VERSION} into $dest"
