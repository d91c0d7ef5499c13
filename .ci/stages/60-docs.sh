# Sourced by .ci/test: the API reference (the outlook_mail_docs target, docs/Doxyfile) from
# the headers of the Debug build's tree; any Doxygen warning fails it. About 30 s.
# .ci/packages/docs.txt installs doxygen; without it the stage says so and passes.
# SPDX-License-Identifier: BSL-1.0
if command -v doxygen >/dev/null 2>&1; then
  docs_started=$SECONDS
  cmake -S . -B build/ci >/dev/null
  cmake --build build/ci --target outlook_mail_docs
  echo "==> API reference: build/ci/docs/html/index.html ($((SECONDS - docs_started)) s)"
else
  echo "==> doxygen is not installed: no API reference (.ci/packages/docs.txt lists it)"
fi
