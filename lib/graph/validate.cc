#include "graph/validate.h"

#include <algorithm>
#include <type_traits>

#include "common/error.h"
#include "common/text.h"

namespace entente::graph {
namespace {

// Limits on the size of what one node or edge holds (docs/interchange.md, "Limits"). They
// keep records, index entries, error messages and "did you mean" suggestions small.
constexpr std::size_t kMaxKeyBytes = 1024;   // keys, types, cited documents' keys
constexpr std::size_t kMaxNameBytes = 4096;  // a name, an alias, a locator
constexpr std::size_t kMaxAliases = 10000;
constexpr std::size_t kMaxGaps = 10000;
constexpr std::size_t kMaxCitations = 10000;

void check_size(std::string_view what, std::string_view s, std::size_t limit) {
  if (s.size() > limit) {
    throw invalid("{} is longer than the limit of {} ({} bytes)", what, text::human_size(limit), s.size());
  }
}

void check_count(std::string_view what, std::size_t n, std::size_t limit) {
  if (n > limit) throw invalid("too many {}: {} (the limit is {})", what, n, limit);
}

// utf8_known: the text comes from a line simdjson parsed (a view), which it checked is
// UTF-8 throughout, escapes included; otherwise it is checked here.
void check_text(std::string_view what, std::string_view s, bool allow_empty, std::size_t limit, bool utf8_known = false) {
  check_size(what, s, limit);
  if (!allow_empty && s.empty()) throw invalid("{} must not be empty", what);
  if (!utf8_known && !text::valid_utf8(s)) throw invalid("{} is not valid UTF-8", what);
  if (text::has_control(s)) throw invalid("{} must not hold control characters", what);
}

void check_interval(const std::optional<Interval>& valid) {
  if (valid && valid->empty()) {
    throw invalid("valid: 'to' ({}) must be after 'from' ({})", valid->to->str(), valid->from->str());
  }
}

// A node's gaps: each bounded and holding a day, in order and apart (a gap touching the next
// would be one gap), strictly inside valid (so that valid stays the hull of the spells).
void check_gaps(const std::optional<Interval>& valid, const std::vector<Interval>& gaps) {
  if (gaps.empty()) return;
  if (!valid) throw invalid("gaps: a node with gaps needs a validity");
  check_count("gaps", gaps.size(), kMaxGaps);
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    const Interval& g = gaps[i];
    if (!g.from || !g.to) throw invalid("gaps[{}]: a gap needs both 'from' and 'to'", i);
    if (g.empty()) throw invalid("gaps[{}]: 'to' ({}) must be after 'from' ({})", i, g.to->str(), g.from->str());
    if (i > 0 && !before(*gaps[i - 1].to, *g.from)) {
      throw invalid("gaps[{}]: {} must begin after gaps[{}] ends ({})", i, g.str(), i - 1, gaps[i - 1].to->str());
    }
  }
  if (valid->from && !before(*valid->from, *gaps.front().from)) {
    throw invalid("gaps[0]: {} must begin after valid.from ({})", gaps.front().str(), valid->from->str());
  }
  if (valid->to && !before(*gaps.back().to, *valid->to)) {
    throw invalid("gaps[{}]: {} must end before valid.to ({})", gaps.size() - 1, gaps.back().str(), valid->to->str());
  }
}

// The checks, on NodeInput and EdgeInput and on their views (graph/records.h) alike.
template <typename Sources>
void citations(const Sources& sources) {
  check_count("sources", sources.size(), kMaxCitations);
  for (const auto& c : sources) {
    check_text("sources: doc", c.doc, false, kMaxKeyBytes);
    check_text("sources: locator", c.locator, true, kMaxNameBytes);
    // A quote may hold newlines, but not NUL: it is stored as Cap'n Proto Text, which
    // reads back only up to the first NUL.
    if (!text::valid_utf8(c.quote)) throw invalid("sources: quote is not valid UTF-8");
    if (c.quote.find('\0') != std::string::npos) throw invalid("sources: quote must not hold NUL characters");
  }
}

// Views (graph/records.h) hold text from lines simdjson parsed, and so checked as UTF-8.
template <typename In>
constexpr bool kUtf8Known = std::is_same_v<In, NodeView> || std::is_same_v<In, EdgeView>;

template <typename In>
const catalog::TypeDef& node(const catalog::Catalog& catalog, const In& in) {
  check_size("node type", in.type, kMaxKeyBytes);
  const auto* type = catalog.find(in.type);
  if (!type || type->is_edge) {
    throw invalid("unknown node type '{}'{}", in.type, text::did_you_mean(in.type, catalog.names(false)));
  }
  check_text("key", in.key, false, kMaxKeyBytes, kUtf8Known<In>);
  check_text("name", in.name, true, kMaxNameBytes, kUtf8Known<In>);
  check_count("aliases", in.aliases.size(), kMaxAliases);
  for (const auto& a : in.aliases) check_text("alias", a, false, kMaxNameBytes, kUtf8Known<In>);
  check_interval(in.valid);
  if constexpr (requires { in.gaps; }) check_gaps(in.valid, in.gaps);
  citations(in.sources);
  return *type;
}

template <typename In>
const catalog::TypeDef& edge(const catalog::Catalog& catalog, const In& in) {
  check_size("edge type", in.type, kMaxKeyBytes);
  const auto* type = catalog.find(in.type);
  if (!type || !type->is_edge) {
    throw invalid("unknown edge type '{}'{}", in.type, text::did_you_mean(in.type, catalog.names(true)));
  }
  check_text("key", in.key, true, kMaxKeyBytes, kUtf8Known<In>);
  check_interval(in.valid);
  auto end = [&](const auto& ref, const std::vector<std::string>& allowed, const char* side) {
    if (ref.type.size() > kMaxKeyBytes) check_size(fmt::format("{}: node type", side), ref.type, kMaxKeyBytes);
    if (ref.key.size() > kMaxKeyBytes) check_size(fmt::format("{}: key", side), ref.key, kMaxKeyBytes);
    const auto* t = catalog.find(ref.type);
    if (!t || t->is_edge) {
      throw invalid("{}: unknown node type '{}'{}", side, ref.type, text::did_you_mean(ref.type, catalog.names(false)));
    }
    if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), ref.type) == allowed.end()) {
      throw invalid("{}: {}:{} cannot be the {} end of {} (allowed: {})", side, ref.type, ref.key, side, in.type,
                    fmt::join(allowed, ", "));
    }
  };
  end(in.from, type->from, "from");
  end(in.to, type->to, "to");
  citations(in.sources);
  return *type;
}

}  // namespace

void check_citations(const std::vector<Citation>& sources) { citations(sources); }
const catalog::TypeDef& check_node(const catalog::Catalog& catalog, const NodeInput& in) { return node(catalog, in); }
const catalog::TypeDef& check_node(const catalog::Catalog& catalog, const NodeView& in) { return node(catalog, in); }
const catalog::TypeDef& check_edge(const catalog::Catalog& catalog, const EdgeInput& in) { return edge(catalog, in); }
const catalog::TypeDef& check_edge(const catalog::Catalog& catalog, const EdgeView& in) { return edge(catalog, in); }

}  // namespace entente::graph
