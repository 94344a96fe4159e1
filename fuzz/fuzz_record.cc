// Fuzzes the record decoder (lib/graph/records.h): graph::decode_node, decode_edge and
// node_tag on arbitrary bytes, as if a stored record were damaged, with the built-in
// catalog. Invariant: only entente::Error escapes (kCorruption), never a crash, a
// sanitizer report or another exception; a record that decodes encodes and decodes
// again to the same node or edge. Properties are read in place (entente::Properties), so
// a damaged property shows when it is read, not at decode: every property is read
// through its typed getter and through to_json(), and may fail only with kCorruption.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/catalog.h"
#include "entente/entente.h"
#include "fuzz_util.h"
#include "graph/records.h"
#include "stored_validity.h"

namespace {

using namespace entente;

const catalog::Catalog& builtin() {
  static auto c = catalog::Catalog::builtin();
  return *c;
}

// Reads every property of a view the way a caller would: its kind, then the typed getter for
// that kind, then the whole view as JSON. Returns the JSON, or nullopt when the record's
// properties are damaged (which must be reported as kCorruption).
std::optional<nlohmann::ordered_json> read_all(const Properties& props) {
  try {
    for (const auto& name : props.names()) {
      switch (props.kind(name)) {
        case PropertyKind::kText: (void)props.text(name); break;
        case PropertyKind::kInteger: (void)props.integer(name); break;
        case PropertyKind::kNumber: (void)props.number(name); break;
        case PropertyKind::kBool: (void)props.boolean(name); break;
        case PropertyKind::kDate: (void)props.date(name); break;
        default: (void)props.json(name); break;  // lists and structures
      }
    }
    return props.to_json();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kCorruption) std::fprintf(stderr, "%s\n", e.what());
    FUZZ_CHECK(e.kind() == ErrorKind::kCorruption);
    return std::nullopt;
  }
}

void check_node(const catalog::Catalog& cat, std::string_view bytes) {
  Node n;
  try {
    n = graph::decode_node(cat, 7, bytes);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kCorruption);
    return;
  }
  // (The type may be an edge type: decode_node does not check the kind of its tag.)
  FUZZ_CHECK(n.id == 7 && cat.find(n.type));
  // What decodes can be written back (unless it breaks a rule of writing), and reads the same.
  auto props = read_all(n.props);
  if (!props) return;
  NodeInput in{n.type, n.key, n.name, n.aliases, n.valid, *props, n.sources, n.gaps};
  std::string again;
  try {
    again = graph::encode_node(*cat.find(n.type), in);
  } catch (const Error& e) {
    return;
  }
  Node m = graph::decode_node(cat, 7, again);
  FUZZ_CHECK(m.key == n.key && m.name == n.name && m.aliases == n.aliases);
  FUZZ_CHECK(m.valid == stored_validity(cat.find(n.type), n.valid, n.props));
  FUZZ_CHECK(m.sources == n.sources && m.props == n.props);
}

void check_edge(const catalog::Catalog& cat, std::string_view bytes) {
  Edge e;
  try {
    e = graph::decode_edge(cat, 9, bytes);
  } catch (const Error& err) {
    FUZZ_CHECK(err.kind() == ErrorKind::kCorruption);
    return;
  }
  FUZZ_CHECK(e.id == 9 && cat.find(e.type));
  auto props = read_all(e.props);
  if (!props) return;
  EdgeInput in{e.type, {}, {}, e.key, e.valid, *props, e.sources};
  std::string again;
  try {
    again = graph::encode_edge(*cat.find(e.type), e.from, e.to, in);
  } catch (const Error&) {
    return;
  }
  Edge f = graph::decode_edge(cat, 9, again);
  FUZZ_CHECK(f.from == e.from && f.to == e.to && f.key == e.key && f.valid == e.valid);
  FUZZ_CHECK(f.sources == e.sources && f.props == e.props);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto& cat = builtin();
  check_node(cat, bytes);
  check_edge(cat, bytes);
  try {
    graph::node_tag(7, bytes);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kCorruption);
  }
  return 0;
}
