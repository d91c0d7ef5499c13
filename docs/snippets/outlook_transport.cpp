// SPDX-License-Identifier: BSL-1.0
// snippet-begin: transport
// outlook_transport.cpp: the only file that compiles the Beast transport
#include <outlook/beast_transport_impl.hpp>
// snippet-end: transport
