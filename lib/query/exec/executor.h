// The executor: runs a plan as a push pipeline. A row (one value per slot) enters at the
// first operator, which passes each row it makes to the next; LIMIT stops the operators
// before it early. Aggregation, DISTINCT and ORDER BY hold rows until their input ends.
#pragma once

#include <functional>
#include <vector>

#include "entente/database.h"
#include "query/bind/schema.h"
#include "query/exec/eval.h"
#include "query/bind/bound.h"
#include "query/plan/plan.h"

namespace entente::ql::exec {

// Runs the plan, calling on_row with the RETURN's columns of each row until it returns false.
// The limits bound its time and the rows it holds; max_steps bounds the relationships looked
// at and the rows made by UNWIND and CALL (the fuzzer lowers it). Past one the query stops
// with Error(kLimit).
// `params` are the parameters' values by index (param_values()). With `profile`, each
// operator's rows and time are added to it (PROFILE).
void run(const Reader& reader, const Schema& schema, const bound::Query& q, const plan::Plan& plan,
         const std::vector<Value>& params, const std::function<bool(const std::vector<Value>& row)>& on_row,
         const QueryLimits& limits = {}, std::uint64_t max_steps = kMaxSteps, plan::Profile* profile = nullptr);

}  // namespace entente::ql::exec
