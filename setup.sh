#!/usr/bin/env bash
# One-command set-up on a fresh Debian/Ubuntu machine with a Rust toolchain:
#   1. installs the system packages t2 needs (libpcap, gawk) when they are missing,
#   2. builds t2 and the default plugins in release mode and installs them
#      (t2 and tranalyzer into ~/.local/bin, plugins into ~/.tranalyzer/plugins),
#   3. runs t2 on the bundled capture and prints its end report.
set -euo pipefail
cd "$(dirname "$0")"

need=()
[ -e /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v gawk >/dev/null 2>&1 || need+=(gawk)
for p in ieee-data libwireshark-data netbase geoip-database geoip-bin; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done  # name and subnet tables (docs/databases.md)
if [ ${#need[@]} -gt 0 ]; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing system packages: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi

# basicFlow's organisations/ASNs and IPv6 registration countries (npm, CC BY 4.0 data; optional).
scripts/install-ip-location-db.sh || echo "Note: npm packages @ip-location-db/* not installed: basicFlow prints '-' organisations"

cargo build --release --quiet -p t2-build
# No names: builds and installs tranalyzer2 (t2) and every plugin of the default set.
target/release/t2build

bin="${T2_BIN_DIR:-$HOME/.local/bin}"
out="${TMPDIR:-/tmp}/t2-demo"
mkdir -p "$out"
echo
echo "Running: t2 -r testdata/gre-sample.pcap -w $out/"
"$bin/t2" -r testdata/gre-sample.pcap -w "$out/"
echo
echo "Flow file: $out/gre-sample_flows.txt"
case ":$PATH:" in *":$bin:"*) ;; *) echo "Add $bin to your PATH to call t2 and t2build directly." ;; esac
