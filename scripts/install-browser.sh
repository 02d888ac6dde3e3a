#!/usr/bin/env bash
# Chromium from Debian for the browser tests (Playwright's own browser download cannot work on an
# air-gapped machine), after the fonts and libraries the PDFs and screenshots need.
set -euo pipefail
bash "$(dirname "$0")/install-fonts.sh"
command -v chromium >/dev/null 2>&1 && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing chromium from Debian's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
