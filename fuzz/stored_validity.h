// Shared by fuzz_jsonl and fuzz_record: the validity a node is stored with, for their
// round-trip invariants. A write clamps a partial valid.from to its type's
// $validFromNotBefore date (a Treaty's signature; docs/interchange.md, section 4).
#pragma once

#include <optional>

#include "catalog/catalog.h"
#include "entente/entente.h"
#include "graph/records.h"

// `valid` as a node of `type` whose stored properties are `props` keeps it.
inline std::optional<entente::Interval> stored_validity(const entente::catalog::TypeDef* type,
                                                        std::optional<entente::Interval> valid,
                                                        const entente::Properties& props) {
  const auto* floor = type ? type->validity_floor() : nullptr;
  if (!floor || !valid || !valid->from) return valid;
  if (auto at = props.date(floor->name)) {
    if (auto clamped = entente::graph::clamped_valid_from(*valid->from, *at)) valid->from = clamped;
  }
  return valid;
}
