#!/usr/bin/env bash
# What the suite needs from Debian, installed when missing: chromium for the browser tests (never a
# downloaded browser) and PostgreSQL's binaries for the tests about PostgreSQL itself (several
# nodes, failover, point-in-time recovery: they start throwaway clusters; test/pg-cluster.ts).
set -euo pipefail
need=()
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || need+=(chromium fonts-noto-cjk)
[ -n "${PG_BIN:-}" ] || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
((${#need[@]})) || exit 0
if command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's ${need[*]} for the tests…" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "missing: ${need[*]} — install them (or set CHROMIUM_PATH / PG_BIN)" >&2
  exit 1
fi
