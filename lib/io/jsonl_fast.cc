// The interchange format's fast reader for the bulk load (io/jsonl_fast.h): a line parsed
// by simdjson (its DOM parser, which picks the fastest kernel this processor has at run
// time) into views (graph/records.h, NodeView and EdgeView), with no nlohmann document
// and no copies of its strings. The catalog reads the properties straight into the
// record (catalog::props_from_json_dom).
//
// It reads what nearly every line is. It declines (returns false) anything else and
// anything parse_line would refuse or read differently: a null, a repeated field, an
// unknown one, a value of another type, bad JSON. The bulk load then parses that line
// with parse_line, which gives the exact error or reading. tests/io/jsonl_fast_test.cc
// checks that what both accept encodes to the same bytes.
#include "io/jsonl_fast.h"

#include <simdjson.h>

#include "entente/interchange.h"

namespace entente {
namespace fast_line {
namespace {

namespace dom = simdjson::dom;

bool string_of(const dom::element& v, std::string_view& out) { return !v.get_string().get(out); }

// "Type:key", as NodeRef::parse splits it.
bool ref_of(const dom::element& v, graph::RefView& out) {
  std::string_view s;
  if (!string_of(v, s)) return false;
  auto colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  out.type = s.substr(0, colon);
  out.key = s.substr(colon + 1);
  return true;
}

bool valid_of(const dom::element& v, std::optional<Interval>& out) {
  dom::object obj;
  if (v.get_object().get(obj)) return false;
  Interval iv;
  bool from = false, to = false;
  for (dom::key_value_pair field : obj) {
    bool is_from = field.key == "from";
    if (!is_from && field.key != "to") return false;
    bool& seen = is_from ? from : to;
    if (seen) return false;
    seen = true;
    std::string_view text;
    if (!string_of(field.value, text)) return false;  // a null too: the long way
    try {
      (is_from ? iv.from : iv.to) = Date::parse(text);
    } catch (const std::exception&) {
      return false;
    }
  }
  out = iv;
  return true;
}

bool aliases_of(const dom::element& v, std::vector<std::string_view>& out) {
  dom::array items;
  if (v.get_array().get(items)) return false;
  for (dom::element item : items) {
    std::string_view s;
    if (!string_of(item, s)) return false;
    out.push_back(s);
  }
  return true;
}

bool sources_of(const dom::element& v, std::vector<graph::CitationView>& out) {
  dom::array items;
  if (v.get_array().get(items)) return false;
  for (dom::element item : items) {
    dom::object obj;
    if (item.get_object().get(obj)) return false;
    graph::CitationView c;
    unsigned seen = 0;
    for (dom::key_value_pair field : obj) {
      unsigned bit = field.key == "doc" ? 1 : field.key == "locator" ? 2 : field.key == "quote" ? 4 : 0;
      if (bit == 0 || (seen & bit)) return false;
      seen |= bit;
      std::string_view& slot = bit == 1 ? c.doc : bit == 2 ? c.locator : c.quote;
      if (!string_of(field.value, slot)) return false;
    }
    if (!(seen & 1)) return false;
    out.push_back(c);
  }
  return true;
}

// The envelope's fields, one bit each.
constexpr unsigned kNode = 1 << 0, kEdge = 1 << 1, kKey = 1 << 2, kName = 1 << 3, kAliases = 1 << 4,
                   kValid = 1 << 5, kProps = 1 << 6, kSources = 1 << 7, kFrom = 1 << 8, kTo = 1 << 9;

unsigned field_of(std::string_view name) {
  if (name.empty()) return 0;
  switch (name[0]) {
    case 'n': return name == "node" ? kNode : name == "name" ? kName : 0;
    case 'e': return name == "edge" ? kEdge : 0;
    case 'k': return name == "key" ? kKey : 0;
    case 'a': return name == "aliases" ? kAliases : 0;
    case 'v': return name == "valid" ? kValid : 0;
    case 'p': return name == "props" ? kProps : 0;
    case 's': return name == "sources" ? kSources : 0;
    case 'f': return name == "from" ? kFrom : 0;
    case 't': return name == "to" ? kTo : 0;
    default: return 0;
  }
}

class FastLineReader final : public graph::LineReader {
 public:
  bool read(std::string_view line, std::size_t capacity, graph::LineView& out) override {
    out.node.clear();
    out.edge.clear();
    if (capacity < line.size() + simdjson::SIMDJSON_PADDING) return false;
    dom::element root;
    if (parser_.parse(line.data(), line.size(), false).get(root)) return false;
    dom::object obj;
    if (root.get_object().get(obj)) return false;
    unsigned seen = 0;
    std::string_view type, key, name;
    std::optional<Interval> valid;
    for (dom::key_value_pair field : obj) {
      unsigned f = field_of(field.key);
      if (f == 0 || (seen & f)) return false;
      seen |= f;
      const dom::element& v = field.value;
      bool ok = true;
      switch (f) {
        case kNode:
        case kEdge: ok = string_of(v, type); break;
        case kKey: ok = string_of(v, key); break;
        case kName: ok = string_of(v, name); break;
        case kAliases: ok = aliases_of(v, out.node.aliases); break;
        case kValid: ok = valid_of(v, valid); break;
        case kSources: ok = sources_of(v, out.node.sources); break;
        case kFrom: ok = ref_of(v, out.edge.from); break;
        case kTo: ok = ref_of(v, out.edge.to); break;
        case kProps:
          props_ = v;
          ok = v.type() == dom::element_type::OBJECT;
          break;
        default: ok = false;
      }
      if (!ok) return false;
    }
    const dom::element* props = (seen & kProps) ? &props_ : nullptr;
    if ((seen & kNode) && !(seen & kEdge)) {
      if ((seen & (kFrom | kTo)) || !(seen & kKey)) return false;
      out.is_node = true;
      auto& n = out.node;
      n.type = type;
      n.key = key;
      n.name = name;
      n.valid = valid;
      n.props = props;
      return true;
    }
    if ((seen & kEdge) && !(seen & kNode)) {
      if ((seen & (kName | kAliases)) || (seen & (kFrom | kTo)) != (kFrom | kTo)) return false;
      out.is_node = false;
      auto& e = out.edge;
      e.type = type;
      e.key = key;
      e.valid = valid;
      e.props = props;
      e.sources.swap(out.node.sources);
      return true;
    }
    return false;
  }

 private:
  dom::parser parser_;
  dom::element props_;
};

}  // namespace
}  // namespace fast_line

std::unique_ptr<graph::LineReader> make_fast_line_reader() { return std::make_unique<fast_line::FastLineReader>(); }

}  // namespace entente
