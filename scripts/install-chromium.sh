#!/usr/bin/env bash
# Makes sure the headless browser that renders replay's report.html in its test is installed:
# Debian's chromium, from apt-get when missing and run as root. Prints the browser's path.
#
# Usage: scripts/install-chromium.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

if wants_help "$@"; then
  script_help
  exit 0
fi

require_cmd chromium
command -v chromium
