#!/usr/bin/env bash
# End-to-end test of a savepoint upgrade on a real Flink session cluster and Kafka broker (own
# ports and folders): submit the demo job, produce events so that customers enter audiences,
# upgrade to a changed job folder (one pattern changed, one added, one audience's expireAfter
# changed) with scripts/upgrade.sh, produce more events, and check from the output topics that
# customers who entered before the upgrade exit correctly after it, with no duplicate or missing
# decision. Also checks that an upgrade whose savepoint holds unexplained state is refused.
#
# Usage: scripts/test-upgrade.sh      (KEEP_TEST_DATA=1 keeps the cluster and broker folders)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

root="$(repo_root)"
scripts="$root/scripts"
export FLINK_REST_PORT=${TEST_FLINK_REST_PORT:-28081}
export FLINK_RPC_PORT=${TEST_FLINK_RPC_PORT:-26123}
export FLINK_METRICS_PORTS=29249-29259
export FLINK_CLUSTER_HOME="$root/.local/flink-cluster-upgrade-test"
export KAFKA_PORT=${TEST_KAFKA_PORT:-29092}
export KAFKA_CONTROLLER_PORT=${TEST_KAFKA_CONTROLLER_PORT:-29093}
export KAFKA_HOME_DIR="$root/.local/kafka-upgrade-test"
unset FLINK_REST_URL KAFKA_BOOTSTRAP_SERVERS
bootstrap="127.0.0.1:$KAFKA_PORT"
work="$FLINK_CLUSTER_HOME/test"

cleanup() {
  "$scripts/flink-cluster.sh" stop >/dev/null 2>&1 || true
  "$scripts/kafka-local.sh" stop >/dev/null 2>&1 || true
  if ((CJO_EXIT_CODE == 0)) && [[ -z ${KEEP_TEST_DATA:-} ]]; then
    rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR"
  else
    log "cluster logs kept in $FLINK_CLUSTER_HOME/log, broker data in $KAFKA_HOME_DIR"
  fi
}
rm -rf "$FLINK_CLUSTER_HOME" "$KAFKA_HOME_DIR"
on_exit cleanup
mkdir -p "$work"
ensure_built
project_classpath >/dev/null

# --- the two versions of the job folder -----------------------------------------------------------
cp -r "$root/jobs/telecom-demo" "$work/v1"
rm -f "$work/v1/recorded-events.jsonl"
cp -r "$work/v1" "$work/v2"
sed -i 's/times: "3+"/times: "4+"/' "$work/v2/patterns/repeated-calls.yaml"
sed -i 's/^expireAfter: 30d/expireAfter: 10d/' "$work/v2/audiences/open-support-case.yaml"
cat >"$work/v2/patterns/email-opened.yaml" <<'YAML'
id: email-opened
description: Opened a marketing email (single event)
steps:
  - name: opened
    when: event.type == "email.opened"
YAML
grep -q '"4+"' "$work/v2/patterns/repeated-calls.yaml" || die "v2 pattern change not applied"
grep -q 'expireAfter: 10d' "$work/v2/audiences/open-support-case.yaml" || die "v2 expiry change not applied"

# --- events: minute offsets from T0, 40 days ago, so every event is in the past --------------------
minute=60000
t0=$(( ($(date +%s) - 40 * 86400) / 60 * 60 * 1000 ))
at() { echo $((t0 + $1 * minute)); }
event() { # id customer minute type channel [attributes-json]
  printf '{"eventId":"%s","customerId":"%s","timestamp":%s,"type":"%s","channel":"%s","attributes":%s}\n' \
    "$1" "$2" "$(at "$3")" "$4" "$5" "${6:-{\}}"
}
clock() { # minute: one event per partition-spreading customer, to move event time everywhere
  local i
  for i in $(seq 1 16); do event "clock-$1-$i" "clock-$i" "$1" page.view WEB; done
}
{
  for c in 1 2 3 4; do event "open-$c" "c-u$c" 60 support.case.opened CHAT '{"caseId":"k'$c'"}'; done
  event "tier-5" c-u5 0 profile.updated OTHER '{"tier":"gold"}'
  event "fail-5" c-u5 120 payment.failed PAYMENT '{"amount":42.0}'
  event "call-5a" c-u5 130 call.inbound CALL_CENTER
  event "call-5b" c-u5 140 call.inbound CALL_CENTER
  # A partial match that must survive the upgrade: the absence deadline is after it.
  event "order-7" c-u7 100 order.completed STORE '{"productType":"device","productId":"p1"}'
  clock 180
} >"$work/before.jsonl"
day=1440
{
  event "resolve-1" c-u1 300 support.case.resolved CHAT '{"caseId":"k1"}'
  event "resolve-2" c-u2 300 support.case.resolved CHAT '{"caseId":"k2"}'
  event "paid-5" c-u5 360 payment.succeeded PAYMENT '{"amount":42.0}'
  event "open-6" c-u6 360 support.case.opened CHAT '{"caseId":"k6"}'
  clock $((35 * day))
} >"$work/after.jsonl"

# --- run -------------------------------------------------------------------------------------------
"$scripts/flink-cluster.sh" start >/dev/null || die "cluster did not start"
"$scripts/kafka-local.sh" start >/dev/null || die "broker did not start"
"$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" --job "$work/v1" >/dev/null

# State the savepoint holds but nothing explains must stop an upgrade before the running job is
# touched. Simulated on a job of its own (own topics) that runs its patterns on Flink CEP, one
# operator each: the upgrade changes a pattern, and the saved plan is replaced by the new
# folder's own, as if the code had renamed the pattern's operator (nothing in the folders
# explains the orphan).
cp -r "$work/v1" "$work/cep"
sed -i 's/ cjo\./ cjo-cep./' "$work/cep/job.yaml"
printf 'engine: flink-cep\n' >>"$work/cep/job.yaml"
cp -r "$work/cep" "$work/cep-unexplained"
cp "$work/v2/patterns/repeated-calls.yaml" "$work/cep-unexplained/patterns/"
"$scripts/create-topics.sh" --bootstrap-servers "$bootstrap" --job "$work/cep" >/dev/null
cep_id="$("$scripts/submit.sh" --job "$work/cep" --bootstrap-servers "$bootstrap")"
flink_wait_job_running "$cep_id" 120 || die "the Flink CEP job did not start"
journey_cli produce-events --job "$work/cep" --bootstrap-servers "$bootstrap" \
  --events "$work/before.jsonl" >/dev/null 2>&1 || die "producing failed"
deadline=$((SECONDS + 120))
until [[ "$(journey_cli tail-topic cjo-cep.audience-changes --bootstrap-servers "$bootstrap" \
  --idle-exit 5 2>/dev/null | grep -c ENTERED)" -ge 5 ]]; do
  ((SECONDS < deadline)) || die "customers of the Flink CEP job did not enter"
done
"$scripts/plan.sh" "$work/cep-unexplained" >"$root/.local/submit/plans/$cep_id.plan"
rc=0
"$scripts/upgrade.sh" --job-id "$cep_id" --job "$work/cep-unexplained" \
  --bootstrap-servers "$bootstrap" >/dev/null 2>"$work/refused.log" || rc=$?
cat "$work/refused.log" >&2
((rc != 0)) || die "an upgrade with unexplained state was not refused"
grep -q "REFUSE  operator pattern/repeated-calls/" "$work/refused.log" ||
  die "the refusal did not name the operator"
[[ "$(flink_job_state "$cep_id")" == RUNNING ]] || die "the refused upgrade touched the running job"
flink_cancel_job "$cep_id" >/dev/null 2>&1 || true
log "an upgrade with unexplained state was refused and the job kept running"

job_id="$("$scripts/submit.sh" --job "$work/v1" --bootstrap-servers "$bootstrap")"
flink_wait_job_running "$job_id" 120 || die "v1 did not start"
journey_cli produce-events --job "$work/v1" --bootstrap-servers "$bootstrap" \
  --events "$work/before.jsonl" >/dev/null 2>&1 || die "producing failed"

read_topic() { # topic idle-seconds: every committed record as a JSON line
  journey_cli tail-topic "$1" --bootstrap-servers "$bootstrap" --idle-exit "$2" 2>/dev/null
}
changes_of() { # JSON lines -> "customer audience change reason +minutes"
  jq -r --argjson t0 "$t0" \
    '"\(.customerId) \(.audienceId) \(.change) \(.reason) +\((.eventTime - $t0) / 60000)"' | sort
}
decisions_of() {
  jq -r --argjson t0 "$t0" \
    '"\(.customerId) \(.policyId) \(.action) +\((.eventTime - $t0) / 60000) until \(if .until == null then "-" else "+\((.until - $t0) / 60000)" end)"' | sort
}

log "waiting for the entries before the upgrade"
deadline=$((SECONDS + 120))
until [[ "$(read_topic cjo.audience-changes 12 | grep -c ENTERED)" -ge 5 ]]; do
  ((SECONDS < deadline)) || die "customers did not enter before the upgrade"
done

upgrade_log="$work/upgrade.log"
new_id="$("$scripts/upgrade.sh" --job-id "$job_id" --job "$work/v2" \
  --bootstrap-servers "$bootstrap" 2>"$upgrade_log")" || { cat "$upgrade_log" >&2; die "upgrade failed"; }
cat "$upgrade_log" >&2
grep -q "DROP    pattern repeated-calls: definition changed" "$upgrade_log" ||
  die "the upgrade did not list the changed pattern's dropped state"
grep -q "add     pattern email-opened: new" "$upgrade_log" || die "the added pattern was not listed"
grep -q "keep    audience open-support-case" "$upgrade_log" || die "audience state not kept"

journey_cli produce-events --job "$work/v2" --bootstrap-servers "$bootstrap" \
  --events "$work/after.jsonl" >/dev/null 2>&1 || die "producing failed"

expected_changes="$(sort <<'EXPECTED'
c-u1 open-support-case ENTERED pattern:support-case-opened +60
c-u2 open-support-case ENTERED pattern:support-case-opened +60
c-u3 open-support-case ENTERED pattern:support-case-opened +60
c-u4 open-support-case ENTERED pattern:support-case-opened +60
c-u5 payment-trouble ENTERED pattern:calls-after-failed-payment +140
c-u1 open-support-case EXITED pattern:support-case-resolved +300
c-u2 open-support-case EXITED pattern:support-case-resolved +300
c-u5 payment-trouble EXITED pattern:payment-succeeded +360
c-u6 open-support-case ENTERED pattern:support-case-opened +360
c-u6 open-support-case EXITED expired +14760
c-u3 open-support-case EXITED expired +43260
c-u4 open-support-case EXITED expired +43260
c-u7 activation-help ENTERED pattern:device-not-activated +10180
c-u7 activation-help EXITED expired +30340
EXPECTED
)"
expected_decisions="$(sort <<'EXPECTED'
c-u1 no-marketing-during-support SUPPRESS +60 until +43260
c-u2 no-marketing-during-support SUPPRESS +60 until +43260
c-u3 no-marketing-during-support SUPPRESS +60 until +43260
c-u4 no-marketing-during-support SUPPRESS +60 until +43260
c-u5 no-marketing-during-support SUPPRESS +140 until +10220
c-u1 no-marketing-during-support RELEASE +300 until -
c-u2 no-marketing-during-support RELEASE +300 until -
c-u5 no-marketing-during-support RELEASE +360 until -
c-u6 no-marketing-during-support SUPPRESS +360 until +14760
c-u6 no-marketing-during-support RELEASE +14760 until -
c-u3 no-marketing-during-support RELEASE +43260 until -
c-u4 no-marketing-during-support RELEASE +43260 until -
c-u7 no-upsell-before-activation SUPPRESS +10180 until +30340
c-u7 no-upsell-before-activation RELEASE +30340 until -
EXPECTED
)"

log "waiting for the decisions after the upgrade"
deadline=$((SECONDS + 150))
while :; do
  changes="$(read_topic cjo.audience-changes 15 | changes_of)"
  [[ $(wc -l <<<"$changes") -ge 14 ]] && break
  ((SECONDS < deadline)) || break
done
decisions="$(read_topic cjo.suppressions 15 | decisions_of)"

status=0
if [[ $changes != "$expected_changes" ]]; then
  log "audience changes differ from the expected ones (< expected, > committed):"
  diff <(printf '%s\n' "$expected_changes") <(printf '%s\n' "$changes") >&2 || true
  status=1
fi
if [[ $decisions != "$expected_decisions" ]]; then
  log "suppression decisions differ from the expected ones (< expected, > committed):"
  diff <(printf '%s\n' "$expected_decisions") <(printf '%s\n' "$decisions") >&2 || true
  status=1
fi
flink_cancel_job "$new_id" >/dev/null 2>&1 || true
((status == 0)) || die "upgrade test failed"
log "upgrade test passed: 14 audience changes and 14 suppression decisions, each exactly once"
