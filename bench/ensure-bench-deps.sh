#!/usr/bin/env bash
# System packages of `npm run bench`: those the tests need (bin/ensure-system-deps.sh: Java for
# DynamoDB Local, python3-maxminddb's C extension), then, optionally, libmaxminddb-dev and a C
# compiler for the direct libmaxminddb reader. Without the optional ones that row is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

bash bin/ensure-system-deps.sh

optional=()
command -v cc >/dev/null 2>&1 || optional+=(gcc libc6-dev)
echo '#include <maxminddb.h>' | cc -E -x c - >/dev/null 2>&1 || optional+=(libmaxminddb-dev)
[ ${#optional[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-bench-deps: installing ${optional[*]} with apt (optional: the C reader baseline)" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${optional[@]}"; } >/dev/null 2>&1 ||
    echo "ensure-bench-deps: could not install ${optional[*]}; the libmaxminddb row will be skipped" >&2
else
  echo "ensure-bench-deps: ${optional[*]} not installed; the libmaxminddb row will be skipped" >&2
fi
