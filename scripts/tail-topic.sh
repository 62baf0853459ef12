#!/usr/bin/env bash
# Print one or more of the job's topics as JSON lines (decoded Avro), reading committed records
# only. --readable prints one line per record for people; --from-end skips what is already there.
#
# Usage: scripts/tail-topic.sh <topic>... [--job jobs/<job>] [--bootstrap-servers host:port]
#          [--readable] [--from-end]
#   --job  read with the job's kafka.bootstrapServers, properties and consumerProperties
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

journey_cli tail-topic "$@"
