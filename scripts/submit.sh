#!/usr/bin/env bash
# Submit a job folder to a running Flink session cluster through its REST API: validate the
# folder, build the job jar if needed, upload it (once per content: an uploaded jar with the same
# sha256 is reused), run it. Prints the job id on stdout, the Web UI link on stderr.
#
# Usage: scripts/submit.sh --job jobs/<job> [--from-savepoint <path> | --from-latest-checkpoint]
#                          [--parallelism N] [--allow-non-restored-state]
#                          [--bootstrap-servers host:port] [--packed-job]
#   --job                       job folder; validated here, passed to the job as an absolute path
#   --from-savepoint            restore from this savepoint (or retained checkpoint)
#   --from-latest-checkpoint    restore from the newest complete retained checkpoint of the
#                               folder's earlier submissions from this machine (after a JobManager
#                               without high availability lost the job); needs a local
#                               execution.checkpointing.dir
#   --allow-non-restored-state  let the restore skip state of operators the new version dropped
#   --parallelism               default: the cluster's parallelism.default (REST alone would use 1)
#   --bootstrap-servers         Kafka brokers, overriding the job's kafka.bootstrapServers
#   --packed-job                pass jobs/<name> as is, so the job reads the copy packed in the jar
#
# Environment:
#   FLINK_REST_URL   the cluster's REST endpoint, default http://localhost:$FLINK_REST_PORT
#   FLINK_REST_PORT  default 8081 (as for scripts/flink-cluster.sh)
#
# Where the job folder is read: the job's main() runs on the JobManager, so --job names a folder
# on the JobManager's machine. For the local cluster (scripts/flink-cluster.sh) that is this
# machine. On a remote cluster the folder must exist there at the same path, or use --packed-job:
# the jar packs jobs/*/**.yaml at build time, so `--job jobs/telecom-demo --packed-job` resolves
# inside the jar (rebuild the jar after editing the folder).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly ENTRY_CLASS=io.journeyorchestrator.job.JourneyOrchestratorJob

usage() {
  sed -n '6,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

job=""
savepoint=""
from_latest=""
parallelism=""
allow_non_restored=false
bootstrap=""
packed=""
while (($#)); do
  case $1 in
    --job) job=${2:?--job needs a value}; shift 2 ;;
    --from-savepoint) savepoint=${2:?--from-savepoint needs a value}; shift 2 ;;
    --from-latest-checkpoint) from_latest=yes; shift ;;
    --parallelism) parallelism=${2:?--parallelism needs a value}; shift 2 ;;
    --allow-non-restored-state) allow_non_restored=true; shift ;;
    --bootstrap-servers) bootstrap=${2:?--bootstrap-servers needs a value}; shift 2 ;;
    --packed-job) packed=yes; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done
[[ -n $job ]] || { usage >&2; exit 2; }
[[ -z $savepoint || -z $from_latest ]] || die "--from-savepoint and --from-latest-checkpoint exclude each other"
[[ -z $parallelism || $parallelism =~ ^[1-9][0-9]*$ ]] || die "--parallelism must be a positive number"
require_cmd curl jq

root="$(repo_root)"
# The folder on disk: relative to the caller's directory, else to the repository root.
if [[ -d $job ]]; then
  job_dir="$(cd -- "$job" && pwd -P)"
elif [[ -d $root/$job ]]; then
  job_dir="$(cd -- "$root/$job" && pwd -P)"
else
  die "no job folder $job"
fi
if [[ -n $packed ]]; then
  [[ $job_dir == "$root"/jobs/* ]] || die "--packed-job needs a folder under $root/jobs"
  job_arg="jobs/$(basename -- "$job_dir")"
else
  job_arg=$job_dir
fi
if [[ -n $savepoint && $savepoint != *://* && -e $savepoint ]]; then
  savepoint="$(absolute_path "$savepoint")"
fi

# --- validate before anything reaches the cluster --------------------------------------------------
rc=0
messages="$(journey_cli validate "$job_dir" 2>&1)" || rc=$?
if ((rc == 2)); then
  printf '%s\n' "$messages" >&2
  log "$job_dir is not valid: nothing submitted"
  exit 2
elif ((rc != 0)); then
  printf '%s\n' "$messages" | tail -n 20 >&2
  die "validation could not run (exit $rc)"
fi
log "$job_dir: $messages"

flink_rest GET /overview >/dev/null ||
  die "no Flink cluster answers at $(flink_rest_url) (start one: scripts/flink-cluster.sh start)"
# A REST run without "parallelism" gets Flink's built-in default (1), not the cluster's
# parallelism.default: pass the cluster's value explicitly.
if [[ -z $parallelism ]]; then
  parallelism="$(flink_rest GET /jobmanager/config |
    jq -r '.[] | select(.key == "parallelism.default") | .value')" || parallelism=""
fi

state_dir="$root/.local/submit"
if [[ -n $from_latest ]]; then
  checkpoint_dir="$(flink_rest GET /jobmanager/config |
    jq -r '.[] | select(.key == "execution.checkpointing.dir") | .value')" || checkpoint_dir=""
  [[ -n $checkpoint_dir && $checkpoint_dir != null ]] ||
    die "the cluster sets no execution.checkpointing.dir: no retained checkpoints to restore from"
  # Earlier submissions of this folder, newest first (submit records each one under plans/).
  mapfile -t job_ids < <(grep -lxF "$job_dir" "$state_dir"/plans/*.folder 2>/dev/null |
    xargs -r ls -t | xargs -rn1 basename | sed 's/\.folder$//')
  ((${#job_ids[@]})) ||
    die "no earlier submission of $job_dir recorded in $state_dir/plans: pass --from-savepoint <path>"
  savepoint="$(journey_cli latest-checkpoint --checkpoints "$checkpoint_dir" "${job_ids[@]}")" ||
    die "no retained checkpoint to restore $job_dir from (errors above)"
  log "latest retained checkpoint: $savepoint"
fi

# --- the jar: upload once per content ---------------------------------------------------------------
ensure_built
jar="$root/target/journey-orchestrator-0.1.0-SNAPSHOT.jar"
sha="$(sha256sum "$jar" | cut -d' ' -f1)"
state_file="$state_dir/uploaded-jars.tsv"
mkdir -p "$state_dir"
touch "$state_file"
rest_url="$(flink_rest_url)"

# A jar id remembered for this endpoint and content, if the cluster still has it (uploads are kept
# in the JobManager's web.tmpdir and are gone after it restarts).
jar_id="$(awk -F'\t' -v u="$rest_url" -v s="$sha" '$1 == u && $2 == s { id = $3 } END { print id }' "$state_file")"
if [[ -n $jar_id ]] && ! flink_rest GET /jars | jq -e --arg id "$jar_id" '.files[] | select(.id == $id)' >/dev/null; then
  jar_id=""
fi
if [[ -n $jar_id ]]; then
  log "reusing uploaded jar $jar_id (same sha256 ${sha:0:12})"
else
  log "uploading $(basename -- "$jar") ($(($(stat -c %s "$jar") / 1024 / 1024)) MB) to $rest_url"
  reply="$(flink_rest POST /jars/upload -H 'Expect:' \
    -F "jarfile=@$jar;type=application/x-java-archive")" || die "jar upload failed"
  jar_id="$(jq -r '.filename' <<<"$reply")"
  jar_id=${jar_id##*/}
  [[ -n $jar_id && $jar_id != null ]] || die "no file name in the upload reply: $reply"
  # One line per endpoint and content; older lines of the same endpoint and sha are dropped.
  awk -F'\t' -v u="$rest_url" -v s="$sha" '!($1 == u && $2 == s)' "$state_file" >"$state_file.tmp"
  printf '%s\t%s\t%s\n' "$rest_url" "$sha" "$jar_id" >>"$state_file.tmp"
  mv -f "$state_file.tmp" "$state_file"
fi

# --- run ------------------------------------------------------------------------------------------
program_args=(--job "$job_arg")
[[ -n $bootstrap ]] && program_args+=(--bootstrap-servers "$bootstrap")
# One JSON string per line (jq's --args would read "--job" as its own option).
args_json="$(printf '%s\n' "${program_args[@]}" | jq -R . | jq -sc .)"
body="$(jq -cn \
  --argjson args "$args_json" \
  --arg entry "$ENTRY_CLASS" \
  --arg savepoint "$savepoint" \
  --arg parallelism "$parallelism" \
  --argjson allow "$allow_non_restored" \
  '{entryClass: $entry, programArgsList: $args, allowNonRestoredState: $allow}
   + (if $savepoint != "" then {savepointPath: $savepoint} else {} end)
   + (if $parallelism != "" then {parallelism: ($parallelism | tonumber)} else {} end)')"
log "running ${program_args[*]}${savepoint:+ from $savepoint}${parallelism:+ with parallelism $parallelism}"
# main() runs on the JobManager and builds the job graph (CEL compilation included): allow time.
reply="$(FLINK_REST_TIMEOUT=${FLINK_REST_TIMEOUT:-180} flink_rest_json POST "/jars/$jar_id/run" "$body")" ||
  die "the cluster did not start the job (errors above)"
job_id="$(jq -r '.jobid' <<<"$reply")"
[[ -n $job_id && $job_id != null ]] || die "no job id in the run reply: $reply"
log "submitted job $job_id"
# What state this job keeps, by id: scripts/upgrade.sh compares it with the next folder.
mkdir -p "$state_dir/plans"
journey_cli plan "$job_dir" >"$state_dir/plans/$job_id.plan"
printf '%s\n' "$job_dir" >"$state_dir/plans/$job_id.folder"
log "Web UI: $(flink_ui_job_url "$job_id")"
printf '%s\n' "$job_id"
