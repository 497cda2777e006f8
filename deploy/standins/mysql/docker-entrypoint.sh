#!/bin/bash
# First start on an empty data directory: create the system tables, the root password, MYSQL_DATABASE and
# MYSQL_USER (as the official image does, with a server that listens on no port meanwhile); then run the server.
set -euo pipefail

if [[ ${1:-} == -* ]]; then set -- mysqld "$@"; fi
if [[ ${1:-} != mysqld && ${1:-} != mariadbd ]]; then exec "$@"; fi

datadir=/var/lib/mysql
sql_string() { local s=${1//\\/\\\\}; printf "'%s'" "${s//\'/\'\'}"; }

initialise() {
  if [[ -z ${MYSQL_ROOT_PASSWORD:-} && -z ${MYSQL_ALLOW_EMPTY_PASSWORD:-} ]]; then
    echo 'mysql: set MYSQL_ROOT_PASSWORD (or MYSQL_ALLOW_EMPTY_PASSWORD=yes)' >&2
    exit 1
  fi
  echo 'mysql: initialising the data directory'
  mariadb-install-db --user=mysql --datadir="$datadir" --auth-root-authentication-method=normal \
    --skip-test-db >/dev/null
  local socket=/run/mysqld/init.sock
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket="$socket" &
  local pid=$!
  for _ in $(seq 1 60); do
    mariadb-admin --socket="$socket" -uroot ping >/dev/null 2>&1 && break
    sleep 0.5
  done
  local password
  password=$(sql_string "${MYSQL_ROOT_PASSWORD:-}")
  {
    echo "DELETE FROM mysql.global_priv WHERE User = '';"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY $password;"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY $password;"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [[ -n ${MYSQL_DATABASE:-} ]]; then
      echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4;"
    fi
    if [[ -n ${MYSQL_USER:-} ]]; then
      echo "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "${MYSQL_PASSWORD:-}");"
      if [[ -n ${MYSQL_DATABASE:-} ]]; then
        echo "GRANT ALL ON \`$MYSQL_DATABASE\`.* TO $(sql_string "$MYSQL_USER")@'%';"
      fi
    fi
    echo 'FLUSH PRIVILEGES;'
  } | mariadb --socket="$socket" -uroot
  kill "$pid"
  wait "$pid" || true
  echo 'mysql: initialised'
}

if [[ ! -d $datadir/mysql ]]; then
  chown mysql:mysql "$datadir"
  initialise
fi
shift
exec mariadbd --user=mysql "$@"
