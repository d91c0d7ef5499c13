#!/usr/bin/env bash
# SPDX-License-Identifier: BSL-1.0
# A longer fuzzing run than CI's: builds the targets with clang-16, ASan and UBSan in
# build/fuzz-long and runs each for SECONDS (default 600), one after the other on one core
# (OUTLOOK_FUZZ_JOBS=n for more), then prints executions and crashes per target.
#
#   tests/fuzz/run-long.sh [SECONDS] [TARGET...]
#
# The corpus grows across runs in build/fuzz-long/fuzz-corpus.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
seconds="${1:-600}"
[ "$#" -gt 0 ] && shift
dir=build/fuzz-long
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
CC=clang-16 CXX=clang++-16 cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O1 -g" \
  -DOUTLOOK_MAIL_BUILD_FUZZERS=ON -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF -DOUTLOOK_MAIL_WARNINGS_AS_ERRORS=ON \
  "${launcher[@]}" >/dev/null
cmake --build "$dir" -j"${CMAKE_BUILD_PARALLEL_LEVEL:-2}" --target outlook_mail_fuzzers
exec bash tests/fuzz/run.sh "$dir" "$seconds" "$@"
