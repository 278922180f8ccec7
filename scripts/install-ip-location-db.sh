#!/usr/bin/env bash
# Installs the npm packages basicFlow's subnet tables are built from (docs/databases.md):
#   @ip-location-db/asn                     ASNs and organisation names (RouteViews, RIRs, DB-IP; CC BY 4.0)
#   @ip-location-db/geo-whois-asn-country   IPv6 registration countries (RIR whois data; CC BY 4.0 NRO)
# into ~/.local/share/t2rs/node_modules/@ip-location-db (t2build's default, T2_IP_LOCATION_DB).
# Pinned versions; idempotent: nothing is fetched when they are already there.
# t2build reads them when it installs basicFlow; nothing is downloaded at run time.
set -euo pipefail
version=2.3.2026061719
prefix="${T2_IP_LOCATION_PREFIX:-$HOME/.local/share/t2rs}"
have() { grep -q "\"version\": \"$version\"" "$prefix/node_modules/@ip-location-db/$1/package.json" 2>/dev/null; }
if have asn && have geo-whois-asn-country; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "npm not found: cannot install @ip-location-db/* (apt-get install npm)" >&2; exit 1; }
mkdir -p "$prefix"
echo "Installing npm packages @ip-location-db/asn and @ip-location-db/geo-whois-asn-country $version into $prefix"
npm install --prefix "$prefix" --no-save --no-audit --no-fund --ignore-scripts --loglevel=error \
    "@ip-location-db/asn@$version" "@ip-location-db/geo-whois-asn-country@$version"
