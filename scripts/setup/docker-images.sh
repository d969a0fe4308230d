#!/usr/bin/env bash
# Makes the Docker engine and the local images the Docker tests use ready.
# Nothing can be pulled from a registry here, so the images are built from
# Debian's busybox-static:
#
#   meseta/busybox:local   /bin/busybox plus a symlink per applet (sh, echo, dd, sleep…)
#   meseta/httpd:local     the same, running `httpd -f -p 80 -h /www` with the index
#                          page below (test/e2e/docker.test.ts checks its text)
#
# Idempotent: installs docker.io/busybox-static only when missing (root on Debian),
# starts dockerd only when no dockerd process is running, and
# re-imports an image only when it is missing or older than IMAGE_VERSION.
set -euo pipefail

IMAGE_VERSION=1
HTTPD_INDEX='<html><body><h1>meseta httpd</h1><p>meseta-httpd-ok</p></body></html>'
SOCKET=${DOCKER_SOCKET:-/var/run/docker.sock}

fail() { echo "docker-images: $*" >&2; exit 1; }

is_static() { ! ldd "$1" >/dev/null 2>&1; }

need=()
command -v docker >/dev/null 2>&1 || need+=(docker.io)
{ [ -x /bin/busybox ] && is_static /bin/busybox; } || need+=(busybox-static)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    fail "missing ${need[*]}; install them (Debian: apt-get install ${need[*]})"
  fi
fi

# Starts dockerd with extra flags "$@" and waits up to 120 s for it to answer;
# fails early when the daemon exits (a kernel without iptables or overlayfs support).
start_dockerd() {
  echo "docker-images: starting dockerd $* (log: /tmp/dockerd.log)"
  rm -f "$SOCKET"
  nohup dockerd "$@" >>/tmp/dockerd.log 2>&1 &
  local pid=$!
  for _ in $(seq 1 240); do
    docker info >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  tail -n 20 /tmp/dockerd.log >&2 || true
  return 1
}

if ! docker info >/dev/null 2>&1; then
  # A socket file alone proves nothing: a machine image or an earlier session can
  # leave one behind with no engine behind it, so the test is a running dockerd.
  if pgrep -x dockerd >/dev/null 2>&1; then
    for _ in $(seq 1 240); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  else
    [ "$(id -u)" = 0 ] || fail "the Docker engine is not running and only root can start it"
    : >/tmp/dockerd.log
    start_dockerd \
      || start_dockerd --iptables=false --ip6tables=false \
      || start_dockerd --iptables=false --ip6tables=false --storage-driver=vfs \
      || true
  fi
  docker info >/dev/null 2>&1 || fail "the Docker engine does not answer on $SOCKET (see /tmp/dockerd.log)"
fi

current() { [ "$(docker image inspect -f '{{ index .Config.Labels "meseta.image-version" }}' "$1" 2>/dev/null)" = "$IMAGE_VERSION" ]; }

# A root filesystem with busybox and its applets; $1 = directory.
busybox_rootfs() {
  mkdir -p "$1/bin" "$1/tmp" "$1/etc" "$1/www" "$1/root"
  chmod 1777 "$1/tmp"
  cp /bin/busybox "$1/bin/busybox"
  for applet in $(/bin/busybox --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$1/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$1/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$1/etc/group"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! current meseta/busybox:local; then
  busybox_rootfs "$work/busybox"
  tar -C "$work/busybox" -c . | docker import \
    --change "LABEL meseta.image-version=$IMAGE_VERSION" \
    --change 'ENV PATH=/bin' \
    --change 'CMD ["/bin/sh"]' \
    - meseta/busybox:local >/dev/null
  echo "docker-images: imported meseta/busybox:local"
fi

if ! current meseta/httpd:local; then
  busybox_rootfs "$work/httpd"
  printf '%s\n' "$HTTPD_INDEX" >"$work/httpd/www/index.html"
  tar -C "$work/httpd" -c . | docker import \
    --change "LABEL meseta.image-version=$IMAGE_VERSION" \
    --change 'ENV PATH=/bin' \
    --change 'EXPOSE 80' \
    --change 'CMD ["/bin/httpd", "-f", "-p", "80", "-h", "/www"]' \
    - meseta/httpd:local >/dev/null
  echo "docker-images: imported meseta/httpd:local"
fi
