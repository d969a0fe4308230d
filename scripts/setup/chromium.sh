#!/usr/bin/env bash
# Makes sure a real browser can run for the web UI tests: Debian's `chromium`
# package (/usr/bin/chromium), driven by playwright-core (never a browser
# downloaded by a test tool). As root on Debian it installs what is missing;
# elsewhere it says what to install and fails. Idempotent; prints nothing when
# all is there.
set -euo pipefail

[ -x /usr/bin/chromium ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
else
  echo "setup/chromium: /usr/bin/chromium is missing; install it (Debian: apt-get install chromium)" >&2
  exit 1
fi

/usr/bin/chromium --version >/dev/null 2>&1 || {
  echo "setup/chromium: /usr/bin/chromium does not run after installing chromium" >&2
  exit 1
}
