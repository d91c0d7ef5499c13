# Sourced by .ci/test: the libFuzzer targets of tests/fuzz, built with clang-16, ASan and
# SPDX-License-Identifier: BSL-1.0
# UBSan in build/ci-fuzz (-O1, as fuzzing builds usually are), each run for a bounded time
# from seeds made from the cassettes. Any crash, sanitizer report, non-library exception,
# broken round trip or hang fails the stage; tests/fuzz/run-long.sh runs them longer.
# OUTLOOK_FUZZ_SECONDS (default 12) is the time per target; the targets run one at a time.
fuzz_started=$SECONDS
echo "==> configure build/ci-fuzz (clang-16, libFuzzer, ASan, UBSan)"
CC=clang-16 CXX=clang++-16 cmake -S . -B build/ci-fuzz -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O1 -g" \
  -DOUTLOOK_MAIL_BUILD_FUZZERS=ON -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF -DOUTLOOK_MAIL_WARNINGS_AS_ERRORS=ON
echo "==> build the fuzz targets (-j$jobs)"
cmake --build build/ci-fuzz -j"$jobs" --target outlook_mail_fuzzers
echo "==> fuzz each target for ${OUTLOOK_FUZZ_SECONDS:-12} s"
bash tests/fuzz/run.sh build/ci-fuzz "${OUTLOOK_FUZZ_SECONDS:-12}"
echo "==> build/ci-fuzz took $((SECONDS - fuzz_started)) s"
