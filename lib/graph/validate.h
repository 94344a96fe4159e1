// The checks a write makes on a node or an edge before it reads the database: sizes,
// text, validity, citation fields, types and end types (docs/interchange.md, "Limits").
// Shared by Transaction (put_node, put_edge) and the bulk import, so that both refuse the
// same lines with the same reasons.
#pragma once

#include <vector>

#include "catalog/catalog.h"
#include "entente/record.h"
#include "graph/records.h"

namespace entente::graph {

// Throws Error(kInvalid) naming the field and the reason. Returns the node's type.
const catalog::TypeDef& check_node(const catalog::Catalog& catalog, const NodeInput& node);
const catalog::TypeDef& check_node(const catalog::Catalog& catalog, const NodeView& node);
// Also checks that each end's type exists and is allowed for the edge type. Returns the
// edge's type.
const catalog::TypeDef& check_edge(const catalog::Catalog& catalog, const EdgeInput& edge);
const catalog::TypeDef& check_edge(const catalog::Catalog& catalog, const EdgeView& edge);
// The fields of citations (not whether the cited Document exists).
void check_citations(const std::vector<Citation>& sources);

}  // namespace entente::graph
