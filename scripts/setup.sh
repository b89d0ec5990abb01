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

# Installs Debian's PACKAGE (which provides COMMAND) when it is missing and we are root with
# apt-get; otherwise says how, since the tests that need it cannot run without it.
apt_updated=no
install_debian_package() {
  local command=$1 package=$2 why=$3
  command -v "$command" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing Debian's $package for $why"
    if [ "$apt_updated" = no ]; then
      apt-get update -qq
      apt_updated=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >/dev/null
  else
    echo "setup: $command is missing; install Debian's $package package (sudo apt-get install $package) for $why" >&2
  fi
}

# The HTML report's browser test drives Debian's Chromium (npm may not download browsers here).
install_debian_package chromium chromium "the browser test"
# The differential test evaluates templates with a real Packer: Debian's packer package (1.6.6).
install_debian_package packer packer "the differential test"
# The pre-commit hook test runs the hooks through pre-commit itself: Debian's pre-commit package.
install_debian_package pre-commit pre-commit "the pre-commit hook test"
