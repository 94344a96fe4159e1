// The types a ProjectionSpec names, resolved against the catalog once for both readers of
// a spec: Projection::build (the copy) and GraphView::of (the view).
#pragma once

#include <cstdint>
#include <set>
#include <vector>

#include "catalog/catalog.h"
#include "common/error.h"
#include "common/text.h"
#include "entente/projection.h"

namespace entente::graph {

struct SpecTypes {
  std::vector<const catalog::TypeDef*> nodes;  // the node types named (empty when none is)
  std::set<std::uint32_t> edge_tags;           // the edge types named, by tag (empty: every one)
};

// Throws Error(kInvalid) for a name that is not a node type (or not an edge type), with the
// nearest name as a suggestion.
inline SpecTypes spec_types(const catalog::Catalog& catalog, const ProjectionSpec& spec) {
  SpecTypes out;
  for (const auto& name : spec.node_types) {
    const auto* t = catalog.find(name);
    if (!t || t->is_edge) throw invalid("unknown node type '{}'{}", name, text::did_you_mean(name, catalog.names(false)));
    out.nodes.push_back(t);
  }
  for (const auto& name : spec.edge_types) {
    const auto* t = catalog.find(name);
    if (!t || !t->is_edge) throw invalid("unknown edge type '{}'{}", name, text::did_you_mean(name, catalog.names(true)));
    out.edge_tags.insert(t->tag);
  }
  return out;
}

}  // namespace entente::graph
