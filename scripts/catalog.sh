#!/usr/bin/env bash
# Draft a job's events catalog (events.yaml) from recorded events: every event type seen with its
# attributes and inferred types (string, int, decimal, boolean, timestamp), the channels, and the
# profile facts of profile.updated events, with counts as comments. Edit the draft, then check the
# job with scripts/validate.sh. Refuses to overwrite an existing file unless --force.
#
# Usage: scripts/catalog.sh --events <file.jsonl> --out jobs/<job>/events.yaml [--force]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

args=()
while (($#)); do
  case $1 in
    -h | --help) sed -n '2,7p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    --events | --out)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      [[ -d "$(dirname -- "$2")" ]] || die "$1 $2: folder $(dirname -- "$2") does not exist"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli catalog "${args[@]}"
