// The version macros of outlook/version.hpp agree with each other and with the CMake
// project version (passed in by tests/unit/CMakeLists.txt), so a release that bumps one
// and forgets the other fails here.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/version.hpp>

#include <doctest/doctest.h>

#include <string>

TEST_CASE("version.hpp agrees with project(VERSION) in CMakeLists.txt") {
  CHECK(std::string(OUTLOOK_MAIL_VERSION_STRING) == OUTLOOK_MAIL_EXPECTED_VERSION);
  CHECK(OUTLOOK_MAIL_VERSION_MAJOR == OUTLOOK_MAIL_EXPECTED_VERSION_MAJOR);
  CHECK(OUTLOOK_MAIL_VERSION_MINOR == OUTLOOK_MAIL_EXPECTED_VERSION_MINOR);
  CHECK(OUTLOOK_MAIL_VERSION_PATCH == OUTLOOK_MAIL_EXPECTED_VERSION_PATCH);
}

TEST_CASE("the version string is MAJOR.MINOR.PATCH of the macros, and the number orders them") {
  const std::string expected = std::to_string(OUTLOOK_MAIL_VERSION_MAJOR) + "." + std::to_string(OUTLOOK_MAIL_VERSION_MINOR) +
                               "." + std::to_string(OUTLOOK_MAIL_VERSION_PATCH);
  CHECK(std::string(outlook::version_string) == expected);
  CHECK(OUTLOOK_MAIL_VERSION ==
        OUTLOOK_MAIL_VERSION_MAJOR * 10000 + OUTLOOK_MAIL_VERSION_MINOR * 100 + OUTLOOK_MAIL_VERSION_PATCH);
  CHECK(outlook::version_major == OUTLOOK_MAIL_VERSION_MAJOR);
  CHECK(outlook::version_minor == OUTLOOK_MAIL_VERSION_MINOR);
  CHECK(outlook::version_patch == OUTLOOK_MAIL_VERSION_PATCH);
}
