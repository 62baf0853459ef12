#!/usr/bin/env bash
# Produce simulated telecom customer journeys to the job's events topic (Avro single-object
# encoding, keyed by customer), or with --out write the same stream as a replay file.
#
# Usage: scripts/produce-events.sh [--customers N] [--rate R] [--duration D] [--history D]
#                                  [--job jobs/<job>] [--bootstrap-servers host:port] [--out file.jsonl]
#                                  [--events file.jsonl]   (produce a replay file's events instead)
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

args=()
while (($#)); do
  case $1 in
    --out | --job | --events)
      [[ $# -ge 2 ]] || die "$1 needs a value"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli produce-events "${args[@]}"
