#!/usr/bin/env bash
# The whole test suite: checks prerequisites, builds, lints, type-checks, then
# runs unit and end-to-end tests. Fails loudly when something it needs is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() { echo "test: $*" >&2; exit 1; }

# Prerequisites. On Debian as root, install what is missing; elsewhere say what to install.
need_pkgs=()
command -v cc >/dev/null 2>&1 || need_pkgs+=(build-essential)
command -v python3 >/dev/null 2>&1 || need_pkgs+=(python3)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
  else
    fail "missing ${need_pkgs[*]}; install them (Debian: apt-get install ${need_pkgs[*]})"
  fi
fi
bash scripts/setup/zookeeper.sh
# ZooKeeper HA tests need a real ensemble: they fail, never skip, when it is missing.
export MESETA_REQUIRE_ZOOKEEPER=1
bash scripts/setup/docker-images.sh
# Docker tests need the engine and the local images: as root they fail, never skip, without them.
if [ "$(id -u)" = 0 ]; then export MESETA_REQUIRE_DOCKER=1; fi
# Multi-host HA tests run in network namespaces: as root they fail, never skip, without `ip`.
if [ "$(id -u)" = 0 ]; then export MESETA_REQUIRE_NETNS=1; fi
bash scripts/setup/chromium.sh
# Web UI tests drive Debian's chromium: they fail, never skip, when it is missing.
export MESETA_REQUIRE_BROWSER=1

[ -d node_modules ] || npm ci
npm run --silent build

# Cgroups are exercised for real: as root the cgroup tests must run, not be skipped.
if [ "$(id -u)" = 0 ]; then export MESETA_REQUIRE_CGROUPS=1; fi

npx eslint src test bench
npx tsc --noEmit -p .

# Unit tests in parallel (pure, fast); end-to-end tests one file at a time (real processes on 2 cores).
# (Node 20's test runner takes no globs, so the files are listed here.)
mapfile -t unit < <(find dist/test/unit -name '*.test.js' | sort)
mapfile -t e2e < <(find dist/test/e2e -name '*.test.js' | sort)
[ ${#unit[@]} -gt 0 ] && [ ${#e2e[@]} -gt 0 ] || fail "no compiled tests under dist/test"
node --test --test-concurrency=2 "${unit[@]}"
node --test --test-concurrency=1 --test-timeout=300000 "${e2e[@]}"

# Every benchmark at its smoke size (~30 s), so they keep working; figures are not judged here.
npm run --silent bench -- --smoke

