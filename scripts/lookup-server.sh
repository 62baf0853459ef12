#!/usr/bin/env bash
# The customer lookup service: each customer's current state (audiences, suppressions) over HTTP,
# from the job's compacted kafka.topics.customerState topic, read_committed. Any number of
# instances can run; each holds every customer and answers for any of them.
#
# Usage: scripts/lookup-server.sh [--job jobs/<job>] [--bind ADDRESS] [--port PORT]
#                                 [--token-file FILE] [--bootstrap-servers host:port] [--help]
#   --job        job folder, default jobs/telecom-demo
#   --bind       default 127.0.0.1; any other address requires a bearer token
#   --port       default 8088
#   --token-file file holding the bearer token; or set JOURNEY_LOOKUP_TOKEN (never an argument)
#   KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:$KAFKA_PORT when KAFKA_PORT is set, else the job's
#   kafka.bootstrapServers
# Endpoints: GET /customers/{id}, GET /customers/{id}/audiences/{audience}, /health, /ready,
# /metrics (Prometheus). Stop it with Ctrl-C or SIGTERM.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
args=("$@")
has_option() {
  local arg
  for arg in "${args[@]}"; do
    [[ $arg == "$1" || $arg == "$1="* ]] && return 0
  done
  return 1
}
has_option --job || args+=(--job "$(repo_root)/jobs/telecom-demo")
if ! has_option --bootstrap-servers; then
  if [[ -n ${KAFKA_BOOTSTRAP_SERVERS:-} ]]; then
    args+=(--bootstrap-servers "$KAFKA_BOOTSTRAP_SERVERS")
  elif [[ -n ${KAFKA_PORT:-} ]]; then
    args+=(--bootstrap-servers "127.0.0.1:$KAFKA_PORT")
  fi
fi
exec_journey_cli lookup-server "${args[@]}"
