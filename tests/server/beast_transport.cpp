// The test program's one translation unit with the Beast HTTPS transport's definitions
// (the heavy one: Beast, Asio SSL, OpenSSL), so that editing a test recompiles no Beast.
//
// SPDX-License-Identifier: BSL-1.0
#include <outlook/beast_transport_impl.hpp>
