#include "graph/records.h"

#include <capnp/dynamic.h>
#include <capnp/message.h>
#include <kj/exception.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <set>

#include "catalog/props.h"
#include "common/text.h"
#include "common/error.h"
#include "envelope.capnp.h"
#include "common/coding.h"
#include "storage/keys.h"
#include "storage/store.h"

namespace entente::graph {

std::optional<Date> clamped_valid_from(const Date& from, const Date& floor) {
  if (from.precision() == Precision::kDay || !before(from, floor)) return std::nullopt;
  if (floor.year() != from.year()) return std::nullopt;
  if (from.precision() == Precision::kMonth && floor.month() != from.month()) return std::nullopt;
  return floor;
}

namespace {

// Text set as setKey(...) would set it: the same allocation, from a view.
template <typename Init>
void set_text(Init init, std::string_view s) {
  auto t = init(static_cast<unsigned>(s.size()));
  if (!s.empty()) std::memcpy(t.begin(), s.data(), s.size());
}

// The validity and citations of a record, from an input's citations or a view's: texts
// allocated as setDoc(...) would, so both give the same bytes.
template <typename B, typename Sources>
void set_common(B record, const std::optional<Interval>& valid, const Sources& sources) {
  if (valid) {
    auto v = record.initValid();
    v.setFrom(valid->from ? valid->from->ymd() : 0);
    v.setTo(valid->to ? valid->to->ymd() : 0);
  }
  if (!sources.empty()) {
    auto list = record.initSources(static_cast<unsigned>(sources.size()));
    for (unsigned i = 0; i < sources.size(); ++i) {
      auto c = list[i];
      set_text([&](unsigned n) { return c.initDoc(n); }, sources[i].doc);
      if (!sources[i].locator.empty()) set_text([&](unsigned n) { return c.initLocator(n); }, sources[i].locator);
      if (!sources[i].quote.empty()) set_text([&](unsigned n) { return c.initQuote(n); }, sources[i].quote);
    }
  }
}

template <typename R>
void get_common(R record, std::optional<Interval>& valid, std::vector<Citation>& sources) {
  if (record.hasValid()) {
    auto v = record.getValid();
    Interval iv;
    if (v.getFrom() != 0) iv.from = Date::from_ymd(v.getFrom());
    if (v.getTo() != 0) iv.to = Date::from_ymd(v.getTo());
    valid = iv;
  }
  for (auto c : record.getSources()) {
    sources.push_back({c.getDoc().cStr(), c.getLocator().cStr(), c.getQuote().cStr()});
  }
}

// A node's gaps, set when it has any.
void set_gaps(schema::NodeRecord::Builder record, const std::vector<Interval>& gaps) {
  if (gaps.empty()) return;
  auto list = record.initGaps(static_cast<unsigned>(gaps.size()));
  for (unsigned i = 0; i < gaps.size(); ++i) {
    list[i].setFrom(gaps[i].from ? gaps[i].from->ymd() : 0);
    list[i].setTo(gaps[i].to ? gaps[i].to->ymd() : 0);
  }
}

// A stored node's gaps. A gap that is not bounded, holds no day or is out of order is
// damage (writes refuse them: graph::check_node).
std::vector<Interval> get_gaps(schema::NodeRecord::Reader record) {
  std::vector<Interval> out;
  if (!record.hasGaps()) return out;
  for (auto g : record.getGaps()) {
    if (g.getFrom() == 0 || g.getTo() == 0) throw corruption("the record is damaged: a gap is not bounded");
    Interval iv{Date::from_ymd(g.getFrom()), Date::from_ymd(g.getTo())};
    if (iv.empty() || (!out.empty() && !before(*out.back().to, *iv.from))) {
      throw corruption("the record is damaged: its gaps are empty or out of order");
    }
    out.push_back(iv);
  }
  return out;
}

}  // namespace

namespace {

// Records are encoded into a first segment of kSmallRecordWords (most records fit; the
// builder zeroes the segment, so a smaller one costs less). One that does not fit is
// encoded again with MallocMessageBuilder's default first segment, so that the bytes are
// what they always were: a record spilling into a second segment is laid out differently.
constexpr unsigned kSmallRecordWords = 128;

// The first segment of the records a thread encodes, zeroed, used by one builder after
// another: a builder given it writes zeros back over what it used (Cap'n Proto's contract
// for a caller's segment), so no record allocates and zeroes a segment of its own.
kj::ArrayPtr<capnp::word> first_segment() {
  thread_local std::array<capnp::word, kSmallRecordWords> words{};
  return kj::arrayPtr(words.data(), words.size());
}

// $validFromNotBefore (docs/interchange.md, "Validity"): a node's partial valid.from that
// begins before its floor date (a Treaty's signature) and holds that date becomes the floor
// date: "2000" with a signature of 2000-02-09 becomes 2000-02-09. Applied to the record
// after its properties are set, by both encoders, so every way of writing stores the same.
template <typename B>
void clamp_valid_from(const catalog::TypeDef& type, B record) {
  const auto* floor_prop = type.validity_floor();
  if (!floor_prop || !record.hasValid() || record.getValid().getFrom() == 0) return;
  auto props = record.getProps().template getAs<capnp::DynamicStruct>(type.schema).asReader();
  if (!catalog::prop_is_set(props, floor_prop->field)) return;
  auto floor_ymd = props.get(floor_prop->field).template as<capnp::DynamicStruct>().get("ymd").template as<std::uint32_t>();
  Date from = Date::from_ymd(record.getValid().getFrom()), floor = Date::from_ymd(floor_ymd);
  if (auto clamped = clamped_valid_from(from, floor)) record.getValid().setFrom(clamped->ymd());
}

template <typename Fill>
std::string encode_record(Fill fill) {
  {
    capnp::MallocMessageBuilder message(first_segment());
    fill(message);
    if (message.getSegmentsForOutput().size() == 1) return storage::encode(message);
  }
  capnp::MallocMessageBuilder message;
  fill(message);
  return storage::encode(message);
}

}  // namespace

std::string encode_node(const catalog::TypeDef& type, const NodeInput& node) {
  return encode_record([&](capnp::MallocMessageBuilder& message) {
    auto r = message.initRoot<schema::NodeRecord>();
    r.setTypeTag(type.tag);
    r.setKey(node.key);
    if (!node.name.empty()) r.setName(node.name);
    if (!node.aliases.empty()) {
      auto list = r.initAliases(static_cast<unsigned>(node.aliases.size()));
      for (unsigned i = 0; i < node.aliases.size(); ++i) list.set(i, node.aliases[i]);
    }
    set_common(r, node.valid, node.sources);
    set_gaps(r, node.gaps);
    catalog::props_from_json(type, node.props, r.getProps().initAs<capnp::DynamicStruct>(type.schema));
    clamp_valid_from(type, r);
  });
}

std::string encode_edge(const catalog::TypeDef& type, NodeId from, NodeId to, const EdgeInput& edge) {
  return encode_record([&](capnp::MallocMessageBuilder& message) {
    auto r = message.initRoot<schema::EdgeRecord>();
    r.setTypeTag(type.tag);
    r.setFrom(from);
    r.setTo(to);
    if (!edge.key.empty()) r.setKey(edge.key);
    set_common(r, edge.valid, edge.sources);
    catalog::props_from_json(type, edge.props, r.getProps().initAs<capnp::DynamicStruct>(type.schema));
  });
}

void NodeView::clear() {
  type = key = name = {};
  props = nullptr;
  aliases.clear();
  valid.reset();
  sources.clear();
}

void EdgeView::clear() {
  type = key = {};
  props = nullptr;
  from = to = {};
  valid.reset();
  sources.clear();
}

namespace {

// As encode_record, for a fill that may decline (false), appending the record to `out`
// (unchanged on false).
template <typename Fill>
bool try_encode_record(Fill fill, std::string& out) {
  {
    capnp::MallocMessageBuilder message(first_segment());
    if (!fill(message)) return false;
    if (message.getSegmentsForOutput().size() == 1) {
      storage::encode_append(message, out);
      return true;
    }
  }
  capnp::MallocMessageBuilder message;
  if (!fill(message)) return false;
  storage::encode_append(message, out);
  return true;
}
template <typename Fill>
std::optional<std::string> try_encode_record(Fill fill) {
  std::string out;
  if (!try_encode_record(fill, out)) return std::nullopt;
  return out;
}

template <typename R>
bool fill_props(const catalog::TypeDef& type, R record, const simdjson::dom::element* props) {
  // As initAs<DynamicStruct>(type.schema), with the struct's size read once.
  auto out = record.getProps().initAsAnyStruct(type.data_words, type.pointers).template as<capnp::DynamicStruct>(type.schema);
  if (!props) {
    // No properties: nothing is set, unless one is required (the long way says so).
    return std::none_of(type.props.begin(), type.props.end(), [](const catalog::PropDef& p) { return p.required; });
  }
  return catalog::props_from_json_dom(type, *props, out);
}

}  // namespace

std::optional<std::string> encode_view(const catalog::TypeDef& type, const NodeView& node) {
  std::string out;
  if (!encode_view(type, node, out)) return std::nullopt;
  return out;
}

std::optional<std::string> encode_view(const catalog::TypeDef& type, const EdgeView& edge) {
  std::string out;
  if (!encode_view(type, edge, out)) return std::nullopt;
  return out;
}

bool encode_view(const catalog::TypeDef& type, const NodeView& node, std::string& out) {
  return try_encode_record([&](capnp::MallocMessageBuilder& message) {
    auto r = message.initRoot<schema::NodeRecord>();
    r.setTypeTag(type.tag);
    set_text([&](unsigned n) { return r.initKey(n); }, node.key);
    if (!node.name.empty()) set_text([&](unsigned n) { return r.initName(n); }, node.name);
    if (!node.aliases.empty()) {
      auto list = r.initAliases(static_cast<unsigned>(node.aliases.size()));
      for (unsigned i = 0; i < node.aliases.size(); ++i) {
        set_text([&](unsigned n) { return list.init(i, n); }, node.aliases[i]);
      }
    }
    set_common(r, node.valid, node.sources);
    if (!fill_props(type, r, node.props)) return false;
    clamp_valid_from(type, r);
    return true;
  }, out);
}

bool encode_view(const catalog::TypeDef& type, const EdgeView& edge, std::string& out) {
  return try_encode_record([&](capnp::MallocMessageBuilder& message) {
    auto r = message.initRoot<schema::EdgeRecord>();
    r.setTypeTag(type.tag);
    if (!edge.key.empty()) set_text([&](unsigned n) { return r.initKey(n); }, edge.key);
    set_common(r, edge.valid, edge.sources);
    return fill_props(type, r, edge.props);
  }, out);
}

void set_edge_ends(std::string& record, NodeId from, NodeId to) { set_edge_ends(record.data(), record.size(), from, to); }

namespace {

// Where the root struct's data section begins in a record's bytes, and its size in words.
// The flat-array message (docs/format.md, section 2): a segment table of 4 bytes per
// segment plus 4, padded to 8; then the first segment, which opens with the root pointer:
// a struct pointer whose bits 2..31 are the offset in words from the end of the pointer to
// the struct's data section, and whose bits 32..47 are the data section's size in words.
struct DataSection {
  std::size_t at = 0;
  std::size_t words = 0;
};

DataSection data_section(const char* record, std::size_t size, const char* what) {
  auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(record[at + i]);
    return v;
  };
  if (size < 16) throw corruption("{} of {} bytes", what, size);
  std::size_t segments = std::size_t{u32(0)} + 1;
  std::size_t table = (4 + 4 * segments + 7) / 8 * 8;
  if (table + 8 > size) throw corruption("{}: unexpected layout", what);
  std::uint32_t pointer = u32(table);
  if ((pointer & 3) != 0) throw corruption("{}: the root is not a struct", what);
  auto offset = static_cast<std::int32_t>(pointer) >> 2;
  DataSection d;
  d.at = table + 8 + static_cast<std::size_t>(offset) * 8;
  d.words = u32(table + 4) & 0xffff;
  if (offset < 0 || d.at + d.words * 8 > size) throw corruption("{}: unexpected layout", what);
  return d;
}

}  // namespace

void set_edge_ends(char* record, std::size_t size, NodeId from, NodeId to) {
  // EdgeRecord's from and to are data words 1 and 2 (bits [64, 192)), little-endian.
  const DataSection d = data_section(record, size, "edge record");
  if (d.words < 3) throw corruption("edge record: unexpected layout");
  for (int i = 0; i < 8; ++i) {
    record[d.at + 8 + i] = static_cast<char>(from >> (8 * i));
    record[d.at + 16 + i] = static_cast<char>(to >> (8 * i));
  }
}

std::uint32_t recorded_of(std::string_view record) {
  // `recorded` is bits [32, 64) of data word 0 in both records (schema/envelope.capnp).
  const DataSection d = data_section(record.data(), record.size(), "record");
  if (d.words < 1) return 0;
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(record[d.at + 4 + i]);
  return v;
}

void set_recorded(std::string& record, std::uint64_t commit) { set_recorded(record.data(), record.size(), commit); }

void set_recorded(char* record, std::size_t size, std::uint64_t commit) {
  if (commit > 0xffffffffu) throw invalid("commit {} is past the last commit number a record can hold (4294967295)", commit);
  const DataSection d = data_section(record, size, "record");
  if (d.words < 1) throw corruption("record: unexpected layout");
  for (int i = 0; i < 4; ++i) record[d.at + 4 + i] = static_cast<char>(commit >> (8 * i));
}

bool same_content(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const DataSection da = data_section(a.data(), a.size(), "record"), db = data_section(b.data(), b.size(), "record");
  if (da.at != db.at || da.words != db.words || da.words < 1) return a == b;
  const std::size_t hole = da.at + 4;
  return a.substr(0, hole) == b.substr(0, hole) && a.substr(hole + 4) == b.substr(hole + 4);
}

namespace {

// What the record's Properties keep: its words (the reader's copy, taken over), with its
// type and catalog. The last use of the reader.
std::shared_ptr<const detail::PropertyData> property_data(const catalog::Catalog& catalog, const catalog::TypeDef& type,
                                                          std::uint64_t id, storage::RecordReader& reader) {
  auto data = std::make_shared<detail::PropertyData>();
  data->catalog = catalog.shared_from_this();
  data->type = &type;
  data->id = id;
  data->words = reader.release();
  return data;
}

}  // namespace

Node decode_node(const catalog::Catalog& catalog, NodeId id, std::string_view bytes) {
  std::string what = fmt::format("node record {}", id);
  storage::RecordReader reader(bytes, what);
  try {
    auto r = reader.root<schema::NodeRecord>();
    const auto& type = catalog.by_tag(r.getTypeTag());
    if (type.is_edge) throw corruption("the record is damaged: it names edge type {}", type.name);
    Node n;
    n.id = id;
    n.type = type.name;
    n.key = r.getKey().cStr();
    if (n.key.empty()) throw corruption("the record is damaged: it has no key");
    n.name = r.getName().cStr();
    for (auto a : r.getAliases()) n.aliases.emplace_back(a.cStr());
    get_common(r, n.valid, n.sources);
    n.gaps = get_gaps(r);
    n.in_force_only = type.in_force_only;
    n.recorded = r.getRecorded();
    n.props = Properties(property_data(catalog, type, id, reader));
    return n;
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(what)) throw;  // already names the record
    if (e.kind() == ErrorKind::kCorruption) throw with_context(e, what);
    throw corruption("{}: {}", what, e.what());
  }
}

Edge decode_edge(const catalog::Catalog& catalog, EdgeId id, std::string_view bytes) {
  std::string what = fmt::format("edge record {}", id);
  storage::RecordReader reader(bytes, what);
  try {
    auto r = reader.root<schema::EdgeRecord>();
    const auto& type = catalog.by_tag(r.getTypeTag());
    if (!type.is_edge) throw corruption("the record is damaged: it names node type {}", type.name);
    Edge e;
    e.id = id;
    e.type = type.name;
    e.from = r.getFrom();
    e.to = r.getTo();
    if (e.from == 0 || e.to == 0) throw corruption("the record is damaged: an end is node 0");
    e.key = r.getKey().cStr();
    get_common(r, e.valid, e.sources);
    e.recorded = r.getRecorded();
    e.props = Properties(property_data(catalog, type, id, reader));
    return e;
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  } catch (const Error& e) {
    if (std::string_view(e.what()).starts_with(what)) throw;  // already names the record
    if (e.kind() == ErrorKind::kCorruption) throw with_context(e, what);
    throw corruption("{}: {}", what, e.what());
  }
}

namespace {

template <typename Text>
std::vector<std::string> folded(std::string_view name, const std::vector<Text>& aliases) {
  std::vector<std::string> out;
  std::set<std::string, std::less<>> seen;  // a set, so that 10,000 aliases take milliseconds
  auto add = [&](std::string_view s) {
    auto f = text::fold(s);
    if (!f.empty() && seen.insert(f).second) out.push_back(std::move(f));
  };
  add(name);
  for (const auto& a : aliases) add(a);
  return out;
}

}  // namespace

std::vector<std::string> folded_names(const std::string& name, const std::vector<std::string>& aliases) {
  return folded(name, aliases);
}

std::vector<std::string> folded_names(std::string_view name, const std::vector<std::string_view>& aliases) {
  return folded(name, aliases);
}

NodeHead node_head(NodeId id, std::string_view bytes) {
  std::string what = fmt::format("node record {}", id);
  storage::RecordReader reader(bytes, what);
  try {
    auto r = reader.root<schema::NodeRecord>();
    NodeHead h;
    h.tag = r.getTypeTag();
    if (r.hasValid()) {
      auto v = r.getValid();
      Interval iv;
      if (v.getFrom() != 0) iv.from = Date::from_ymd(v.getFrom());
      if (v.getTo() != 0) iv.to = Date::from_ymd(v.getTo());
      h.valid = iv;
    }
    h.gaps = get_gaps(r);
    return h;
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  }
}

std::uint32_t node_tag(NodeId id, std::string_view bytes) {
  std::string what = fmt::format("node record {}", id);
  storage::RecordReader reader(bytes, what);
  try {
    return reader.root<schema::NodeRecord>().getTypeTag();
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  }
}

std::uint32_t edge_tag(EdgeId id, std::string_view bytes) {
  std::string what = fmt::format("edge record {}", id);
  storage::RecordReader reader(bytes, what);
  try {
    return reader.root<schema::EdgeRecord>().getTypeTag();
  } catch (const kj::Exception& e) {
    throw corruption("{}: the record is damaged: {}", what, e.getDescription().cStr());
  }
}

TypeCounts read_counts(const storage::View& view) {
  TypeCounts out;
  for (auto [prefix, into] : {std::pair{keys::kNodeCountPrefix, &out.nodes}, std::pair{keys::kEdgeCountPrefix, &out.edges}}) {
    view.scan(storage::Cf::kMeta, prefix, [&, prefix = prefix, into = into](std::string_view k, std::string_view v) {
      if (k.size() == prefix.size() + 4 && v.size() == 8) {
        (*into)[coding::get_u32(k.data() + prefix.size())] = static_cast<std::int64_t>(coding::get_u64(v.data()));
      }
      return true;
    });
  }
  return out;
}

TypeCounts count_records(const storage::View& view) {
  TypeCounts out;
  view.scan(storage::Cf::kNodes, "", [&](std::string_view k, std::string_view v) {
    try {
      ++out.nodes[node_tag(k.size() == 8 ? coding::get_u64(k.data()) : 0, v)];
    } catch (const Error&) {
    }
    return true;
  });
  view.scan(storage::Cf::kEdges, "", [&](std::string_view k, std::string_view v) {
    try {
      ++out.edges[edge_tag(k.size() == 8 ? coding::get_u64(k.data()) : 0, v)];
    } catch (const Error&) {
    }
    return true;
  });
  return out;
}

void put_counts(storage::Store::Batch& batch, const TypeCounts& counts) {
  for (auto [kept, key] : {std::pair{&counts.nodes, &keys::node_count}, std::pair{&counts.edges, &keys::edge_count}}) {
    for (const auto& [tag, n] : *kept) {
      if (n <= 0) {
        batch.del(storage::Cf::kMeta, key(tag));
        continue;
      }
      std::string v;
      coding::put_u64(v, static_cast<std::uint64_t>(n));
      batch.put(storage::Cf::kMeta, key(tag), v);
    }
  }
}

}  // namespace entente::graph

namespace entente::detail {

capnp::DynamicStruct::Reader PropertyData::props(std::optional<capnp::FlatArrayMessageReader>& reader) const {
  reader.emplace(words.asPtr(), storage::RecordReader::limits(words.size()));
  if (type->is_edge) return reader->getRoot<schema::EdgeRecord>().getProps().getAs<capnp::DynamicStruct>(type->schema);
  return reader->getRoot<schema::NodeRecord>().getProps().getAs<capnp::DynamicStruct>(type->schema);
}

}  // namespace entente::detail
