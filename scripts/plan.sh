#!/usr/bin/env bash
# The state a job folder keeps, by id (one line per pattern with its fingerprint, audience and
# suppression policy); with --upgrade-from <plan file>, what upgrading to this folder keeps,
# adds and DROPs. Exit 0: nothing dropped; 3: state dropped (the restore needs
# allowNonRestoredState); 2: invalid folder.
#
# Usage: scripts/plan.sh jobs/<job> [--upgrade-from <plan file>]
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 ]] || { echo "usage: scripts/plan.sh jobs/<job> [--upgrade-from <plan file>]" >&2; exit 2; }
job="$(absolute_path "$1")"
shift
args=()
while (($#)); do
  case $1 in
    --upgrade-from)
      [[ $# -ge 2 ]] || die "--upgrade-from needs a plan file"
      args+=("$1" "$(absolute_path "$2")")
      shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
journey_cli plan "$job" "${args[@]}"
