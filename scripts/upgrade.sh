#!/usr/bin/env bash
# Upgrade a running job to a (possibly changed) job folder without losing who is in which audience:
# check what state survives, stop the job with a savepoint, resubmit from it, and watch the new job
# come up. Prints the new job id on stdout.
#
# Usage: scripts/upgrade.sh --job-id <id> --job jobs/<job> [--bootstrap-servers host:port]
#                           [--parallelism N]
#
# What survives (by id; see jobs/README.md "Upgrades"):
#   - audience memberships, expiries, cooldowns, suppression state and customer profiles, for
#     every audience and policy whose id remains;
#   - partial matches of every pattern whose definition is unchanged (its fingerprint is in its
#     operator uid); a pattern changed under the same id starts fresh;
#   - state of removed patterns, audiences and policies is dropped, listed here first, and only
#     then is the restore allowed to skip it (allowNonRestoredState); nothing is emitted for it.
# A savepoint operator with state that no change of the folder explains (e.g. an operator id
# changed in the code) stops the upgrade before the running job is touched. A new version that
# cannot read the state (an incompatible state type) fails loudly here; the old job's savepoint
# path is printed so it can be resumed.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '6,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

job_id=""
job=""
submit_args=()
while (($#)); do
  case $1 in
    --job-id) job_id=${2:?--job-id needs a value}; shift 2 ;;
    --job) job=${2:?--job needs a value}; shift 2 ;;
    --bootstrap-servers | --parallelism) submit_args+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n $job_id && -n $job ]] || { usage >&2; exit 2; }
require_cmd curl jq

root="$(repo_root)"
[[ -d $job ]] || job="$root/$job"
job_dir="$(cd -- "$job" && pwd -P)" || die "no job folder $job"
plans="$root/.local/submit/plans"
old_plan="$plans/$job_id.plan"
[[ -f $old_plan ]] || die "no state plan for job $job_id in $plans: was it submitted with scripts/submit.sh?"

rc=0
journey_cli validate "$job_dir" >/dev/null 2>&1 || rc=$?
if ((rc != 0)); then
  journey_cli validate "$job_dir" >&2 || true
  die "$job_dir is not valid: the running job is left as it is"
fi

state="$(flink_job_state "$job_id")" || die "no job $job_id on $(flink_rest_url)"
[[ $state == RUNNING ]] || die "job $job_id is $state, not RUNNING"
flink_wait_job_running "$job_id" 120 || die "not every task of job $job_id runs"

# 1. Check against a savepoint of the running job, which keeps running meanwhile.
log "taking a savepoint of $job_id to check the upgrade against"
check_savepoint="$(flink_trigger_savepoint "$job_id")" || die "savepoint failed"
rc=0
journey_cli plan "$job_dir" --upgrade-from "$old_plan" --savepoint "$check_savepoint" >&2 || rc=$?
allow=()
case $rc in
  0) log "every piece of state has a place in the new job" ;;
  3) log "the state marked DROP above is dropped by this upgrade"; allow=(--allow-non-restored-state) ;;
  *) die "upgrade refused (exit $rc); job $job_id keeps running unchanged" ;;
esac

# 2. Stop with a savepoint and resubmit from it.
log "stopping $job_id with a savepoint"
savepoint="$(flink_stop_with_savepoint "$job_id")" || die "stop-with-savepoint failed; job $job_id may still run"
log "savepoint: $savepoint"
new_id="$("$root/scripts/submit.sh" --job "$job_dir" --from-savepoint "$savepoint" \
  "${allow[@]}" "${submit_args[@]}")" || {
  log "the new version was not started; resume the old one with:"
  log "  scripts/submit.sh --job $(cat "$plans/$job_id.folder" 2>/dev/null || echo '<previous folder>') --from-savepoint $savepoint"
  exit 1
}

# 3. Watch it come up: a state it cannot read fails the restore, and Flink restarts it.
if ! flink_wait_job_running "$new_id" 180 || ! flink_job_stays_running "$new_id" 15; then
  flink_job_failure "$new_id" >&2 || true
  flink_cancel_job "$new_id" >/dev/null 2>&1 || true
  log "the new version could not restore from $savepoint (cancelled it); resume the old one with:"
  log "  scripts/submit.sh --job $(cat "$plans/$job_id.folder" 2>/dev/null || echo '<previous folder>') --from-savepoint $savepoint"
  exit 1
fi
log "upgraded $job_id -> $new_id from $savepoint"
printf '%s\n' "$new_id"
