#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# Runs every libFuzzer target of a build for a while and prints, per target, the
# executions, the crashes (findings) and the corpus size.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
#
# Seeds are made from the cassettes (tests/fuzz/make-seeds.py) into BUILD_DIR/fuzz-seeds;
# the growing corpus is kept in BUILD_DIR/fuzz-corpus/<target>, findings in
# BUILD_DIR/fuzz-findings/<target>. Exits 1 when any target found something.
# OUTLOOK_FUZZ_JOBS (default 1) runs that many targets at once. OUTLOOK_FUZZ_RUNS=N stops
# each target after N executions (whichever of it and SECONDS comes first).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}"
seconds="${2:?usage: run.sh BUILD_DIR SECONDS [TARGET...]}"
shift 2
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(decode page_stream url date_time base64 cassette http_response)
build="$(cd "$build" && pwd)"
bin="$build/tests/fuzz"

rm -rf "$build/fuzz-seeds"
python3 "$root/tests/fuzz/make-seeds.py" "$build/fuzz-seeds" >/dev/null

run_one() {
  local t="$1" log="$build/fuzz-logs/$1.log"
  rm -rf "$build/fuzz-findings/$t"
  mkdir -p "$build/fuzz-corpus/$t" "$build/fuzz-findings/$t" "$build/fuzz-seeds/$t" "$build/fuzz-logs"
  # -timeout: an input that takes longer is a hang (a finding); the HTTP target's
  # transport gives up after 2 s, so 10 s is well clear of it.
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
  "$bin/outlook_mail_fuzz_$t" "$build/fuzz-corpus/$t" "$build/fuzz-seeds/$t" \
    -max_total_time="$seconds" ${OUTLOOK_FUZZ_RUNS:+-runs="$OUTLOOK_FUZZ_RUNS"} -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$build/fuzz-findings/$t/" >"$log" 2>&1 || true
}

jobs="${OUTLOOK_FUZZ_JOBS:-1}"
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
done
wait

status=0
printf '%-14s %12s %8s %8s\n' target executions crashes corpus
for t in "${targets[@]}"; do
  log="$build/fuzz-logs/$t.log"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  crashes="$(find "$build/fuzz-findings/$t" -type f | wc -l)"
  corpus="$(find "$build/fuzz-corpus/$t" -type f | wc -l)"
  printf '%-14s %12s %8s %8s\n' "$t" "${runs:-?}" "$crashes" "$corpus"
  if [ "$crashes" -ne 0 ] || [ -z "$runs" ]; then
    status=1
    echo "---- $t: see $log and $build/fuzz-findings/$t" >&2
    grep -E -m5 'FINDING|ERROR|SUMMARY|^  ' "$log" >&2 || true
  fi
done
exit "$status"
