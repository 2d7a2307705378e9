#!/usr/bin/env bash
# CI: a local PostgreSQL server for the findings-store tests (palisade-store, `--store postgres://`).
# Idempotent and quiet: installs postgresql from the Debian packages when missing, starts a
# cluster on 127.0.0.1:5432 when none runs, creates the role and database the tests use, and
# prints the URL to export as PALISADE_TEST_POSTGRES. Runs as root (CI) or with sudo rights.
set -euo pipefail

PGUSER_NAME=palisade
PGPASS=palisade
PGDB=palisade
PORT=5432

as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if ! command -v pg_ctlcluster >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq postgresql >/dev/null
fi

ready() { pg_isready -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1; }

if ! ready; then
    if command -v pg_lsclusters >/dev/null 2>&1; then
        cluster=$(pg_lsclusters -h | awk -v p="$PORT" '$3 == p {print $1" "$2; exit}')
        if [ -z "$cluster" ]; then
            ver=$(ls /usr/lib/postgresql | sort -V | tail -n1)
            pg_createcluster -q "$ver" main -p "$PORT" >/dev/null
            cluster="$ver main"
        fi
        # shellcheck disable=SC2086
        pg_ctlcluster $cluster start >/dev/null
    else
        bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
        data=/var/lib/postgresql/palisade-ci
        if [ ! -d "$data" ]; then
            install -d -o postgres -g postgres "$data"
            as_postgres "$bindir/initdb" -q -D "$data" >/dev/null
        fi
        as_postgres "$bindir/pg_ctl" -s -D "$data" -o "-p $PORT -k /tmp" -l "$data/log" start
    fi
    for _ in $(seq 1 50); do ready && break; sleep 0.2; done
    ready || { echo "setup-store: PostgreSQL did not start on 127.0.0.1:$PORT" >&2; exit 1; }
fi

# As the superuser over the local socket (peer authentication); /tmp when pg_ctl started it.
psql_super() {
    as_postgres psql -p "$PORT" -qAtX -v ON_ERROR_STOP=1 "$@" 2>/dev/null ||
        as_postgres psql -h /tmp -p "$PORT" -qAtX -v ON_ERROR_STOP=1 "$@"
}

if [ "$(psql_super -c "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER_NAME'")" != 1 ]; then
    psql_super -c "CREATE ROLE $PGUSER_NAME LOGIN CREATEDB PASSWORD '$PGPASS'"
fi
if [ "$(psql_super -c "SELECT 1 FROM pg_database WHERE datname = '$PGDB'")" != 1 ]; then
    psql_super -c "CREATE DATABASE $PGDB OWNER $PGUSER_NAME"
fi
echo "postgres://$PGUSER_NAME:$PGPASS@127.0.0.1:$PORT/$PGDB"
