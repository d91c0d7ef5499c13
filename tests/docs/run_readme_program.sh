#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs the README's complete program against outlook_mail_replay_server, as the README
# tells a user to: start the server, source what it prints, run the program.
#   run_readme_program.sh PROGRAM SERVER CASSETTE WORK_DIR
set -euo pipefail
program="$1" server="$2" cassette="$3" work="$4"
rm -rf "$work" && mkdir -p "$work" && cd "$work"

"$server" "$cassette" --timeout 60 > server.env 2> server.err &
server_pid=$!
for _ in $(seq 300); do
  grep -q '^# listening' server.env 2>/dev/null && break
  sleep 0.1
done
# shellcheck source=/dev/null
. ./server.env

status=0
"$program" > program.out 2> program.err || status=$?
server_status=0
wait "$server_pid" || server_status=$?

echo "--- program (exit $status)"; cat program.out program.err
echo "--- server (exit $server_status)"; cat server.env server.err
fail() { echo "FAILED: $*"; exit 1; }
[ "$status" -eq 0 ] || fail "the program exited with $status"
[ "$server_status" -eq 0 ] || fail "the server did not answer every recorded interaction"
grep -qx '2026-11-27T09:30:00Z  Lunch on Friday?' program.out || fail "no dated unread line"
grep -qx 'marked read: AAMk-1=; moved 2 newsletter(s)' program.out || fail "no triage summary"
grep -qx '1 new or changed, 0 removed' program.out || fail "no sync summary"
[ "$(cat inbox.sync)" = "delta:D2" ] || fail "inbox.sync holds '$(cat inbox.sync)', not the round's delta token"
echo "readme_program: ok"
