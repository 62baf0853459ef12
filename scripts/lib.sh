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

require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || die "'$c' is required but not on PATH"
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
  local root cp
  local -a opens
  root="$(repo_root)"
  ensure_built
  cp="$(project_classpath)"
  read -ra opens <<<"$(java_opts_flink17)"
  (cd "$root" && exec java "${opens[@]}" ${JOURNEY_JAVA_OPTS:-} \
    -Dlog4j2.configurationFile="$root/flink-conf/local/log4j2.properties" \
    -cp "$cp" "$@")
}

# journey_cli args...: the project's command line (validate, replay, produce-events, ...).
journey_cli() {
  run_java io.journeyorchestrator.cli.JourneyCli "$@"
}
