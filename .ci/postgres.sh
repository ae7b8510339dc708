#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's cluster) and print an SQLAlchemy URL for the tests, or nothing.
set -u
command -v pg_lsclusters >/dev/null 2>&1 || exit 0
ver=$(pg_lsclusters -h 2>/dev/null | awk 'NR==1{print $1}')
[ -n "$ver" ] || exit 0
pg_ctlcluster "$ver" main start >/dev/null 2>&1 || true
for _ in $(seq 1 20); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 0.5
done
su postgres -c "psql -qtAc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='tracker') THEN CREATE ROLE tracker LOGIN PASSWORD 'tracker' CREATEDB; END IF; END\\\$\\\$;\"" >/dev/null 2>&1 || exit 0
echo "postgresql://tracker:tracker@127.0.0.1:5432/postgres"
