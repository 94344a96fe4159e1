// The built-in questions (include/entente/questions.h) as procedures: CALL name(args) YIELD ...
#pragma once

#include <vector>

#include "query/exec/eval.h"

namespace entente::ql::exec {

// Runs procedure `index` (of procedures()) on evaluated arguments; one row per result, with
// the procedure's columns in order. `call` names the places for errors.
std::vector<std::vector<Value>> run_procedure(const bound::Call& call, const std::vector<Value>& args, Context& ctx);

}  // namespace entente::ql::exec
