#!/usr/bin/env bash
# A real PostgreSQL with pgvector on 127.0.0.1:5432 for the postgres test backend (and for trying
# DATABASE_URL locally). Installs what is missing, as root on Debian 12:
#  - PostgreSQL from Debian (postgresql), started with pg_ctlcluster, local trust auth;
#  - pgvector 0.8.0, built from Debian's own source package (trixie's `pgvector`, fetched with
#    `apt-get source` through a deb-src line) against postgresql-server-dev-<major>, because
#    Debian 12 ships no pgvector binary package.
# Prints nothing on success but what it installs; the server answers at
# postgres://postgres@127.0.0.1:5432/postgres afterwards.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

pg_answers() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
log() { echo "postgres-setup: $*"; }

if ! command -v pg_ctlcluster >/dev/null; then
  log "installing PostgreSQL"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi

major=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
if [ -z "$major" ]; then
  major=$(ls /usr/lib/postgresql | sort -n | tail -1)
  log "creating cluster $major/main"
  pg_createcluster "$major" main >/dev/null
fi
conf=/etc/postgresql/$major/main

# Tests connect as postgres over TCP without a password: trust on loopback only.
if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
  sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$conf/pg_hba.conf"
  pg_answers && pg_ctlcluster --skip-systemctl-redirect "$major" main reload
fi

if [ ! -f "/usr/share/postgresql/$major/extension/vector.control" ]; then
  log "building pgvector for PostgreSQL $major from Debian's source package"
  src_list=/etc/apt/sources.list.d/aurea-pgvector-src.sources
  mirror=$(grep -hom1 'http[s]*://[^ ]*debian/*$' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -1 || true)
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "${mirror:-http://deb.debian.org/debian}" >"$src_list"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends build-essential "postgresql-server-dev-$major" >/dev/null
  work=$(mktemp -d)
  (cd "$work" && apt-get source --download-only -qq pgvector >/dev/null 2>&1)
  tar -xzf "$work"/pgvector_*.orig.tar.gz -C "$work"
  # OPTFLAGS="" leaves out -march=native, so the build runs on any x86-64 machine.
  make -s -C "$work"/pgvector-* OPTFLAGS="" PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null
  make -s -C "$work"/pgvector-* install PG_CONFIG="/usr/lib/postgresql/$major/bin/pg_config" >/dev/null
  rm -rf "$work" "$src_list"
  apt-get update -qq
fi

if ! pg_answers; then
  log "starting PostgreSQL $major"
  pg_ctlcluster --skip-systemctl-redirect "$major" main start
  for _ in $(seq 1 50); do pg_answers && break; sleep 0.2; done
  pg_answers || { echo "postgres-setup: PostgreSQL did not start" >&2; exit 1; }
fi
