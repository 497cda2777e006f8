#!/bin/bash
# As the official image: options alone mean redis-server; the server runs as `redis`, without protected mode (a
# container's port is reached from other addresses by design; bind and a password restrict it where needed).
set -euo pipefail

if [[ ${1:-} == -* || ${1:-} == *.conf ]]; then set -- redis-server "$@"; fi
if [[ ${1:-} != redis-server ]]; then exec "$@"; fi
shift
config=()
if [[ ${1:-} == *.conf ]]; then config=("$1"); shift; fi
chown -R redis:redis /data
exec setpriv --reuid=redis --regid=redis --init-groups redis-server "${config[@]}" --protected-mode no "$@"
