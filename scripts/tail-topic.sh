#!/usr/bin/env bash
# Print one or more of the job's topics as JSON lines (decoded Avro), reading committed records
# only. --readable prints one line per record for people; --from-end skips what is already there.
# Each record is printed once, also across broker restarts: the reader assigns itself every
# partition and keeps its own positions (no consumer group). Records deleted by retention before
# they were read stop it with exit code 1 rather than being skipped.
#
# Usage: scripts/tail-topic.sh <topic>... [--job jobs/<job>] [--bootstrap-servers host:port]
#          [--readable] [--from-end]
#   --job  read with the job's kafka.bootstrapServers, properties and consumerProperties
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

journey_cli tail-topic "$@"
