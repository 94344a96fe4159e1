// The functions and procedures the language knows: names, arities, result types. The
// binder checks calls against them; the executor implements them (exec/functions.cc,
// exec/procedures.cc).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "query/parse/ast.h"

namespace entente::ql {

struct FunctionSig {
  const char* name;     // canonical spelling; calls match ignoring case
  int min_args;
  int max_args;         // -1: any number
  ast::SType result;
  bool aggregate;
  const char* doc;
  bool takes_nulls = false;  // called with a null first argument (else that gives null)
};

// nullptr when there is no such function.
const FunctionSig* find_function(std::string_view name);
const std::vector<FunctionSig>& functions();

struct ProcColumn {
  const char* name;
  ast::SType type;
  const char* doc;
};

struct ProcedureSig {
  const char* name;
  std::vector<const char*> params;  // the first min_args are required
  int min_args;
  std::vector<ProcColumn> columns;
  const char* doc;
};

const std::vector<ProcedureSig>& procedures();
// The index of the procedure in procedures(), or -1.
int find_procedure(std::string_view name);

}  // namespace entente::ql
