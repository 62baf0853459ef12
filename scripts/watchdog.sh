#!/usr/bin/env bash
# Check every RUNNING job of a Flink cluster for progress: flags a job whose tasks lack slots (a
# TaskManager gone and not back) or whose last completed checkpoint is too old (checkpoints keep
# failing, so exactly-once output never becomes visible). Changes nothing; for cron or a probe.
#
# Usage: scripts/watchdog.sh [--max-checkpoint-age PT2M]
#   --max-checkpoint-age  default: three checkpoint intervals, at least one minute
# Exit 0: every RUNNING job healthy; 1: one is not (printed, with the latest checkpoint failure);
# 2: the cluster did not answer.
#
# Environment: FLINK_REST_URL, else http://localhost:$FLINK_REST_PORT (default port 8081)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

case ${1:-} in
  -h | --help) sed -n '6,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
esac
journey_cli watchdog --rest-url "$(flink_rest_url)" "$@"
