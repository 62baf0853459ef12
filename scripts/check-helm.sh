#!/usr/bin/env bash
# Checks the Helm chart offline, printing what it checked; exits non-zero on any failure:
#  1. one Flink version everywhere: pom.xml flink.version, flink-conf/cluster/config.yaml's
#     "# Flink X" line, Chart.yaml appVersion, image tags and flinkVersion (vX_Y) in values.yaml and
#     ci/*-values.yaml, built-in plugin jars named there, helm/Dockerfile's FROM flink:X-java17; and
#     the chart's env.java.opts.all equal to flink-conf/cluster/config.yaml's;
#  2. helm lint --strict and helm template with values.yaml and with each ci/*-values.yaml, on a copy
#     of the chart staged with a job folder (scripts/helm-package.sh);
#  3. every rendered document against its schema (scripts/tools/k8s-validate/validate.mjs): built-in
#     kinds and PodMonitor via kubernetes-models, FlinkDeployment via the operator's CRD; and that
#     each job file reaches the pods unchanged.
# Usage: scripts/check-helm.sh [--job JOB_DIR] [HELM_ARG...]
#   JOB_DIR defaults to jobs/telecom-demo; HELM_ARGs (e.g. --set job.parallelism=two) go to every
#   helm lint and helm template, after the values file.
set -euo pipefail
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
job_dir="$root/jobs/telecom-demo"
if [[ "${1:-}" == "--job" ]]; then
  job_dir="${2:?--job needs a folder}"
  shift 2
fi
helm_args=("$@")
chart="$root/helm/journey-orchestrator"
crd="$root/scripts/tools/k8s-validate/crds/flinkdeployments.flink.apache.org-v1.yml"
failures=0
started=$SECONDS

check() { # check description command...: run, print ok/FAIL, count failures
  local what=$1
  shift
  if "$@"; then
    printf '  ok    %s\n' "$what"
  else
    printf '  FAIL  %s\n' "$what"
    failures=$((failures + 1))
  fi
}

equals() { # equals expected actual source
  [[ "$1" == "$2" ]] || {
    printf '        %s: expected %q, found %q\n' "$3" "$1" "$2"
    return 1
  }
}

tools="$("$root/scripts/helm-tools.sh")"
helm="$tools/bin/helm"
require_cmd node

# 1. Versions ---------------------------------------------------------------------------------------
echo "Flink version agreement:"
flink="$(pom_property "$root/pom.xml" flink.version)"
[[ -n "$flink" ]] || die "no <flink.version> in pom.xml"
major_minor="v$(cut -d. -f1 <<<"$flink")_$(cut -d. -f2 <<<"$flink")"
echo "  pom.xml flink.version = $flink (operator flinkVersion $major_minor)"

check "flink-conf/cluster/config.yaml says '# Flink $flink'" \
  equals "$flink" "$(sed -n '1,5s/^# Flink \([0-9][0-9.]*\).*/\1/p' "$root/flink-conf/cluster/config.yaml" | head -n 1)" \
  "flink-conf/cluster/config.yaml"
check "Chart.yaml appVersion $flink" \
  equals "$flink" "$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\}.*/\1/p' "$chart/Chart.yaml")" "Chart.yaml"
check "helm/Dockerfile FROM flink:$flink-java17" \
  equals "flink:$flink-java17" "$(awk 'toupper($1) == "FROM" {print $2; exit}' "$root/helm/Dockerfile")" "helm/Dockerfile"
for values in "$chart/values.yaml" "$chart"/ci/*-values.yaml; do
  name="${values#"$chart/"}"
  tag="$(awk '/^image:/ {inside=1; next} /^[^ #]/ {inside=0} inside && /^  tag:/ {gsub(/"/, "", $2); print $2}' "$values")"
  if [[ -n "$tag" || "$name" == values.yaml ]]; then
    check "$name image.tag '$tag' ends in -flink$flink" equals "-flink$flink" "-flink${tag##*-flink}" "$name"
  fi
  fv="$(sed -n 's/^flinkVersion: *\([^ #]*\).*/\1/p' "$values")"
  if [[ -n "$fv" || "$name" == values.yaml ]]; then
    check "$name flinkVersion $major_minor" equals "$major_minor" "$fv" "$name"
  fi
  while read -r jar; do
    [[ -n "$jar" ]] || continue
    jar_version="${jar##*-}"
    check "$name plugin $jar is for Flink $flink" equals "$flink" "${jar_version%.jar}" "$name"
  done < <(grep -o 'flink-[a-z0-9-]*-[0-9][0-9.]*[0-9]\.jar' "$values" || true)
done
conf_opts="$(awk '/^env:/ {e=1} e && /^      all:/ {sub(/^      all: */, ""); print; exit}' "$root/flink-conf/cluster/config.yaml")"
chart_opts="$(awk '/^env:/ {e=1} e && /^      all:/ {sub(/^      all: */, ""); print; exit}' "$chart/templates/_helpers.tpl")"
check "chart env.java.opts.all equals flink-conf/cluster/config.yaml's" \
  equals "$conf_opts" "$chart_opts" "templates/_helpers.tpl"

# 2. Lint and render --------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/check-helm.XXXXXX")"
on_exit "rm -rf '$work'"
staged="$("$root/scripts/helm-package.sh" --stage-only --into "$work" "$job_dir" 2>/dev/null)"
echo "Chart (staged with $(find "$staged/job" -type f | wc -l) files of ${job_dir#"$root/"}), $("$helm" version --short):"
((${#helm_args[@]} == 0)) || echo "  extra helm arguments: ${helm_args[*]}"
lint() { # lint values-file: helm lint, its output shown only on failure
  "$helm" lint --strict --quiet "$staged" -f "$1" "${helm_args[@]}" >"$work/lint.log" 2>&1 || {
    sed 's/^/        /' "$work/lint.log"
    return 1
  }
}
renders=()
for values in "$staged/values.yaml" "$staged"/ci/*-values.yaml; do
  name="${values#"$staged/"}"
  out="$work/render-$(basename "$values" .yaml).yaml"
  check "helm lint --strict -f $name" lint "$values"
  if "$helm" template journey "$staged" --namespace journeys -f "$values" "${helm_args[@]}" \
    >"$out" 2>"$work/template.log"; then
    printf '  ok    helm template -f %s: %s\n' "$name" \
      "$(awk '/^kind:/ {print $2}' "$out" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=", "}')"
    renders+=("$out")
  else
    printf '  FAIL  helm template -f %s\n' "$name"
    sed 's/^/        /' "$work/template.log"
    failures=$((failures + 1))
  fi
done

# 3. Schemas ----------------------------------------------------------------------------------------
echo "Schemas of the rendered documents (operator CRD: ${crd#"$root/"}):"
if ((${#renders[@]} > 0)); then
  (cd "$work" && node "$root/scripts/tools/k8s-validate/validate.mjs" \
    --node-modules "$tools/node_modules" --crd "$crd" --expect-job-dir "$job_dir" "${renders[@]##*/}") ||
    failures=$((failures + 1))
fi

if ((failures > 0)); then
  echo "check-helm: $failures check(s) failed ($((SECONDS - started)) s)"
  exit 1
fi
echo "check-helm: all checks passed ($((SECONDS - started)) s)"
