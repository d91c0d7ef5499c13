#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# The ctest `server_graph_js`: installs the pinned Graph JavaScript client with `npm ci`
# (from the committed package-lock.json) into WORKDIR, starts the local mailbox server
# with a fresh certificate, and runs scenario.mjs against it with that certificate
# trusted through NODE_EXTRA_CA_CERTS (TLS verification stays on).
#
#   run_scenario.sh SERVER SEED WORKDIR
set -euo pipefail
server=$1 seed=$2 work=$3
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/scenario.mjs" "$work/"
# npm ci again only when the lock file changed since the last install.
if ! cmp -s "$work/package-lock.json" "$work/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$work" && timeout 300 npm ci --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" "$work/node_modules/.installed-lock.json"
fi

ca="$work/server-ca.pem"
rm -f "$work/server.out"
"$server" --listen 127.0.0.1:0 --db :memory: --seed "$seed" --cert-out "$ca" >"$work/server.out" 2>"$work/server.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/server.out" ] && break
  sleep 0.1
done
origin=$(sed -n 's/^listening \(https:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/server.out")
if [ -z "$origin" ]; then
  cat "$work/server.err" >&2
  echo "FAIL: the server did not start" >&2
  exit 1
fi
(cd "$work" && NODE_EXTRA_CA_CERTS="$ca" timeout 120 node scenario.mjs "$origin")
kill "$pid"
wait "$pid"
trap - EXIT
