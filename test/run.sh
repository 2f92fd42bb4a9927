#!/usr/bin/env bash
# The README's test command: `bash test/run.sh` on a fresh clone. Installs what the tests need when
# it is missing (Debian packages, as root: git, Redis, ffmpeg, pocketsphinx, espeak-ng, tmux, bubblewrap, prometheus-alertmanager, PostgreSQL
# with pgvector), starts Redis and PostgreSQL when they do not answer, installs the npm
# dependencies (npm ci) and the MCP conformance suite (test/setup/conformance.sh), then type-checks and runs the suite on both backends (npm test).
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

redis_answers() {
  (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && IFS= read -r -t 2 line <&3 && [[ $line == +PONG* ]]) 2>/dev/null
}

missing=()
command -v git >/dev/null || missing+=(git)
# Voice notes: ffmpeg decodes, pocketsphinx transcribes offline; espeak-ng speaks the test phrases.
command -v ffmpeg >/dev/null || missing+=(ffmpeg)
command -v pocketsphinx_continuous >/dev/null || missing+=(pocketsphinx)
[ -f /usr/share/pocketsphinx/model/en-us/en-us.lm.bin ] || missing+=(pocketsphinx-en-us)
[ -d /usr/share/pocketsphinx/test/data/librivox ] || missing+=(pocketsphinx-testdata)
command -v espeak-ng >/dev/null || missing+=(espeak-ng)
# `aurea demo` is tested in a real terminal.
command -v tmux >/dev/null || missing+=(tmux)
# Tasks run the model's code in a bubblewrap sandbox (and test/security/ checks what it keeps out).
command -v bwrap >/dev/null || missing+=(bubblewrap)
# Inbound alerts are tested against a real Prometheus Alertmanager.
command -v prometheus-alertmanager >/dev/null || missing+=(prometheus-alertmanager)
if ! redis_answers && ! command -v redis-server >/dev/null; then missing+=(redis-server); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "test/run.sh: missing ${missing[*]}; run as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  echo "test/run.sh: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! redis_answers; then
  echo "test/run.sh: starting redis-server on 127.0.0.1:6379"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do redis_answers && break; sleep 0.1; done
  redis_answers || { echo "test/run.sh: redis-server did not start" >&2; exit 1; }
fi

# The postgres test backend: a real server with pgvector (skipped when AUREA_TEST_PG_URL names one).
[ -n "${AUREA_TEST_PG_URL:-}" ] || bash test/setup/postgres.sh

npm ci --no-audit --no-fund
# The MCP conformance suite and the Node 22 it needs, apart from AUREA's dependencies.
bash test/setup/conformance.sh >/dev/null
npm test
