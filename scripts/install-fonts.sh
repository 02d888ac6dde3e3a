#!/usr/bin/env bash
# What the PDF documents (credit reports, certificates, notices) need from Debian: a CJK font to
# embed (fonts-noto-cjk; without it Chinese would print as boxes, so the platform refuses to
# render) and Pango, which WeasyPrint lays text out with. Nothing is fetched from the internet.
set -euo pipefail
need=()
for package in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 fontconfig; do
  dpkg -s "$package" >/dev/null 2>&1 || need+=("$package")
done
[ ${#need[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing ${need[*]} from Debian's packages"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
