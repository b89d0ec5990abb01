#!/usr/bin/env bash
# Post-install steps that npm's install scripts would do, run explicitly because this project
# does not let npm run packages' install scripts (see "allowScripts" in package.json).
set -euo pipefail
cd "$(dirname "$0")/.."

# The SARIF multitool ships a self-contained binary whose run bit its postinstall would set.
multitool=node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
if [ -f "$multitool" ]; then
  chmod u+x "$multitool"
fi
