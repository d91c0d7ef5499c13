// The one translation unit of the examples that compiles the Beast HTTPS transport.
// Every program using outlook::make_beast_transport needs exactly one such file.
#include <outlook/beast_transport_impl.hpp>
