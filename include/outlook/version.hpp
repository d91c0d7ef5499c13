// outlook-mail: the library version (kept equal to project(VERSION) in CMakeLists.txt;
// the unit tests check that they agree).
// SPDX-License-Identifier: BSL-1.0
#pragma once

/// Major version: changes break source compatibility.
#define OUTLOOK_MAIL_VERSION_MAJOR 0
/// Minor version: additions.
#define OUTLOOK_MAIL_VERSION_MINOR 1
/// Patch version: fixes.
#define OUTLOOK_MAIL_VERSION_PATCH 0
/// The version as one number, MAJOR * 10000 + MINOR * 100 + PATCH, for `#if` tests:
/// `#if OUTLOOK_MAIL_VERSION >= 200` means 0.2.0 or newer.
#define OUTLOOK_MAIL_VERSION \
  (OUTLOOK_MAIL_VERSION_MAJOR * 10000 + OUTLOOK_MAIL_VERSION_MINOR * 100 + OUTLOOK_MAIL_VERSION_PATCH)
/// The version as text, "MAJOR.MINOR.PATCH".
#define OUTLOOK_MAIL_VERSION_STRING "0.1.0"

namespace outlook {
inline constexpr int version_major = OUTLOOK_MAIL_VERSION_MAJOR;
inline constexpr int version_minor = OUTLOOK_MAIL_VERSION_MINOR;
inline constexpr int version_patch = OUTLOOK_MAIL_VERSION_PATCH;
inline constexpr const char* version_string = OUTLOOK_MAIL_VERSION_STRING;
}  // namespace outlook
