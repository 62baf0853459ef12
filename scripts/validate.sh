#!/usr/bin/env bash
# Check a job folder: prints "OK: <n> patterns, <m> audiences, <k> suppressions" (exit 0), or one
# line per problem as <file>:<line>: <problem and fix> (exit 2). Conditions are checked against the
# folder's events.yaml; without one a warning line says they are not (exit code unchanged).
#
# Usage: scripts/validate.sh jobs/<job>
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi
[[ $# -ge 1 ]] || { echo "usage: scripts/validate.sh jobs/<job>" >&2; exit 2; }
# Paths are resolved from the caller's directory, the JVM runs from the repository root.
job="$(absolute_path "$1")"
shift
journey_cli validate "$job" "$@"
