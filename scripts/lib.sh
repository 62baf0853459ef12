# shellcheck shell=bash
# Helpers shared by the scripts in this directory. Source it, don't run it:
#   source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"
# It sets no shell options: each script starts with `set -euo pipefail` itself.

[[ -n "${_CJO_LIB_LOADED:-}" ]] && return 0
_CJO_LIB_LOADED=1

# Resolved once from this file's location, so scripts behave the same from any working directory.
_CJO_REPO_ROOT="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)"
_CJO_SCRIPT_NAME="$(basename -- "$0")"

repo_root() {
  printf '%s\n' "$_CJO_REPO_ROOT"
}

# Logs go to stderr so that a script's stdout stays usable as a value (e.g. a bootstrap address).
log() {
  printf '[%s] %s: %s\n' "$(date +%H:%M:%S)" "$_CJO_SCRIPT_NAME" "$*" >&2
}

# die [message...]: log and exit 1.
die() {
  log "ERROR: $*"
  exit 1
}

# require_cmd cmd...: each command is on PATH. curl and jq, small Debian packages the cluster
# scripts need, and chromium, the headless browser the report test renders report.html in, are
# installed with apt-get when missing and this runs as root.
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 && continue
    if [[ $c == curl || $c == jq || $c == chromium ]] && ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
      log "installing $c (apt-get)"
      { apt-get update -qq && apt-get install -y -qq "$c"; } >/dev/null 2>&1 ||
        die "'$c' is required; installing it with apt-get failed"
    else
      die "'$c' is required but not on PATH (Debian: apt-get install $c)"
    fi
  done
}

# retry n delay_s cmd...: run cmd until it succeeds, at most n times, sleeping delay_s between tries.
retry() {
  local n=$1 delay=$2 i=1
  shift 2
  until "$@"; do
    if ((i >= n)); then
      log "failed after $n attempts: $*"
      return 1
    fi
    log "attempt $i/$n failed, retrying in ${delay}s: $*"
    sleep "$delay"
    i=$((i + 1))
  done
}

# wait_until timeout_s cmd...: poll cmd every 0.2 s until it succeeds; 1 on timeout.
wait_until() {
  local timeout=$1 deadline
  shift
  deadline=$((SECONDS + timeout))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# port_open host port: something accepts TCP connections there. Bash's /dev/tcp, under `timeout`
# because a connect to a filtered address would otherwise hang.
port_open() {
  # shellcheck disable=SC2016 # $0 and $1 expand in the inner bash, on purpose
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

port_closed() {
  ! port_open "$1" "$2"
}

# wait_for_port host port timeout_s
wait_for_port() {
  local host=$1 port=$2 timeout=${3:-30}
  wait_until "$timeout" port_open "$host" "$port" || {
    log "no answer on $host:$port after ${timeout}s"
    return 1
  }
}

# wait_for_port_closed host port timeout_s
wait_for_port_closed() {
  local host=$1 port=$2 timeout=${3:-30}
  wait_until "$timeout" port_closed "$host" "$port" || {
    log "$host:$port still answers after ${timeout}s"
    return 1
  }
}

pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null
}

# terminate pid what timeout_s: SIGTERM, wait for the process to exit, SIGKILL after timeout_s.
terminate() {
  local pid=$1 what=$2 timeout=$3
  log "stopping $what (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "$timeout" pid_gone "$pid"; then
    log "$what still running after ${timeout}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    wait_until 10 pid_gone "$pid" || die "pid $pid survived SIGKILL"
  fi
}

# listening_sockets pid...: address:port of every socket those processes listen on (ss prints
# [::ffff:127.0.0.1] for IPv4 on an IPv6 socket, * or [::] for the wildcard).
listening_sockets() {
  local pid
  for pid in "$@"; do
    ss -ltnpH | awk -v pid="pid=$pid," 'index($0, pid) { print $4 }'
  done
}

# only_loopback pid...: those processes listen on something, and on 127.0.0.1 only.
only_loopback() {
  local sockets
  sockets="$(listening_sockets "$@")"
  [[ -n $sockets ]] && ! grep -Ev '^(127\.0\.0\.1|\[::ffff:127\.0\.0\.1\]):[0-9]+$' <<<"$sockets"
}

# pid_from_file file text...: the pid in that file, if its process lives and its command line holds
# every text, so that a stale pid file whose pid was reused, or another folder's process, does not
# count.
pid_from_file() {
  local file=$1 pid args text
  shift
  [[ -f $file ]] || return 1
  pid="$(<"$file")"
  pid_alive "$pid" || return 1
  args="$(ps -o args= -p "$pid" 2>/dev/null)" || return 1
  for text in "$@"; do
    [[ $args == *"$text"* ]] || return 1
  done
  printf '%s\n' "$pid"
}

pid_gone() {
  ! pid_alive "$1"
}

# on_exit command-string: run it when the script exits (normally, on error, or on INT/TERM).
# Hooks run last-registered first, each one even if an earlier one failed; the exit code is kept
# and hooks can read it as $CJO_EXIT_CODE.
_CJO_EXIT_HOOKS=()
_cjo_run_exit_hooks() {
  local rc=$? i
  set +e
  # shellcheck disable=SC2034 # read by the hooks
  CJO_EXIT_CODE=$rc
  for ((i = ${#_CJO_EXIT_HOOKS[@]} - 1; i >= 0; i--)); do
    eval "${_CJO_EXIT_HOOKS[i]}"
  done
  exit "$rc"
}
on_exit() {
  if ((${#_CJO_EXIT_HOOKS[@]} == 0)); then
    trap _cjo_run_exit_hooks EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
  fi
  _CJO_EXIT_HOOKS+=("$*")
}

# stop_tree pid: stop a background job and every process it started, and wait (up to 30 s) until
# they are gone. A shell function run with & (run_java, journey_cli) leaves java as a grandchild
# that neither killing the job's pid nor Ctrl-C reaches: background jobs of a script ignore SIGINT.
stop_tree() {
  local -a pids=("$1")
  local i=0 child pid deadline
  while ((i < ${#pids[@]})); do
    for child in $(ps -o pid= --ppid "${pids[i]}" 2>/dev/null); do
      pids+=("$child")
    done
    i=$((i + 1))
  done
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "$1" 2>/dev/null
  deadline=$((SECONDS + 30))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
      sleep 0.2
    done
  done
  return 0
}

# script_help: print the comment at the top of the running script (what it does, how to call it),
# without the leading '# ', for -h / --help.
script_help() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"
}

# wants_help args...: one of the arguments is -h or --help.
wants_help() {
  local arg
  for arg in "$@"; do
    [[ $arg == -h || $arg == --help ]] && return 0
  done
  return 1
}

# absolute_path path: the path made absolute (its folder must exist); scripts pass paths on to a
# JVM that runs from the repository root.
absolute_path() {
  printf '%s/%s\n' "$(cd -- "$(dirname -- "$1")" && pwd -P)" "$(basename -- "$1")"
}

# pom_property file name: the value of <name> in a pom (the first one).
pom_property() {
  sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$1" | head -n 1
}

# The --add-opens/--add-exports Flink needs on Java 17, defined once: the `flink.java17.opens`
# property of the root pom.xml (which also feeds Surefire and Failsafe). Printed on one line;
# read it with: read -ra opts <<<"$(java_opts_flink17)"
java_opts_flink17() {
  local pom opts
  pom="$(repo_root)/pom.xml"
  opts="$(awk '/<flink\.java17\.opens>/, /<\/flink\.java17\.opens>/' "$pom" | tr '\n' ' ' |
    sed -e 's:.*<flink\.java17\.opens>::' -e 's:</flink\.java17\.opens>.*::' \
      -e 's/[[:space:]][[:space:]]*/ /g' -e 's/^ //' -e 's/ $//')"
  [[ -n "$opts" ]] || die "no <flink.java17.opens> property in $pom"
  printf '%s\n' "$opts"
}

# tool_classpath name: print the Java classpath of scripts/tools/<name>/pom.xml. Resolved with Maven
# once, then cached in .local/classpath/<name>.txt; resolved again when that pom changes (its
# sha256 is kept beside the cache) or when a cached jar is no longer in the local repository.
tool_classpath() {
  local name=${1:?tool name}
  local root pom dir out stamp sum tmp mvn_log
  root="$(repo_root)"
  pom="$root/scripts/tools/$name/pom.xml"
  [[ -f "$pom" ]] || die "no tool pom: $pom"
  dir="$root/.local/classpath"
  out="$dir/$name.txt"
  stamp="$dir/$name.pom.sha256"
  sum="$(sha256sum "$pom" | cut -d' ' -f1)"

  if [[ -s "$out" && -f "$stamp" && "$(<"$stamp")" == "$sum" ]] && _cjo_jars_present "$out"; then
    cat "$out"
    return 0
  fi

  require_cmd mvn
  mkdir -p "$dir"
  log "resolving the '$name' classpath with Maven (scripts/tools/$name/pom.xml)"
  tmp="$out.$$.tmp"
  mvn_log="$dir/$name.mvn.log"
  # Maven's output goes to a log, shown on failure: this function's stdout is the classpath only.
  if ! retry 3 5 mvn -q -B -f "$pom" dependency:build-classpath -Dmdep.outputFile="$tmp" \
    >"$mvn_log" 2>&1; then
    rm -f "$tmp"
    tail -n 30 "$mvn_log" >&2
    die "could not resolve the '$name' classpath (Maven log: $mvn_log)"
  fi
  [[ -s "$tmp" ]] || die "Maven wrote an empty classpath for '$name'"
  mv -f "$tmp" "$out"
  printf '%s\n' "$sum" >"$stamp"
  cat "$out"
}

_cjo_jars_present() {
  local -a jars
  local jar
  IFS=: read -ra jars <"$1" || true
  for jar in "${jars[@]}"; do
    [[ -f "$jar" ]] || return 1
  done
}

# Kafka ---------------------------------------------------------------------------------------------

kafka_log4j_config() {
  printf '%s\n' "$(repo_root)/scripts/tools/kafka/log4j2.properties"
}

# kafka_run_class main-class args...: run one of Kafka's command-line tools (TopicCommand,
# StorageTool, ...) from the tools/kafka classpath, with flags that favour a quick start over
# throughput.
kafka_run_class() {
  local cp
  cp="$(tool_classpath kafka)"
  java -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$(kafka_log4j_config)" \
    -cp "$cp" "$@"
}

# The project ---------------------------------------------------------------------------------------

# ensure_built: build the job jar and classes when missing or older than the sources, the pom or
# the schemas. Quiet unless Maven fails.
ensure_built() {
  local root jar stale
  root="$(repo_root)"
  jar="$root/target/journey-orchestrator-0.1.0-SNAPSHOT.jar"
  stale=""
  if [[ ! -f $jar ]]; then
    stale=yes
  elif [[ -n "$(find "$root/src/main" "$root/schemas" "$root/pom.xml" -newer "$jar" -type f -print -quit)" ]]; then
    stale=yes
  fi
  if [[ -n $stale ]]; then
    require_cmd mvn
    log "building the project (mvn package, tests skipped)"
    local mvn_log="$root/.local/build.log"
    mkdir -p "$root/.local"
    if ! (cd "$root" && mvn -q -B -DskipTests package >"$mvn_log" 2>&1); then
      tail -n 40 "$mvn_log" >&2
      die "build failed (log: $mvn_log)"
    fi
  fi
}

# project_classpath: classes plus every dependency, Flink's runtime included (scope test), for
# running the job and its CLI locally. Cached in .local/classpath/project.txt per pom.xml.
project_classpath() {
  local root dir out stamp sum mvn_log
  root="$(repo_root)"
  dir="$root/.local/classpath"
  out="$dir/project.txt"
  stamp="$dir/project.pom.sha256"
  sum="$(sha256sum "$root/pom.xml" | cut -d' ' -f1)"
  if ! [[ -s $out && -f $stamp && "$(<"$stamp")" == "$sum" ]] || ! _cjo_jars_present "$out"; then
    mkdir -p "$dir"
    mvn_log="$dir/project.mvn.log"
    if ! (cd "$root" && retry 3 5 mvn -q -B dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$out.tmp" >"$mvn_log" 2>&1); then
      tail -n 30 "$mvn_log" >&2
      die "could not resolve the project classpath (log: $mvn_log)"
    fi
    mv -f "$out.tmp" "$out"
    printf '%s\n' "$sum" >"$stamp"
  fi
  printf '%s:%s\n' "$root/target/classes" "$(<"$out")"
}

# run_java main-class args...: a JVM with the project's classpath, Flink's Java 17 flags and the
# quiet local logging configuration, started from the repository root.
run_java() {
  (exec_java "$@")
}

# exec_java main-class args...: replaces the shell with a JVM running a main class of the project
# (built first) from the repository root, with the project's classpath and Java options.
exec_java() {
  local root cp
  local -a opens extra
  root="$(repo_root)"
  ensure_built
  cp="$(project_classpath)"
  read -ra opens <<<"$(java_opts_flink17)"
  read -ra extra <<<"${JOURNEY_JAVA_OPTS:-}"
  cd "$root"
  exec java "${opens[@]}" "${extra[@]}" \
    -Dlog4j2.configurationFile="$root/flink-conf/local/log4j2.properties" \
    -cp "$cp" "$@"
}

# exec_test_main heap main-class args...: replaces the shell with a JVM running a main class of the
# test sources (benchmark, soak run) with the test classpath, built first, and the given -Xmx.
exec_test_main() {
  local heap="$1" main="$2" root cp
  local -a opens
  shift 2
  root="$(repo_root)"
  ensure_built
  mkdir -p "$root/.local"
  (cd "$root" && mvn -q -B -DskipTests test-compile >"$root/.local/build.log" 2>&1) ||
    die "test-compile failed (log: .local/build.log)"
  cp="$(project_classpath)"
  read -ra opens <<<"$(java_opts_flink17)"
  cd "$root"
  exec java "${opens[@]}" "-Xmx$heap" \
    -Dlog4j2.configurationFile="$root/flink-conf/local/log4j2.properties" \
    -cp "$root/target/test-classes:$cp" "$main" "$@"
}

# journey_cli args...: the project's command line (validate, replay, produce-events, ...).
journey_cli() {
  run_java io.journeyorchestrator.cli.JourneyCli "$@"
}

# exec_journey_cli args...: replaces the shell with the CLI, so signals (SIGTERM from a process
# manager, Ctrl-C) reach the JVM itself; for long-running services.
exec_journey_cli() {
  exec_java io.journeyorchestrator.cli.JourneyCli "$@"
}

# Flink cluster -------------------------------------------------------------------------------------
# Talking to a Flink session cluster's REST API (scripts/flink-cluster.sh, scripts/submit.sh, and
# upgrade scripts). Needs curl and jq. The endpoint is $FLINK_REST_URL, else
# http://localhost:$FLINK_REST_PORT (default port 8081).

flink_rest_url() {
  printf '%s\n' "${FLINK_REST_URL:-http://localhost:${FLINK_REST_PORT:-8081}}"
}

# flink_ui_job_url job-id: the Web UI page of a running job (the Flink 2.x dashboard's hash route).
flink_ui_job_url() {
  printf '%s/#/job/running/%s/overview\n' "$(flink_rest_url)" "${1:?job id}"
}

# flink_rest_errors: read a Flink REST error body on stdin, print its "errors" without stack frames
# (the exception and its "Caused by" chain are what says what went wrong).
flink_rest_errors() {
  jq -r '(.errors // [.]) | .[] | tostring' 2>/dev/null |
    grep -Ev '^[[:space:]]+at |^[[:space:]]*\.\.\. [0-9]+ more|^[[:space:]]*$' | head -n 20
}

# flink_rest METHOD path [curl args...]: one REST call; the response body on stdout. Logs Flink's
# error text and returns 1 on an HTTP error status or when nothing answers.
flink_rest() {
  local method=${1:?method} path=${2:?path} body code
  shift 2
  require_cmd curl jq
  body="$(mktemp)"
  if ! code="$(curl -sS -o "$body" -w '%{http_code}' -X "$method" \
    --max-time "${FLINK_REST_TIMEOUT:-60}" "$@" "$(flink_rest_url)$path")"; then
    rm -f "$body"
    log "$method $path: no answer from $(flink_rest_url)"
    return 1
  fi
  if [[ $code != 2?? ]]; then
    log "$method $path: HTTP $code"
    flink_rest_errors <"$body" | sed 's/^/    /' >&2
    rm -f "$body"
    return 1
  fi
  cat "$body"
  rm -f "$body"
}

# flink_rest_json METHOD path json: a REST call with a JSON body.
flink_rest_json() {
  flink_rest "$1" "$2" -H 'Content-Type: application/json' --data "$3"
}

# flink_job_state job-id: CREATED, RUNNING, FAILING, FAILED, CANCELED, FINISHED, RESTARTING, ...
flink_job_state() {
  flink_rest GET "/jobs/${1:?job id}" | jq -r '.state'
}

# flink_job_stays_running job-id [seconds]: the job keeps RUNNING for that long (default 15) and
# records no exception: a restore that cannot read its state fails and restarts within seconds.
flink_job_stays_running() {
  local id=${1:?job id} seconds=${2:-15} deadline state
  deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    state="$(flink_job_state "$id" 2>/dev/null)" || state=""
    if [[ $state != RUNNING ]]; then
      log "job $id is ${state:-unknown}, not RUNNING"
      return 1
    fi
    if flink_rest GET "/jobs/$id/exceptions" 2>/dev/null |
      jq -e '(.exceptionHistory.entries | length) > 0' >/dev/null; then
      log "job $id recorded an exception"
      return 1
    fi
    sleep 1
  done
}

# flink_job_failure job-id: the latest exception of a job (name, message, causes), for logs.
flink_job_failure() {
  flink_rest GET "/jobs/${1:?job id}/exceptions" 2>/dev/null |
    jq -r '.exceptionHistory.entries[0].stacktrace // .["root-exception"] // "no exception recorded"' |
    grep -Ev '^[[:space:]]+at |^[[:space:]]*\.\.\. [0-9]+ more' | head -n 15
}

# flink_wait_job_state job-id state timeout_s: wait until the job is in that state. Returns 1 on
# timeout, or at once when the job reaches a terminal state other than the one awaited, or
# restarts (logging its latest exception).
flink_wait_job_state() {
  local id=${1:?job id} want=${2:?state} timeout=${3:-120} state="" deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    state="$(flink_job_state "$id" 2>/dev/null)" || state=""
    [[ $state == "$want" ]] && return 0
    case $state in
      FAILED | CANCELED | FINISHED | SUSPENDED | RESTARTING | FAILING)
        log "job $id is $state, not $want:"
        flink_job_failure "$id" | sed 's/^/    /' >&2
        return 1 ;;
    esac
    sleep 0.5
  done
  log "job $id is ${state:-unknown} after ${timeout}s, not $want"
  return 1
}

# flink_wait_job_running job-id timeout_s: wait until the job and every one of its tasks run. The
# job reads RUNNING while its tasks are still deploying; a savepoint triggered then fails with
# "Not all required tasks are currently running".
flink_wait_job_running() {
  local id=${1:?job id} timeout=${2:-120} deadline
  deadline=$((SECONDS + timeout))
  flink_wait_job_state "$id" RUNNING "$timeout" || return 1
  until flink_rest GET "/jobs/$id" 2>/dev/null |
    jq -e '.state == "RUNNING" and (.vertices | length > 0) and all(.vertices[]; .status == "RUNNING")' >/dev/null; do
    if ((SECONDS >= deadline)); then
      log "job $id: not all tasks running after ${timeout}s"
      return 1
    fi
    flink_wait_job_state "$id" RUNNING $((deadline - SECONDS + 1)) || return 1
    sleep 0.5
  done
}

# flink_wait_savepoint job-id trigger-id timeout_s: poll an asynchronous savepoint operation (from
# POST /jobs/<id>/savepoints or /stop); print the savepoint path (e.g. file:/.../savepoint-ab12-...).
flink_wait_savepoint() {
  local id=${1:?job id} trigger=${2:?trigger id} timeout=${3:-300} reply status deadline
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    reply="$(flink_rest GET "/jobs/$id/savepoints/$trigger")" || return 1
    status="$(jq -r '.status.id' <<<"$reply")"
    if [[ $status == COMPLETED ]]; then
      if jq -e '.operation["failure-cause"]' >/dev/null <<<"$reply"; then
        log "savepoint of job $id failed:"
        jq -r '.operation["failure-cause"]["stack-trace"] // .operation["failure-cause"]' <<<"$reply" |
          grep -Ev '^[[:space:]]+at |^[[:space:]]*\.\.\. [0-9]+ more' | head -n 15 | sed 's/^/    /' >&2
        return 1
      fi
      jq -r '.operation.location' <<<"$reply"
      return 0
    fi
    sleep 0.5
  done
  log "savepoint of job $id still in progress after ${timeout}s (trigger $trigger)"
  return 1
}

# flink_stop_with_savepoint job-id [target-dir]: stop the job with a savepoint (no drain: timers
# and windows stay in state for the next version), wait for it, print the savepoint path. Without
# target-dir the cluster's execution.checkpointing.savepoint-dir is used. Returns once the job
# has FINISHED. Call it when all tasks run (flink_wait_job_running), or the savepoint fails.
# FLINK_SAVEPOINT_TIMEOUT (s, default 300) bounds the wait.
flink_stop_with_savepoint() {
  local id=${1:?job id} target=${2:-} body reply trigger path
  body='{"drain":false}'
  [[ -n $target ]] && body="$(jq -cn --arg t "$target" '{drain: false, targetDirectory: $t}')"
  reply="$(flink_rest_json POST "/jobs/$id/stop" "$body")" || return 1
  trigger="$(jq -r '.["request-id"]' <<<"$reply")"
  [[ -n $trigger && $trigger != null ]] || { log "no request-id in the stop reply: $reply"; return 1; }
  log "stop-with-savepoint of job $id triggered (request $trigger)"
  path="$(flink_wait_savepoint "$id" "$trigger" "${FLINK_SAVEPOINT_TIMEOUT:-300}")" || return 1
  # The savepoint completes just before the job finishes: return once it has, so a caller can
  # resubmit at once.
  flink_wait_job_state "$id" FINISHED 60 || return 1
  printf '%s\n' "$path"
}

# flink_trigger_savepoint job-id [target-dir]: a savepoint while the job keeps running; prints its path.
flink_trigger_savepoint() {
  local id=${1:?job id} target=${2:-} body reply trigger
  body='{"cancel-job":false}'
  [[ -n $target ]] && body="$(jq -cn --arg t "$target" '{"cancel-job": false, "target-directory": $t}')"
  reply="$(flink_rest_json POST "/jobs/$id/savepoints" "$body")" || return 1
  trigger="$(jq -r '.["request-id"]' <<<"$reply")"
  [[ -n $trigger && $trigger != null ]] || { log "no request-id in the savepoint reply: $reply"; return 1; }
  flink_wait_savepoint "$id" "$trigger" "${FLINK_SAVEPOINT_TIMEOUT:-300}"
}

# flink_cancel_job job-id: cancel without a savepoint (state is lost unless a checkpoint is retained).
flink_cancel_job() {
  flink_rest PATCH "/jobs/${1:?job id}?mode=cancel" >/dev/null
}

# Self-checking test scripts ----------------------------------------------------------------------

# check description cmd...: run cmd, count and log it as passed or failed (totals in $passed and
# $failed); the script decides at the end.
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
    log "ok: $what"
  else
    failed=$((failed + 1))
    log "FAIL: $what"
  fi
}

# exit_code_is code cmd...: cmd exits with that code (its output is discarded).
exit_code_is() {
  local want=$1 got=0
  shift
  "$@" >/dev/null 2>&1 || got=$?
  [[ $got == "$want" ]] || { log "  exit code $got, expected $want: $*"; return 1; }
}

# millis_since start-nanos: milliseconds since a `date +%s%N` reading.
millis_since() {
  echo $((($(date +%s%N) - $1) / 1000000))
}
