// The binder: checks a parsed query against the database's catalog and gives every
// variable a slot in a row. Names are checked against the catalog (labels, relationship
// types, properties), variables against their scope (WITH ends one), functions and
// procedures against their signatures, and types where they are known before running
// (a Date compared with a String). Parameters are looked up and fixed.
#pragma once

#include "entente/query.h"
#include "query/bind/schema.h"
#include "query/parse/ast.h"

namespace entente::ql {

// Fills in the bound fields of the query. Throws Error(kInvalid) "line L:C: reason", with a
// suggestion where a near name exists.
void bind(ast::Query& q, const Schema& schema, const Params& params);

// The slots of the variables an expression reads (for placing filters).
void slots_used(const ast::Expr& e, std::vector<int>& out);

}  // namespace entente::ql
