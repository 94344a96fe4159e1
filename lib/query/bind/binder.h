// The binder: checks a parsed query against the database's catalog and gives every
// variable a slot in a row. Names are checked against the catalog (labels, relationship
// types, properties), variables against their scope (WITH ends one), functions and
// procedures against their signatures, and types where they are known before running
// (a Date compared with a String). Parameters are looked up and fixed.
#pragma once

#include "entente/query.h"
#include "query/bind/schema.h"
#include "query/bind/bound.h"
#include "query/parse/ast.h"

namespace entente::ql {

// Binds the parser's tree, which it reads and does not change, into a bound tree of its
// own (query/bind/bound.h). Throws Error(kInvalid) "line L:C: reason", with a
// suggestion where a near name exists. Each parameter gets an index (bound::Query::params); with
// `params`, their types are checked where they meet known types ("found before running")
// and a missing one is an error; without (a prepared statement), they are checked as the
// query runs.
bound::Query bind(const ast::Query& q, const Schema& schema, const Params* params);

// Throws Error(kInvalid) "line L:C: missing parameter $name", suggesting a near name given.
[[noreturn]] void missing_parameter(const std::string& name, Pos pos, const Params& given);

// The parameters' values in the order of bound::Query::params. Throws Error(kInvalid) "missing
// parameter $name" for one not given.
std::vector<Value> param_values(const bound::Query& q, const Params& params);

// The slots of the variables an expression reads (for placing filters).
void slots_used(const bound::Expr& e, std::vector<int>& out);

}  // namespace entente::ql
