#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs every example program against a freshly started local mailbox server, as a user
# trying them without an account would: the server on 127.0.0.1 over HTTPS (its
# certificate trusted through OUTLOOK_CA_FILE; verification stays on), Adele's token.
#
#   run_examples.sh SERVER SEED AGENDA_FILE WORKDIR API=DIR [API=DIR ...]
#
# API is the base path of a dialect (/api/v2.0 or /v1.0) and DIR the directory holding
# that dialect's example programs; a program missing from DIR is reported and skipped
# only if it is not built at all (sign_in needs Microsoft's sign-in service and is never
# run here). Each dialect gets its own server. Exits non-zero on the first failure, with
# the program's output.
set -euo pipefail

server=$1 seed=$2 agenda=$3 work=$4
shift 4

fail() { echo "FAIL: $*" >&2; exit 1; }

# One HTTPS request to the server with Python's standard library (no curl needed),
# printing the JSON answer: http_get PATH_AND_QUERY
http_get() {
  python3 - "$origin" "$ca" "$1" <<'PY'
import json, ssl, sys, urllib.request
origin, ca, path = sys.argv[1:4]
ctx = ssl.create_default_context(cafile=ca)
req = urllib.request.Request(origin + path, headers={"Authorization": "Bearer adele-token"})
with urllib.request.urlopen(req, context=ctx, timeout=30) as r:
    print(r.read().decode())
PY
}

json_field() {  # json_field EXPR: evaluates EXPR on the JSON read from stdin as `d`
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

run() {  # run NAME ARGS...: runs one example, keeps its output, fails with it shown
  local name=$1
  shift
  local exe="$dir/$name"
  [ -x "$exe" ] || fail "$name was not built in $dir"
  echo "--> $api: $name $*"
  if ! timeout 120 "$exe" "$@" >"$work/out.txt" 2>&1; then
    cat "$work/out.txt"
    fail "$name $* exited non-zero against $api"
  fi
  sed 's/^/    /' "$work/out.txt"
}

for pair in "$@"; do
  api=${pair%%=*}
  dir=${pair#*=}
  rm -rf "$work" && mkdir -p "$work"
  ca="$work/server-ca.pem"
  "$server" --listen 127.0.0.1:0 --db :memory: --seed "$seed" --cert-out "$ca" >"$work/server.out" 2>"$work/server.err" &
  pid=$!
  trap 'kill $pid 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    [ -s "$work/server.out" ] && break
    sleep 0.1
  done
  origin=$(sed -n 's/^listening \(https:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$work/server.out")
  [ -n "$origin" ] || { cat "$work/server.err" >&2; fail "the server did not start"; }
  export OUTLOOK_BASE_URL="$origin$api" OUTLOOK_CA_FILE="$ca" OUTLOOK_TOKEN=adele-token
  # The examples must name no real service: keep sign-in variables out of their way.
  unset OUTLOOK_CLIENT_ID OUTLOOK_TENANT OUTLOOK_REFRESH_TOKEN_FILE

  run list_inbox 5
  grep -q "Welcome" "$work/out.txt" || fail "list_inbox did not show the seeded message"

  run sync_folder inbox "$work/inbox.state"
  [ -s "$work/inbox.state" ] || fail "sync_folder stored no state"

  # Adele sends herself the agenda: it is in her Inbox with its attachment.
  run send_with_attachment adele@contoso.example "$agenda" "Agenda for Monday"
  run list_inbox 5
  grep -q "Agenda for Monday" "$work/out.txt" || fail "the sent message is not in the Inbox"

  # The second sync round reports exactly the new message.
  run sync_folder inbox "$work/inbox.state"
  grep -q "Agenda for Monday" "$work/out.txt" || fail "sync_folder did not report the new message"
  grep -q "Welcome" "$work/out.txt" && fail "sync_folder reported a message that did not change"

  if [ "$api" = "/v1.0" ]; then filter="hasAttachments%20eq%20true"; else filter="HasAttachments%20eq%20true"; fi
  id=$(http_get "$api/me/mailFolders/inbox/messages?\$filter=$filter&\$top=1" | json_field 'd["value"][0].get("id") or d["value"][0].get("Id")')
  run download_attachments "$id" "$work/downloads"
  cmp -s "$agenda" "$work/downloads/$(basename "$agenda")" || fail "download_attachments did not save the same bytes"

  run set_automatic_replies 2026-06-03T07:00:00 2026-06-05T19:00:00 "Away at the launch until Friday."
  status=$(http_get "$api/me/mailboxSettings/automaticRepliesSetting" | json_field '(d.get("status") or d.get("Status")).lower()')
  [ "$status" = "scheduled" ] || fail "automatic replies are '$status', not scheduled"
  run set_automatic_replies --off
  status=$(http_get "$api/me/mailboxSettings/automaticRepliesSetting" | json_field '(d.get("status") or d.get("Status")).lower()')
  [ "$status" = "disabled" ] || fail "automatic replies are '$status' after --off"

  run outlook_mail_demo

  kill "$pid"
  wait "$pid" || fail "the server did not stop cleanly"
  trap - EXIT
done
echo "every example ran against the server"
