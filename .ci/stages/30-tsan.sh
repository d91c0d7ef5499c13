# Sourced by .ci/test: the transport, unit and loopback tests under ThreadSanitizer.
# SPDX-License-Identifier: BSL-1.0
# Only those three programs are built (the rest of the suite is single-threaded and already
# runs under ASan/UBSan), which keeps the stage to a few minutes on 2 cores: three test
# programs compile, the transport test runs its 4-thread / 400-request case.
# -Wno-tsan: GCC warns that TSan does not model the atomic_thread_fence in Asio's fenced
# blocks (the scheduler's mutex orders handlers anyway). halt_on_error: the first race
# fails the stage; second_deadlock_stack: readable reports.
tsan_build_and_test() {
  local dir="$1"
  local started=$SECONDS
  echo "==> configure $dir (ThreadSanitizer)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DOUTLOOK_MAIL_WARNINGS_AS_ERRORS=ON \
    -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer -Wno-tsan" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread"
  echo "==> build $dir (-j$jobs): transport, unit and loopback tests"
  cmake --build "$dir" -j"$jobs" \
    --target outlook_mail_transport_tests outlook_mail_unit_tests outlook_mail_loopback_tests
  echo "==> test $dir"
  TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1 second_deadlock_stack=1}" \
    ctest --test-dir "$dir" --output-on-failure -R '^(transport|outlook_mail_unit_tests|loopback)$'
  echo "==> $dir took $((SECONDS - started)) s"
}

tsan_build_and_test build/ci-tsan
