#!/usr/bin/env bash
# Builds the one-file copy, dist-single/qingfeng.html: the whole app in one HTML file, to hand
# out on a USB stick or a shared folder and open by double-click, with no server. It keeps its
# registers in the browser like the served app; only live sync needs a relay address typed in.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/env.sh
build_app
node scripts/single-file.mjs dist dist-single
