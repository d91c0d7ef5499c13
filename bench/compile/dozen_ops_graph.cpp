// The Graph twin of dozen_ops.cpp: it includes <outlook/graph.hpp> and makes the same dozen
// calls under the same names (dozen_ops_body.hpp). bench/compile/run times it in the
// header-only mode and in the separate-compilation mode.
// SPDX-License-Identifier: BSL-1.0
#include <outlook/graph.hpp>

namespace dialect = outlook::graph;
#include "dozen_ops_body.hpp"
