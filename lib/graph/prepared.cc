// Writes checked and encoded ahead of their turn (graph/prepared.h).
#include "graph/prepared.h"

#include "common/coding.h"
#include "common/error.h"
#include "common/key_map.h"
#include "graph/validate.h"
#include "storage/keys.h"

namespace entente::detail {

namespace {

// The stored validity: a partial valid.from clamped to the type's floor (a Treaty's
// signature), as the encoded record holds it.
std::optional<Interval> stored_valid(const catalog::TypeDef& type, const std::optional<Interval>& valid,
                                     const std::string& record) {
  return type.validity_floor() && valid ? graph::node_head(0, record).valid : valid;
}

template <typename Citations>
std::vector<std::string> cited(const Citations& sources) {
  std::vector<std::string> out;
  out.reserve(sources.size());
  for (const auto& c : sources) out.emplace_back(c.doc);
  return out;
}

}  // namespace

namespace {

// The fields of a node's write that do not depend on how it was read, once its record is
// encoded (or refused: `record` is then empty and the validity stays as given).
template <typename In>
PreparedNode node_of(const catalog::TypeDef& type, const In& in, std::string record, std::optional<Error> refused) {
  PreparedNode p;
  p.type = &type;
  p.record = std::move(record);
  p.refused = std::move(refused);
  p.key = std::string(in.key);
  p.key_key = keys::node_key(type.tag, in.key);
  p.key_hash = KeyMap::hash(p.key_key);
  p.cited = cited(in.sources);
  p.names = graph::folded_names(in.name, in.aliases);
  p.valid = p.refused ? in.valid : stored_valid(type, in.valid, p.record);
  return p;
}

}  // namespace

PreparedNode prepare_node(const catalog::Catalog& catalog, const NodeInput& in) {
  const auto& type = graph::check_node(catalog, in);
  std::string record;
  std::optional<Error> refused;
  try {
    record = graph::encode_node(type, in);  // validates the properties
  } catch (const Error& e) {
    refused = e;
  }
  auto p = node_of(type, in, std::move(record), std::move(refused));
  p.gaps = in.gaps;  // a view has none: the fast reader declines them
  return p;
}

std::optional<PreparedNode> prepare_node(const catalog::Catalog& catalog, const graph::NodeView& in) {
  try {
    const auto& type = graph::check_node(catalog, in);
    auto record = graph::encode_view(type, in);
    if (!record) return std::nullopt;
    return node_of(type, in, std::move(*record), std::nullopt);
  } catch (const Error&) {
    return std::nullopt;  // the parsed input is prepared again, and its error reported
  }
}

namespace {

// PreparedEdge::identity_hash: the ends by their `keys` entries, not their ids, so that it
// is worked out on the parsing thread, before the ends are looked up (a key names one node).
std::uint64_t identity_hash(std::uint32_t tag, const PreparedEdge& p) {
  std::string identity;
  identity.reserve(16 + p.from_key.size() + p.to_key.size() + p.key.size());
  coding::put_u32(identity, tag);
  coding::put_u32(identity, keys::adj_from(p.valid));
  coding::put_u32(identity, static_cast<std::uint32_t>(p.from_key.size()));
  identity.append(p.from_key);
  coding::put_u32(identity, static_cast<std::uint32_t>(p.to_key.size()));
  identity.append(p.to_key);
  identity.append(p.key);
  return std::hash<std::string_view>{}(identity);
}

template <typename In>
PreparedEdge edge_of(const catalog::Catalog& catalog, const catalog::TypeDef& type, const In& in, std::string record,
                     std::optional<Error> refused) {
  PreparedEdge p;
  p.type = &type;
  p.record = std::move(record);
  p.refused = std::move(refused);
  p.from = {std::string(in.from.type), std::string(in.from.key)};
  p.to = {std::string(in.to.type), std::string(in.to.key)};
  p.from_tag = catalog.find(in.from.type)->tag;  // check_edge found both ends' types
  p.to_tag = catalog.find(in.to.type)->tag;
  p.from_key = keys::node_key(p.from_tag, in.from.key);
  p.to_key = keys::node_key(p.to_tag, in.to.key);
  p.key = std::string(in.key);
  p.valid = in.valid;
  p.cited = cited(in.sources);
  p.from_hash = KeyMap::hash(p.from_key);
  p.to_hash = KeyMap::hash(p.to_key);
  p.identity_hash = identity_hash(type.tag, p);
  return p;
}

}  // namespace

PreparedEdge prepare_edge(const catalog::Catalog& catalog, const EdgeInput& in) {
  const auto& type = graph::check_edge(catalog, in);
  std::string record;
  std::optional<Error> refused;
  try {
    record = graph::encode_edge(type, 0, 0, in);  // validates the properties
  } catch (const Error& e) {
    refused = e;
  }
  return edge_of(catalog, type, in, std::move(record), std::move(refused));
}

std::optional<PreparedEdge> prepare_edge(const catalog::Catalog& catalog, const graph::EdgeView& in) {
  try {
    const auto& type = graph::check_edge(catalog, in);
    auto record = graph::encode_view(type, in);
    if (!record) return std::nullopt;
    return edge_of(catalog, type, in, std::move(*record), std::nullopt);
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace entente::detail
