// The functions of the public record.h: NodeRef::parse, Node::valid_at, and the JSON form
// of nodes and edges that the interchange format, query results and --json share.
#include "entente/record.h"

#include <capnp/dynamic.h>
#include <algorithm>
#include <fmt/format.h>
#include <kj/debug.h>

#include "catalog/props.h"
#include "common/error.h"
#include "common/text.h"
#include "graph/records.h"
#include "graph/topology.h"

namespace entente {

NodeRef NodeRef::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw invalid("'{}' is not a node reference: expected Type:key, e.g. State:PRK", text);
  }
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

std::string Node::label() const { return name.empty() ? ref().str() : fmt::format("{} ({})", ref().str(), name); }

bool Node::valid_at(const Date& d) const {
  if (!valid) return !in_force_only;
  if (!valid->contains(d)) return false;
  for (const auto& g : gaps) {
    if (g.contains(d)) return false;
  }
  return true;
}

std::vector<Interval> Node::spells() const {
  if (!valid) return in_force_only ? std::vector<Interval>{} : std::vector<Interval>{Interval{}};
  std::vector<Interval> out;
  Interval cur{valid->from, std::nullopt};
  for (const auto& g : gaps) {
    cur.to = g.from;
    if (!cur.empty()) out.push_back(cur);
    cur.from = g.to;
  }
  cur.to = valid->to;
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool Node::valid_during(const Interval& range) const {
  for (const auto& s : spells()) {
    if (intersect(s, range)) return true;
  }
  return false;
}

bool Edge::valid_during(const Interval& range) const { return intersect(valid ? *valid : Interval{}, range).has_value(); }

void NodeInput::set_spells(std::vector<Interval> spells) {
  if (spells.empty()) throw invalid("valid: no spells (expected at least one interval)");
  for (std::size_t i = 0; i < spells.size(); ++i) {
    if (spells[i].empty()) {
      throw invalid("valid[{}]: 'to' ({}) must be after 'from' ({})", i, spells[i].to->str(), spells[i].from->str());
    }
  }
  auto united = unite(std::move(spells));
  valid = Interval{united.front().from, united.back().to};
  gaps.clear();
  for (std::size_t i = 0; i + 1 < united.size(); ++i) gaps.push_back(Interval{united[i].to, united[i + 1].from});
}

// ---- Properties

namespace {

using W = capnp::schema::Type::Which;

PropertyKind kind_of(capnp::Type t) {
  switch (t.which()) {
    case W::BOOL: return PropertyKind::kBool;
    case W::INT8:
    case W::INT16:
    case W::INT32:
    case W::INT64:
    case W::UINT8:
    case W::UINT16:
    case W::UINT32:
    case W::UINT64: return PropertyKind::kInteger;
    case W::FLOAT32:
    case W::FLOAT64: return PropertyKind::kNumber;
    case W::TEXT:
    case W::ENUM: return PropertyKind::kText;
    case W::STRUCT: return catalog::Catalog::is_date(t.asStruct()) ? PropertyKind::kDate : PropertyKind::kStruct;
    case W::LIST: return PropertyKind::kList;
    default: return PropertyKind::kStruct;
  }
}

const char* kind_name(PropertyKind k) {
  switch (k) {
    case PropertyKind::kNone: return "absent";
    case PropertyKind::kBool: return "a Boolean";
    case PropertyKind::kInteger: return "an integer";
    case PropertyKind::kNumber: return "a number";
    case PropertyKind::kText: return "a text";
    case PropertyKind::kDate: return "a date";
    case PropertyKind::kList: return "a list";
    case PropertyKind::kStruct: return "a structure";
  }
  return "?";
}

// The error for a record whose properties cannot be read as stored.
Error damaged(const detail::PropertyData* d, std::string_view what) {
  return corruption("{} record {}: the record is damaged: {}", d->type->is_edge ? "edge" : "node", d->id, what);
}

const catalog::PropDef* prop_of(const detail::PropertyData* d, std::string_view name) {
  return d ? d->type->prop(name) : nullptr;
}

// Calls f(props struct, field) when the property is set; returns f's result, or nullopt.
template <class F>
auto read_prop(const detail::PropertyData* d, std::string_view name, std::initializer_list<PropertyKind> kinds,
               const char* wanted, F&& f) -> std::optional<decltype(f(std::declval<capnp::DynamicValue::Reader>(),
                                                                       std::declval<capnp::Type>()))> {
  const auto* p = prop_of(d, name);
  if (!p) return std::nullopt;
  const auto k = kind_of(p->field.getType());
  if (std::find(kinds.begin(), kinds.end(), k) == kinds.end()) {
    throw invalid("property '{}' of {} is {} ({}), not {}", name, d->type->name, kind_name(k), p->type_name, wanted);
  }
  try {
    std::optional<capnp::FlatArrayMessageReader> reader;
    auto props = d->props(reader);
    if (!catalog::prop_is_set(props, p->field)) return std::nullopt;
    return f(props.get(p->field), p->field.getType());
  } catch (const kj::Exception& e) {
    throw damaged(d, e.getDescription().cStr());
  }
}

// A stored Date struct; a value that is not a date is a damaged record (caught as
// kj::Exception by read_prop, which names the record).
Date stored_date(capnp::DynamicValue::Reader v) {
  const auto ymd = v.as<capnp::DynamicStruct>().get("ymd").as<std::uint32_t>();
  try {
    return Date::from_ymd(ymd);
  } catch (const Error&) {
    KJ_FAIL_REQUIRE("a stored date is not a date", ymd);
  }
}

std::string enum_text(capnp::DynamicEnum e) {
  KJ_IF_MAYBE(v, e.getEnumerant()) { return text::camel_to_snake(v->getProto().getName().cStr()); }
  return std::to_string(e.getRaw());  // a value newer than this schema
}

template <class F>
auto whole(const detail::PropertyData* d, F&& f) {
  try {
    std::optional<capnp::FlatArrayMessageReader> reader;
    return f(d->props(reader));
  } catch (const kj::Exception& e) {
    throw damaged(d, e.getDescription().cStr());
  } catch (const Error& e) {  // from catalog::prop_to_json: a stored value out of its domain
    if (e.kind() != ErrorKind::kCorruption) throw;
    throw damaged(d, e.what());
  }
}

}  // namespace

Properties::Properties() = default;
Properties::Properties(std::shared_ptr<const detail::PropertyData> data) : data_(std::move(data)) {}

bool Properties::empty() const { return names().empty(); }

bool Properties::has(std::string_view name) const {
  const auto* p = prop_of(data_.get(), name);
  return p && whole(data_.get(), [&](capnp::DynamicStruct::Reader s) { return catalog::prop_is_set(s, p->field); });
}

std::vector<std::string> Properties::names() const {
  std::vector<std::string> out;
  if (!data_) return out;
  whole(data_.get(), [&](capnp::DynamicStruct::Reader s) {
    for (const auto& p : data_->type->props) {
      if (catalog::prop_is_set(s, p.field)) out.push_back(p.name);
    }
    return 0;
  });
  return out;
}

PropertyKind Properties::kind(std::string_view name) const {
  const auto* p = prop_of(data_.get(), name);
  return p ? kind_of(p->field.getType()) : PropertyKind::kNone;
}

std::optional<bool> Properties::boolean(std::string_view name) const {
  return read_prop(data_.get(), name, {PropertyKind::kBool}, "a Boolean",
                   [](capnp::DynamicValue::Reader v, capnp::Type) { return v.as<bool>(); });
}

std::optional<std::int64_t> Properties::integer(std::string_view name) const {
  return read_prop(data_.get(), name, {PropertyKind::kInteger}, "an integer",
                   [](capnp::DynamicValue::Reader v, capnp::Type t) -> std::int64_t {
                     if (t.which() == W::UINT64) return static_cast<std::int64_t>(v.as<std::uint64_t>());
                     return v.as<std::int64_t>();
                   });
}

std::optional<double> Properties::number(std::string_view name) const {
  return read_prop(data_.get(), name, {PropertyKind::kNumber, PropertyKind::kInteger}, "a number",
                   [](capnp::DynamicValue::Reader v, capnp::Type) { return v.as<double>(); });
}

std::optional<std::string> Properties::text(std::string_view name) const {
  return read_prop(data_.get(), name, {PropertyKind::kText, PropertyKind::kDate}, "a text",
                   [](capnp::DynamicValue::Reader v, capnp::Type t) -> std::string {
                     if (t.which() == W::TEXT) return v.as<capnp::Text>().cStr();
                     if (t.which() == W::ENUM) return enum_text(v.as<capnp::DynamicEnum>());
                     return stored_date(v).str();
                   });
}

std::optional<Date> Properties::date(std::string_view name) const {
  return read_prop(data_.get(), name, {PropertyKind::kDate}, "a date",
                   [](capnp::DynamicValue::Reader v, capnp::Type) { return stored_date(v); });
}

std::vector<std::string> Properties::texts(std::string_view name) const {
  auto got = read_prop(data_.get(), name, {PropertyKind::kList}, "a list of texts",
                       [&](capnp::DynamicValue::Reader v, capnp::Type t) {
                         auto elem = t.asList().getElementType();
                         if (elem.which() != W::TEXT && elem.which() != W::ENUM) {
                           throw invalid("property '{}' of {} is a list of structures, not of texts", name,
                                         data_->type->name);
                         }
                         std::vector<std::string> out;
                         for (auto e : v.as<capnp::DynamicList>()) {
                           out.push_back(elem.which() == W::TEXT ? std::string(e.as<capnp::Text>().cStr())
                                                                 : enum_text(e.as<capnp::DynamicEnum>()));
                         }
                         return out;
                       });
  return got ? std::move(*got) : std::vector<std::string>{};
}

nlohmann::ordered_json Properties::json(std::string_view name) const {
  const auto* p = prop_of(data_.get(), name);
  if (!p) return nullptr;
  return whole(data_.get(), [&](capnp::DynamicStruct::Reader s) { return catalog::prop_to_json(s, p->field); });
}

nlohmann::ordered_json Properties::to_json() const {
  if (!data_) return nlohmann::ordered_json::object();
  return whole(data_.get(), [](capnp::DynamicStruct::Reader s) { return catalog::props_to_json(s); });
}

bool Properties::operator==(const Properties& other) const { return to_json() == other.to_json(); }

// ---- JSON

namespace {

nlohmann::ordered_json interval_json(const Interval& iv) {
  nlohmann::ordered_json v = nlohmann::ordered_json::object();
  if (iv.from) v["from"] = iv.from->str();
  if (iv.to) v["to"] = iv.to->str();
  return v;
}

}  // namespace

nlohmann::ordered_json to_json(const std::vector<Citation>& sources) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : sources) {
    nlohmann::ordered_json j = {{"doc", c.doc}};
    if (!c.locator.empty()) j["locator"] = c.locator;
    if (!c.quote.empty()) j["quote"] = c.quote;
    out.push_back(std::move(j));
  }
  return out;
}

nlohmann::ordered_json to_json(const Node& n) {
  nlohmann::ordered_json j = {{"node", n.type}, {"key", n.key}};
  if (!n.name.empty()) j["name"] = n.name;
  if (!n.aliases.empty()) j["aliases"] = n.aliases;
  if (n.valid && n.gaps.empty()) {
    j["valid"] = interval_json(*n.valid);
  } else if (n.valid) {
    // Gaps: the spells, as the interchange format writes them (docs/interchange.md §4).
    nlohmann::ordered_json spells = nlohmann::ordered_json::array();
    for (const auto& s : n.spells()) spells.push_back(interval_json(s));
    j["valid"] = std::move(spells);
  }
  if (auto p = n.props.to_json(); !p.empty()) j["props"] = std::move(p);
  if (!n.sources.empty()) j["sources"] = to_json(n.sources);
  return j;
}

nlohmann::ordered_json to_json(const Edge& e) {
  nlohmann::ordered_json j = {{"edge", e.type}, {"from", e.from_ref.str()}, {"to", e.to_ref.str()}};
  if (!e.key.empty()) j["key"] = e.key;
  if (e.valid) j["valid"] = interval_json(*e.valid);
  if (auto p = e.props.to_json(); !p.empty()) j["props"] = std::move(p);
  if (!e.sources.empty()) j["sources"] = to_json(e.sources);
  return j;
}

}  // namespace entente
