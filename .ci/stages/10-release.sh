# Sourced by .ci/test: the core tests again in an optimised build (RelWithDebInfo, -O2).
# GCC's flow analysis at -O2 reports warnings a Debug build never shows
# (-Wmaybe-uninitialized through inlining); with -Werror they fail here instead of in a
# user's Release build. Only the test programs below are built (examples and tools off):
# about 4 min on 2 idle cores.
# SPDX-License-Identifier: BSL-1.0
release_started=$SECONDS
release_dir=build/ci-release
# outlook_mail_large_attachment_tests: a 100 MB attachment streamed under a peak-RSS bound
# (the Debug pass runs it at 24 MB).
release_targets=(outlook_mail_unit_tests outlook_mail_fixture_runner outlook_mail_loopback_tests outlook_mail_helpers_tests
                 outlook_mail_large_attachment_tests)
echo "==> configure $release_dir (RelWithDebInfo)"
cmake -S . -B "$release_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DOUTLOOK_MAIL_WARNINGS_AS_ERRORS=ON \
  -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF -DOUTLOOK_MAIL_BUILD_TOOLS=OFF
echo "==> build $release_dir: ${release_targets[*]} (-j$jobs)"
cmake --build "$release_dir" -j"$jobs" --target "${release_targets[@]}"
echo "==> test $release_dir"
ctest --test-dir "$release_dir" --output-on-failure \
  -R '^(outlook_mail_unit_tests|fixtures|fixtures_negative|loopback|helpers|large_attachment)$'
echo "==> $release_dir took $((SECONDS - release_started)) s"
