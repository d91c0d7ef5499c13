# Sourced by .ci/test: the core tests built with clang (Debian 12's clang-16, with GCC's
# libstdc++ as a user on Debian would), so that a header one compiler accepts and the
# other rejects is caught here. Debug build of every public header (all_headers) and of the
# fixture runner (every decoder and encoder of both dialects), run. The Beast transport is
# compiled by clang-16 in the fuzz stage (the HTTP response target); the unit and loopback
# tests run under GCC in three builds already, so they are not built again here.
# SPDX-License-Identifier: BSL-1.0
clang_started=$SECONDS
clang_dir=build/ci-clang
clang_cxx="$(command -v clang++-16 || true)"
if [ -z "$clang_cxx" ]; then
  echo "==> clang++-16 not found (.ci/packages/clang.txt installs clang-16)" >&2
  exit 1
fi
clang_targets=(outlook_mail_all_headers outlook_mail_fixture_runner)
echo "==> configure $clang_dir ($clang_cxx)"
cmake -S . -B "$clang_dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER="$clang_cxx" \
  -DOUTLOOK_MAIL_WARNINGS_AS_ERRORS=ON -DOUTLOOK_MAIL_BUILD_EXAMPLES=OFF -DOUTLOOK_MAIL_BUILD_TOOLS=OFF
echo "==> build $clang_dir: ${clang_targets[*]} (-j$jobs)"
cmake --build "$clang_dir" -j"$jobs" --target "${clang_targets[@]}"
echo "==> test $clang_dir"
ctest --test-dir "$clang_dir" --output-on-failure \
  -R '^(all_headers|fixtures|fixtures_negative)$'
echo "==> $clang_dir took $((SECONDS - clang_started)) s"
