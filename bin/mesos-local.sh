#!/bin/sh
# Like Mesos's build-tree bin/mesos-local.sh: runs mesos-local (= meseta with the subcommand
# taken from the program name).
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
exec "$here/mesos-local" "$@"
