#!/usr/bin/env bash
# Makes sure a real ZooKeeper can run for the HA tests: Debian's `zookeeper`
# package (server jars in /usr/share/java) and a Java runtime. As root on Debian
# it installs what is missing; elsewhere it says what to install and fails.
# Idempotent; prints nothing when all is there.
set -euo pipefail

missing=()
[ -f /usr/share/java/zookeeper.jar ] || missing+=(zookeeper)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The package's own service is not wanted: tests start their servers on free ports.
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet zookeeper 2>/dev/null; then
    systemctl stop zookeeper || true
  fi
else
  echo "setup/zookeeper: missing ${missing[*]}; install them (Debian: apt-get install ${missing[*]})" >&2
  exit 1
fi

[ -f /usr/share/java/zookeeper.jar ] && command -v java >/dev/null 2>&1 || {
  echo "setup/zookeeper: ZooKeeper is still not usable after installing ${missing[*]}" >&2
  exit 1
}
