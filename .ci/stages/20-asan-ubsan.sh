# Sourced by .ci/test: every test again under AddressSanitizer and UndefinedBehaviorSanitizer.
# The examples and tools are built (and the demo run) by the first pass; leaving them out here saves
# minutes of compiling.
# SPDX-License-Identifier: BSL-1.0
ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
build_and_test build/ci-asan -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF -DOUTLOOK_MAIL_BUILD_TOOLS=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
