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

# The HTML report's browser test drives Debian's Chromium (npm may not download browsers here).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's chromium for the browser test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium is missing; install Debian's chromium package (sudo apt-get install chromium) for the browser test" >&2
  fi
fi

# The differential test evaluates templates with a real Packer: Debian's packer package (1.6.6).
if ! command -v packer >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's packer for the differential test"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq packer >/dev/null
  else
    echo "setup: packer is missing; install Debian's packer package (sudo apt-get install packer) for the differential test" >&2
  fi
fi
