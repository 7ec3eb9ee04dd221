#!/usr/bin/env bash
# Make sure what the test suite needs is here and answering: PostgreSQL (DATABASE_URL), Redis
# (REDIS_URL) and Chromium (CHROMIUM_PATH). On Debian as root it installs what is missing
# (apt-get) and starts a local PostgreSQL or Redis that does not answer; anywhere else it
# stops within seconds with one line naming what is missing. Called by `make test`.
set -euo pipefail

DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/portal}
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}
CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

fail() { echo "ensure_services: $*" >&2; exit 1; }

# host and port of a URL such as postgres://user:pass@host:5432/name or redis://host:6379/0
host_of() { local rest=${1#*://}; rest=${rest##*@}; rest=${rest%%/*}; echo "${rest%:*}"; }
port_of() { local rest=${1#*://}; rest=${rest##*@}; rest=${rest%%/*}; [[ $rest == *:* ]] && echo "${rest##*:}" || echo "$2"; }

answers() { timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null; }
is_local() { [[ $1 == 127.0.0.1 || $1 == localhost || $1 == ::1 ]]; }
can_install() { [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; }

wait_for() {  # host port seconds
  for _ in $(seq 1 "$3"); do answers "$1" "$2" && return 0; sleep 1; done
  return 1
}

pg_host=$(host_of "$DATABASE_URL"); pg_port=$(port_of "$DATABASE_URL" 5432)
redis_host=$(host_of "$REDIS_URL"); redis_port=$(port_of "$REDIS_URL" 6379)

# 1. What has to be installed.
need_apt=()
if ! answers "$pg_host" "$pg_port"; then
  is_local "$pg_host" || fail "PostgreSQL at $pg_host:$pg_port (DATABASE_URL) does not answer."
  command -v pg_ctlcluster >/dev/null 2>&1 || need_apt+=(postgresql)
fi
if ! answers "$redis_host" "$redis_port"; then
  is_local "$redis_host" || fail "Redis at $redis_host:$redis_port (REDIS_URL) does not answer."
  command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
fi
[[ -x $CHROMIUM_PATH ]] || need_apt+=(chromium)
if [[ ${#need_apt[@]} -gt 0 ]]; then
  can_install || fail "missing: ${need_apt[*]} (install them, e.g. apt-get install ${need_apt[*]}, or run make test as root on Debian)."
  echo "ensure_services: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  [[ -x $CHROMIUM_PATH ]] || fail "Chromium is not at $CHROMIUM_PATH after installing it (set CHROMIUM_PATH)."
fi

# 2. Start a local service that does not answer.
if ! answers "$pg_host" "$pg_port"; then
  [[ $(id -u) -eq 0 ]] || fail "PostgreSQL at $pg_host:$pg_port does not answer (start it; not root, so not started here)."
  version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)
  [[ -n $version ]] || fail "PostgreSQL is installed but has no cluster in /etc/postgresql."
  echo "ensure_services: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  wait_for "$pg_host" "$pg_port" 30 || fail "PostgreSQL $version started but does not answer on $pg_host:$pg_port."
fi
if ! answers "$redis_host" "$redis_port"; then
  command -v redis-server >/dev/null 2>&1 || fail "Redis at $redis_host:$redis_port does not answer and redis-server is not installed."
  echo "ensure_services: starting Redis on port $redis_port"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$redis_port" --save "" --appendonly no >/dev/null
  wait_for "$redis_host" "$redis_port" 10 || fail "Redis started but does not answer on $redis_host:$redis_port."
fi
echo "ensure_services: PostgreSQL $pg_host:$pg_port, Redis $redis_host:$redis_port and $CHROMIUM_PATH are ready"
