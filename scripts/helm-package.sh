#!/usr/bin/env bash
# Stages a job folder into a copy of the Helm chart and packages it, so the analysts' files ship:
#   scripts/helm-package.sh [--stage-only] [--into DIR] [JOB_DIR]   (default: jobs/telecom-demo)
# The chart is copied to .local/helm/journey-orchestrator/ (or DIR/journey-orchestrator/) with
# JOB_DIR's job.yaml, events.yaml (when there is one), patterns/, audiences/ and suppressions/ in
# its job/ folder (nothing else: recorded events stay behind).
# Prints the packaged .tgz (or, with --stage-only, the staged chart folder) on stdout, ready for
#   helm upgrade --install journey "$(scripts/helm-package.sh jobs/telecom-demo)" -f my-values.yaml
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
stage_only=""
out="$root/.local/helm"
while [[ "${1:-}" == --* ]]; do
  case "$1" in
    --stage-only) stage_only=yes; shift ;;
    --into) out="${2:?--into needs a folder}"; shift 2 ;;
    *) die "unknown option $1" ;;
  esac
done
job_dir="${1:-$root/jobs/telecom-demo}"
[[ -f "$job_dir/job.yaml" ]] || die "no job.yaml in $job_dir: pass a job folder, e.g. jobs/telecom-demo"
job_dir="$(cd -- "$job_dir" && pwd -P)"

staged="$out/journey-orchestrator"
rm -rf "$staged"
mkdir -p "$out"
cp -R "$root/helm/journey-orchestrator" "$staged"
rm -rf "$staged/job"
mkdir -p "$staged/job"
cp "$job_dir/job.yaml" "$staged/job/"
if [[ -f "$job_dir/events.yaml" ]]; then
  cp "$job_dir/events.yaml" "$staged/job/"
fi
for folder in patterns audiences suppressions; do
  if [[ -d "$job_dir/$folder" ]]; then
    mkdir -p "$staged/job/$folder"
    find "$job_dir/$folder" -maxdepth 1 -type f \( -name '*.yaml' -o -name '*.yml' \) \
      -exec cp {} "$staged/job/$folder/" \;
  fi
done
log "staged $(find "$staged/job" -type f | wc -l) job files of $job_dir into $staged"

if [[ -n "$stage_only" ]]; then
  printf '%s\n' "$staged"
  exit 0
fi
tools="$("$root/scripts/helm-tools.sh")"
"$tools/bin/helm" package "$staged" --destination "$out" >&2
printf '%s\n' "$out/journey-orchestrator-$(awk '/^version:/ {print $2}' "$staged/Chart.yaml").tgz"
