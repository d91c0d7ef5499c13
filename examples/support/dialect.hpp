// examples/support: which binding an example is built against.
// SPDX-License-Identifier: BSL-1.0
//
// Every example is written once against the namespace alias `mail` and built twice (see
// examples/CMakeLists.txt): against Outlook REST v2.0 (outlook::mail), and with
// OUTLOOK_EXAMPLES_GRAPH defined against Microsoft Graph v1.0 (outlook::graph), the
// binding that reaches a real Microsoft 365 or Outlook.com mailbox today. In your own
// program write the alias you need instead of including this file.
#pragma once

#ifdef OUTLOOK_EXAMPLES_GRAPH
#include <outlook/graph.hpp>
namespace mail = outlook::graph;
#else
#include <outlook/mail.hpp>
namespace mail = outlook::mail;
#endif

namespace examples {
/// The service a build talks to when OUTLOOK_BASE_URL is not set, for usage texts.
#ifdef OUTLOOK_EXAMPLES_GRAPH
inline constexpr const char* default_service = "https://graph.microsoft.com/v1.0 (Microsoft Graph)";
#else
inline constexpr const char* default_service = "https://outlook.office.com/api/v2.0 (Outlook REST v2.0)";
#endif
}  // namespace examples
