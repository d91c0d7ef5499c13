// The one translation unit of the examples that compiles the Beast HTTPS transport.
// SPDX-License-Identifier: BSL-1.0
// Every program using outlook::make_beast_transport needs exactly one such file.
#include <outlook/beast_transport_impl.hpp>
