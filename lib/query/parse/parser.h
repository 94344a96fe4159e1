// The query language's recursive-descent parser (grammar: docs/query.md).
#pragma once

#include <string_view>

#include "query/parse/ast.h"

namespace entente::ql {

// Parses one statement. Throws Error(kInvalid) "line L:C: reason" for a syntax error, and
// for a query nested deeper than ast::kMaxDepth.
ast::Query parse(std::string_view text);

}  // namespace entente::ql
