// A user translation unit of the compile-time budget: it includes <outlook/mail.hpp> and
// calls a dozen operations (dozen_ops_body.hpp), as an application file would.
// bench/compile/run times it in the header-only mode and in the separate-compilation mode.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/mail.hpp>

namespace dialect = outlook::mail;
#include "dozen_ops_body.hpp"
