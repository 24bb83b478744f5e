#!/usr/bin/env bash
# Browser tests drive Debian's chromium (never a downloaded browser). Install it when missing.
set -euo pipefail
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] && exit 0
if command -v apt-get >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "Installing Debian's chromium for the browser tests…" >&2
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
else
  echo "chromium is missing: install it, or set CHROMIUM_PATH to a Chromium binary" >&2
  exit 1
fi
