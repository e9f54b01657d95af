#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing:
#   a Java runtime for Amazon DynamoDB Local, the independent MMDB readers
#   (libmaxminddb's mmdblookup, Debian's python3-maxminddb) used as cross-checks,
#   and Debian's Chromium, the headless browser the snippet is tested in (test/browser).
# As root on Debian it installs them with apt; otherwise it says what is missing.
set -euo pipefail

missing=()
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v mmdblookup >/dev/null 2>&1 || missing+=(mmdb-bin)
/usr/bin/python3 -c 'import maxminddb' >/dev/null 2>&1 || missing+=(python3-maxminddb)
[ -x /usr/bin/chromium ] || missing+=(chromium)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-system-deps: installing ${missing[*]} with apt" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "ensure-system-deps: missing system packages: ${missing[*]}" >&2
  echo "install them (Debian/Ubuntu: sudo apt-get install ${missing[*]}) and run again" >&2
  exit 1
fi
