#!/usr/bin/env bash
# Write simulated telecom journeys as a replay events file (one JSON event per line). The same
# options always write the same file.
#
# Usage: scripts/generate-events.sh --out <file.jsonl> (--events N | --duration D)
#                                   [--customers N] [--start <ISO instant>] [--seed S] [--late-fraction F]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

args=()
while (($#)); do
  case $1 in
    --out)
      [[ $# -ge 2 ]] || die "--out needs a value"
      mkdir -p "$(dirname -- "$2")"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli generate-events "${args[@]}"
