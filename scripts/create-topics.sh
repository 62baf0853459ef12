#!/usr/bin/env bash
# Create the Kafka topics a job reads and writes, as named under kafka.topics in its job.yaml.
# Safe to re-run: existing topics are kept; every topic is then checked for its partition count.
#
# Usage: scripts/create-topics.sh [--bootstrap-servers host:port] [--job jobs/<job>]
#   --job                job directory (or its job.yaml), default jobs/telecom-demo
#   --bootstrap-servers  default: $KAFKA_BOOTSTRAP_SERVERS, else 127.0.0.1:$KAFKA_PORT when
#                        KAFKA_PORT is set (as for scripts/kafka-local.sh), else the job's
#                        kafka.bootstrapServers
#   KAFKA_WAIT_TIMEOUT   seconds to wait for a broker to answer, default 10
#   KAFKA_ADMIN_TIMEOUT_MS  how long one admin request may take, default 20000
# The job's kafka.properties (SASL, TLS) reach Kafka's TopicCommand through a file only this user
# can read, deleted on exit.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

readonly PARTITIONS=4
readonly THIRTY_DAYS_MS=2592000000
readonly REQUIRED_TOPIC_KEYS=(events matches audienceChanges suppressions deadLetters lateEvents customerState)
# Named only by jobs with actions (the job's loader requires it then).
readonly OPTIONAL_TOPIC_KEYS=(decisions)
readonly TOPIC_COMMAND=org.apache.kafka.tools.TopicCommand

usage() {
  sed -n '5,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# job_kafka_settings job.yaml: print "path<TAB>value" for each scalar under the top-level `kafka:`
# key, e.g. "topics.events<TAB>cjo.interactions". A stop-gap for the known shape of job.yaml (block
# mappings, no flow style, no multi-line values); the Java CLI's strict parser will replace it.
job_kafka_settings() {
  awk '
    function indent(s) { match(s, /^ */); return RLENGTH }
    /^[[:space:]]*$/ || /^[[:space:]]*#/ { next }
    {
      ind = indent($0)
      line = $0
      sub(/[[:space:]]+#.*$/, "", line)
      sub(/^ +/, "", line)
      sub(/[[:space:]]+$/, "", line)
      colon = index(line, ":")
      if (colon == 0) next
      key = substr(line, 1, colon - 1)
      val = substr(line, colon + 1)
      sub(/^[[:space:]]+/, "", val)
      gsub(/^["\047]|["\047]$/, "", val)
      while (depth > 0 && ind <= ind_at[depth]) depth--
      depth++
      ind_at[depth] = ind
      key_at[depth] = key
      if (key_at[1] != "kafka" || depth < 2 || val == "") next
      path = key_at[2]
      for (i = 3; i <= depth; i++) path = path "." key_at[i]
      print path "\t" val
    }' "$1"
}

# setting path: the value of one kafka.* setting of the job, empty if absent.
setting() {
  awk -F'\t' -v k="$1" '$1 == k { print $2 }' <<<"$settings"
}

topic_config_args() {
  case $1 in
    deadLetters | lateEvents) printf '%s\n' --config "retention.ms=$THIRTY_DAYS_MS" ;;
    # The latest record of each customer is the customer's state: keep it, however old.
    customerState) printf '%s\n' --config "cleanup.policy=compact" ;;
  esac
}

# Whether any of the comma-separated host:port bootstrap servers accepts connections. Checked
# first because the admin client waits a minute for an absent broker before it gives up.
any_bootstrap_answers() {
  local -a servers
  local server host
  IFS=, read -ra servers <<<"$1"
  for server in "${servers[@]}"; do
    host=${server%:*}
    host=${host#[}
    host=${host%]}
    port_open "$host" "${server##*:}" && return 0
  done
  return 1
}

resolve_job_file() {
  local job=$1 candidate
  for candidate in "$job" "$(repo_root)/$job"; do
    [[ -d $candidate ]] && candidate="$candidate/job.yaml"
    if [[ -f $candidate ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  die "no job.yaml at $job"
}

job=jobs/telecom-demo
bootstrap=${KAFKA_BOOTSTRAP_SERVERS:-}
while (($#)); do
  case $1 in
    --job) job=${2:?--job needs a value}; shift 2 ;;
    --job=*) job=${1#--job=}; shift ;;
    --bootstrap-servers) bootstrap=${2:?--bootstrap-servers needs a value}; shift 2 ;;
    --bootstrap-servers=*) bootstrap=${1#--bootstrap-servers=}; shift ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

job_file="$(resolve_job_file "$job")"
settings="$(job_kafka_settings "$job_file")"
if [[ -z $bootstrap && -n ${KAFKA_PORT:-} ]]; then
  bootstrap="127.0.0.1:$KAFKA_PORT"
fi
bootstrap=${bootstrap:-$(setting bootstrapServers)}
[[ -n $bootstrap ]] || die "no bootstrap servers: pass --bootstrap-servers"

declare -A topics=()
TOPIC_KEYS=("${REQUIRED_TOPIC_KEYS[@]}")
for key in "${OPTIONAL_TOPIC_KEYS[@]}"; do
  [[ -z "$(setting "topics.$key")" ]] || TOPIC_KEYS+=("$key")
done
for key in "${TOPIC_KEYS[@]}"; do
  name="$(setting "topics.$key")"
  [[ -n $name ]] || die "$job_file: kafka.topics.$key is missing"
  [[ $name =~ ^[A-Za-z0-9._-]{1,249}$ ]] || die "$job_file: kafka.topics.$key: '$name' is not a valid topic name"
  topics[$key]=$name
done

require_cmd java
wait_until "${KAFKA_WAIT_TIMEOUT:-10}" any_bootstrap_answers "$bootstrap" ||
  die "no broker answers at $bootstrap (start one with scripts/kafka-local.sh start)"
# The job's kafka.properties (e.g. SASL and TLS settings), secrets resolved, in a file only this
# user can read (mktemp creates it 0600), deleted on exit.
admin_config="$(mktemp)"
on_exit "rm -f '$admin_config'"
journey_cli kafka-config --job "$(absolute_path "$(dirname -- "$job_file")")" \
  --output "$admin_config" ||
  die "cannot read the Kafka client properties of $job_file"
# Shorter than the admin client's default minute, so a broker that vanishes fails the script soon.
timeout_ms=${KAFKA_ADMIN_TIMEOUT_MS:-20000}
printf 'default.api.timeout.ms=%s\nrequest.timeout.ms=%s\n' "$timeout_ms" "$timeout_ms" >>"$admin_config"

log "creating ${#TOPIC_KEYS[@]} topics of $job_file on $bootstrap"
for key in "${TOPIC_KEYS[@]}"; do
  mapfile -t config_args < <(topic_config_args "$key")
  # Retried: right after a broker start the first admin request can time out.
  retry 2 2 kafka_run_class "$TOPIC_COMMAND" --bootstrap-server "$bootstrap" \
    --command-config "$admin_config" \
    --create --if-not-exists --topic "${topics[$key]}" --partitions "$PARTITIONS" \
    "${config_args[@]}" >/dev/null ||
    die "could not create ${topics[$key]} (kafka.topics.$key)"
done

# --if-not-exists keeps a topic that exists already, whatever its partitions: check them all.
pattern="$(printf '%s|' "${topics[@]}" | sed -e 's/[.]/\\./g' -e 's/|$//')"
description="$(kafka_run_class "$TOPIC_COMMAND" --bootstrap-server "$bootstrap" \
  --command-config "$admin_config" --describe --topic "^($pattern)\$")" || die "could not describe the topics"
mismatches=0
for key in "${TOPIC_KEYS[@]}"; do
  name=${topics[$key]}
  line="$(awk -F'\t' -v t="Topic: $name" '$1 == t' <<<"$description")"
  count="$(sed -n 's/.*PartitionCount: \([0-9]*\).*/\1/p' <<<"$line")"
  configs="$(sed -n 's/.*Configs: //p' <<<"$line")"
  printf '%-16s %-28s partitions=%s %s\n' "$key" "$name" "${count:-?}" "$configs"
  if [[ $count != "$PARTITIONS" ]]; then
    log "ERROR: $name has ${count:-no} partitions, the job expects $PARTITIONS"
    mismatches=$((mismatches + 1))
  fi
done
((mismatches == 0)) || die "$mismatches topic(s) differ from what the job expects"
