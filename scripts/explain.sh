#!/usr/bin/env bash
# One customer's journey, readable: replays a job folder over a recorded events file (the same
# engine and semantics as replay.sh) and prints that customer's events, the matches they took
# part in, audience changes, suppressions and next best actions, and what was blocked and why
# (entries ignored for cooldown or enterWhen, matches withheld by an erasure). Times in UTC and,
# when the profile has a timezone, local.
#
# Usage: scripts/explain.sh --job jobs/<job> --events <file.jsonl> --customer <id>
#            [--audience <id>] [--until <ISO instant>] [--parallelism <n>]
#   --audience     also say why the customer is (not) in this audience at the end
#   --until        stop time at this instant, e.g. 2026-03-09T00:00:00Z (default: the newest event)
#   --parallelism  of the local run, default 2 (results do not depend on it)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi

# Make path arguments absolute: the JVM runs from the repository root.
args=()
while (($#)); do
  case $1 in
    --job | --events)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli explain "${args[@]}"
