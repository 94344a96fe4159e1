// entente-gen: a deterministic synthetic geopolitical graph for the benchmarks.
//
//   entente-gen --records 1000000 --seed 1 --out bench/data/1e6
//
// writes OUT/graph.jsonl (the interchange format, docs/interchange.md: it imports with
// `entente import`), OUT/csv/*.csv (one file per node and relationship table, with a
// header, for Kuzu's COPY FROM) and OUT/manifest.json (the counts). The same --records and
// --seed give the same bytes: the generator uses its own integer random numbers
// (splitmix64), never the standard library's distributions, whose output differs between
// implementations.
//
// The shape, at N records (a record is one line: a node or an edge):
//   - 200 states, each with a name, an alias and a date it came into being;
//   - persons (2% of the records), each holding one office (President, Prime Minister or
//     Foreign Minister) of one state for a spell; a state's holders of one office follow
//     each other without gaps from 1950 to 2025;
//   - treaties (1.5% of the records, at most 1,500 treaties): one in 50 multilateral with 10 to 150 members (a few very large,
//     the sizes falling off as a power law), the others bilateral; members chosen with a
//     skew towards the larger states; signed 1950-2024, in force from a few months later,
//     30% terminated; 40% carry a defense obligation (every multilateral one does); each
//     cites the generator's Document;
//   - agreements (6%), signed by two states;
//   - visits (10%), each with its VISITOR (a person) and HOST (another state);
//   - events (the rest, about 45% of the records as nodes): CAMEO-coded, each INVOLVES
//     two states (edge keys actor1, actor2), dated 1950-2025.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

namespace {

constexpr int kStates = 200;

// splitmix64: small, fast and the same everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next() % n; }
  // Uniform in [0, 1), 53 bits.
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // A state index skewed towards the low indexes (the "large" states).
  int state() { double u = unit(); return static_cast<int>(u * u * kStates); }

 private:
  std::uint64_t s_;
};

// Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
struct Ymd { int y, m, d; };
Ymd civil(std::int64_t z) {
  z += 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  auto doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  unsigned d = doy - (153 * mp + 2) / 5 + 1;
  unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int>(y + (m <= 2)), static_cast<int>(m), static_cast<int>(d)};
}
constexpr std::int64_t kDay1950 = -7305;   // 1950-01-01
constexpr std::int64_t kDay2026 = 20454;   // 2026-01-01
std::string date(std::int64_t days) {
  auto c = civil(days);
  return fmt::format("{:04}-{:02}-{:02}", c.y, c.m, c.d);
}

const char* const kSyllables[] = {"ka", "lo", "mir", "an", "de", "su", "ta", "ri", "no", "vel", "zan", "bo",
                                  "er", "il", "mar", "to", "gra", "vi", "sol", "ne", "da", "ur", "pe", "lin"};
constexpr int kSyllableCount = sizeof(kSyllables) / sizeof(kSyllables[0]);

std::string word(std::uint64_t n, int syllables) {
  std::string w;
  for (int i = 0; i < syllables; ++i) {
    w += kSyllables[n % kSyllableCount];
    n /= kSyllableCount;
  }
  w[0] = static_cast<char>(w[0] - 'a' + 'A');
  return w;
}

const char* const kOffices[] = {"President", "Prime Minister", "Foreign Minister"};
const char* const kFields[] = {"energy", "trade", "education", "health", "security", "culture", "science"};
const char* const kKinds[] = {"state visit", "official visit", "working visit", "summit"};
const char* const kCameo[] = {"010", "036", "040", "042", "043", "051", "057", "061", "111", "112", "130", "190"};

// A buffered output file.
class Out {
 public:
  explicit Out(const std::filesystem::path& path) : f_(std::fopen(path.c_str(), "wb")) {
    if (!f_) {
      fmt::print(stderr, "entente-gen: cannot write {}: {}\n", path.string(), std::strerror(errno));
      std::exit(1);
    }
    std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  }
  ~Out() {
    if (f_ && std::fclose(f_) != 0) {
      fmt::print(stderr, "entente-gen: write error: {}\n", std::strerror(errno));
      std::exit(1);
    }
  }
  template <typename... T>
  void line(fmt::format_string<T...> f, T&&... args) {
    buf_.clear();
    fmt::format_to(std::back_inserter(buf_), f, std::forward<T>(args)...);
    buf_.push_back('\n');
    if (std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size()) {
      fmt::print(stderr, "entente-gen: write error: {}\n", std::strerror(errno));
      std::exit(1);
    }
  }

 private:
  std::FILE* f_;
  std::string buf_;
};

struct Counts {
  std::uint64_t states = 0, persons = 0, treaties = 0, agreements = 0, visits = 0, events = 0, documents = 0;
  std::uint64_t holds_office = 0, party_to_treaty = 0, party_to_agreement = 0, visitor = 0, host = 0, involves = 0;
};

std::string state_key(int s) { return fmt::format("S{:03}", s); }

int usage() {
  fmt::print(stderr,
             "usage: entente-gen --records N [--seed S] --out DIR\n"
             "  writes DIR/graph.jsonl, DIR/csv/*.csv and DIR/manifest.json; N from 1000 to 10^9\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 0, seed = 1;
  std::filesystem::path out_dir;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) std::exit(usage());
      return argv[++i];
    };
    if (a == "--records") {
      records = std::strtoull(std::string(value()).c_str(), nullptr, 10);
    } else if (a == "--seed") {
      seed = std::strtoull(std::string(value()).c_str(), nullptr, 10);
    } else if (a == "--out") {
      out_dir = value();
    } else {
      return usage();
    }
  }
  if (records < 1000 || records > 1000000000ULL || out_dir.empty()) return usage();
  std::filesystem::create_directories(out_dir / "csv");

  Out jl(out_dir / "graph.jsonl");
  auto csv = [&](const char* name, const char* header) {
    auto o = std::make_unique<Out>(out_dir / "csv" / fmt::format("{}.csv", name));
    o->line("{}", header);
    return o;
  };
  auto c_state = csv("State", "key,name,alias,valid_from");
  auto c_person = csv("Person", "key,name,born");
  auto c_treaty = csv("Treaty", "key,name,signed,valid_from,valid_to,defense");
  auto c_agreement = csv("Agreement", "key,name,signed,field");
  auto c_visit = csv("Visit", "key,name,start,city,kind");
  auto c_event = csv("Event", "key,name,date,cameo,goldstein");
  auto c_holds = csv("HOLDS_OFFICE", "from,to,office,valid_from,valid_to");
  auto c_party_t = csv("PARTY_TO_Treaty", "from,to,valid_from,valid_to");
  auto c_party_a = csv("PARTY_TO_Agreement", "from,to,signed");
  auto c_visitor = csv("VISITOR", "from,to");
  auto c_host = csv("HOST", "from,to");
  auto c_involves = csv("INVOLVES", "from,to,role");

  Rng rng(seed * 0x2545f4914f6cdd1dULL + 1);
  Counts n;
  std::uint64_t written = 0;
  auto room = [&](std::uint64_t k) { return written + k <= records; };

  // The one Document the treaties cite.
  jl.line(R"({{"node":"Document","key":"bench-synthetic","name":"entente-gen synthetic data, seed {}","props":{{"publisher":"entente-gen"}}}})",
          seed);
  ++written;
  ++n.documents;

  for (int s = 0; s < kStates; ++s) {
    std::string name = word(rng.next(), 3) + (s % 3 == 0 ? " Republic" : "");
    std::string alias = word(rng.next(), 2);
    std::string from = date(kDay1950 - 365 * 130 + static_cast<std::int64_t>(rng.below(365 * 170)));
    jl.line(R"({{"node":"State","key":"{}","name":"{}","aliases":["{}"],"valid":{{"from":"{}"}},"props":{{"iso3":"{}"}}}})",
            state_key(s), name, alias, from, state_key(s));
    c_state->line("{},{},{},{}", state_key(s), name, alias, from);
    ++written;
    ++n.states;
  }

  const std::uint64_t persons = records * 2 / 100 / 2;  // each with one HOLDS_OFFICE edge
  // Treaties do not grow with event data: about 1,500 at most, as the world's alliance
  // treaties number in the low thousands (ATOP: about 750 alliances).
  const std::uint64_t treaties = std::min<std::uint64_t>(records * 15 / 1000 / 4, 1500);
  const std::uint64_t agreements = records * 6 / 100 / 3;
  const std::uint64_t visits = records * 10 / 100 / 3;

  // Persons: holders of office k of state s follow each other from 1950 to 2026.
  const std::uint64_t slots = kStates * 3;
  const std::uint64_t per_slot = persons / slots + 1;
  const std::int64_t span = kDay2026 - kDay1950;
  for (std::uint64_t p = 0; p < persons && room(2); ++p) {
    std::uint64_t slot = p % slots, turn = p / slots;
    int s = static_cast<int>(slot % kStates);
    const char* office = kOffices[slot / kStates];
    std::int64_t from = kDay1950 + static_cast<std::int64_t>(turn) * span / static_cast<std::int64_t>(per_slot);
    std::int64_t to = kDay1950 + static_cast<std::int64_t>(turn + 1) * span / static_cast<std::int64_t>(per_slot);
    std::string name = word(rng.next(), 2) + " " + word(rng.next(), 3);
    std::string born = date(from - 365 * 40 - static_cast<std::int64_t>(rng.below(365 * 25)));
    jl.line(R"({{"node":"Person","key":"p{}","name":"{}","props":{{"born":"{}"}}}})", p, name, born);
    c_person->line("p{},{},{}", p, name, born);
    bool open = turn + 1 == per_slot;
    if (open) {
      jl.line(R"({{"edge":"HOLDS_OFFICE","from":"Person:p{}","to":"State:{}","valid":{{"from":"{}"}},"props":{{"office":"{}"}}}})",
              p, state_key(s), date(from), office);
      c_holds->line("p{},{},{},{},", p, state_key(s), office, date(from));
    } else {
      jl.line(R"({{"edge":"HOLDS_OFFICE","from":"Person:p{}","to":"State:{}","valid":{{"from":"{}","to":"{}"}},"props":{{"office":"{}"}}}})",
              p, state_key(s), date(from), date(to), office);
      c_holds->line("p{},{},{},{},{}", p, state_key(s), office, date(from), date(to));
    }
    written += 2;
    ++n.persons;
    ++n.holds_office;
  }

  // Treaties with skewed membership.
  for (std::uint64_t t = 0; t < treaties && room(3); ++t) {
    bool multi = rng.below(50) == 0;
    std::uint64_t size = 2;
    if (multi) {
      double u = rng.unit();
      size = 10 + static_cast<std::uint64_t>(140 * u * u * u * u);  // a power-law tail: few large ones
    }
    if (!room(1 + size)) size = std::max<std::uint64_t>(2, records - written - 1);
    if (!room(1 + size)) break;
    std::int64_t signed_day = kDay1950 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span - 400)));
    std::int64_t in_force = signed_day + 30 + static_cast<std::int64_t>(rng.below(300));
    bool ended = rng.below(10) < 3;
    std::int64_t end = in_force + 365 + static_cast<std::int64_t>(rng.below(365 * 30));
    if (end >= kDay2026) ended = false;
    bool defense = multi || rng.below(10) < 4;
    std::string valid = ended ? fmt::format(R"({{"from":"{}","to":"{}"}})", date(in_force), date(end))
                              : fmt::format(R"({{"from":"{}"}})", date(in_force));
    std::string name = fmt::format("Treaty of {} ({})", word(rng.next(), 3), civil(signed_day).y);
    jl.line(R"({{"node":"Treaty","key":"t{}","name":"{}","valid":{},"props":{{"signed":"{}","obligations":[{}]}},"sources":[{{"doc":"bench-synthetic","locator":"t{}"}}]}})",
            t, name, valid, date(signed_day), defense ? R"("defense","consultation")" : R"("consultation")", t);
    c_treaty->line("t{},{},{},{},{},{}", t, name, date(signed_day), date(in_force), ended ? date(end) : "",
                   defense ? "true" : "false");
    ++written;
    ++n.treaties;
    std::vector<int> members;
    while (members.size() < size) {
      int s = multi ? static_cast<int>(rng.below(kStates)) : rng.state();
      bool seen = false;
      for (int m : members) seen = seen || m == s;
      if (!seen) members.push_back(s);
    }
    for (int s : members) {
      jl.line(R"({{"edge":"PARTY_TO","from":"State:{}","to":"Treaty:t{}","valid":{}}})", state_key(s), t, valid);
      c_party_t->line("{},t{},{},{}", state_key(s), t, date(in_force), ended ? date(end) : "");
      ++written;
      ++n.party_to_treaty;
    }
  }

  for (std::uint64_t a = 0; a < agreements && room(3); ++a) {
    std::int64_t day = kDay1950 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span)));
    int s1 = rng.state(), s2 = rng.state();
    if (s2 == s1) s2 = (s1 + 1 + static_cast<int>(rng.below(kStates - 1))) % kStates;
    const char* field = kFields[rng.below(sizeof(kFields) / sizeof(kFields[0]))];
    std::string name = fmt::format("{} agreement {}-{}", field, state_key(s1), state_key(s2));
    jl.line(R"({{"node":"Agreement","key":"a{}","name":"{}","props":{{"signed":"{}","field":"{}"}}}})", a, name,
            date(day), field);
    c_agreement->line("a{},{},{},{}", a, name, date(day), field);
    for (int s : {s1, s2}) {
      jl.line(R"({{"edge":"PARTY_TO","from":"State:{}","to":"Agreement:a{}","props":{{"signed":"{}"}}}})", state_key(s),
              a, date(day));
      c_party_a->line("{},a{},{}", state_key(s), a, date(day));
    }
    written += 3;
    ++n.agreements;
    n.party_to_agreement += 2;
  }

  for (std::uint64_t v = 0; v < visits && room(3) && persons > 0; ++v) {
    std::uint64_t p = rng.below(persons);
    int home = static_cast<int>(p % slots % kStates);
    int host = rng.state();
    if (host == home) host = (home + 1) % kStates;
    std::int64_t day = kDay1950 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span)));
    const char* kind = kKinds[rng.below(4)];
    std::string city = word(rng.next(), 2);
    std::string name = fmt::format("Visit of p{} to {}", p, state_key(host));
    jl.line(R"({{"node":"Visit","key":"v{}","name":"{}","props":{{"start":"{}","city":"{}","kind":"{}"}}}})", v, name,
            date(day), city, kind);
    jl.line(R"({{"edge":"VISITOR","from":"Visit:v{}","to":"Person:p{}"}})", v, p);
    jl.line(R"({{"edge":"HOST","from":"Visit:v{}","to":"State:{}"}})", v, state_key(host));
    c_visit->line("v{},{},{},{},{}", v, name, date(day), city, kind);
    c_visitor->line("v{},p{}", v, p);
    c_host->line("v{},{}", v, state_key(host));
    written += 3;
    ++n.visits;
    ++n.visitor;
    ++n.host;
  }

  // Events fill the rest: a node and up to two INVOLVES edges.
  for (std::uint64_t e = 0; written < records; ++e) {
    std::int64_t day = kDay1950 + static_cast<std::int64_t>(rng.below(static_cast<std::uint64_t>(span)));
    int s1 = rng.state(), s2 = rng.state();
    if (s2 == s1) s2 = (s1 + 1) % kStates;
    const char* cameo = kCameo[rng.below(sizeof(kCameo) / sizeof(kCameo[0]))];
    int g = static_cast<int>(rng.below(201)) - 100;
    std::string goldstein = fmt::format("{}{}.{}", g < 0 ? "-" : "", std::abs(g) / 10, std::abs(g) % 10);
    std::string name = fmt::format("{} {} {}", state_key(s1), cameo, state_key(s2));
    jl.line(R"({{"node":"Event","key":"e{}","name":"{}","props":{{"date":"{}","cameo":"{}","goldstein":{}}}}})", e,
            name, date(day), cameo, goldstein);
    c_event->line("e{},{},{},{},{}", e, name, date(day), cameo, goldstein);
    ++written;
    ++n.events;
    const char* roles[] = {"actor1", "actor2"};
    int ends[] = {s1, s2};
    for (int i = 0; i < 2 && written < records; ++i) {
      jl.line(R"({{"edge":"INVOLVES","from":"Event:e{}","to":"State:{}","key":"{}","props":{{"role":"{}"}}}})", e,
              state_key(ends[i]), roles[i], roles[i]);
      c_involves->line("e{},{},{}", e, state_key(ends[i]), roles[i]);
      ++written;
      ++n.involves;
    }
  }

  Out manifest(out_dir / "manifest.json");
  manifest.line(
      R"({{"records":{},"seed":{},"nodes":{{"Document":{},"State":{},"Person":{},"Treaty":{},"Agreement":{},"Visit":{},"Event":{}}},)"
      R"("edges":{{"HOLDS_OFFICE":{},"PARTY_TO_Treaty":{},"PARTY_TO_Agreement":{},"VISITOR":{},"HOST":{},"INVOLVES":{}}}}})",
      records, seed, n.documents, n.states, n.persons, n.treaties, n.agreements, n.visits, n.events, n.holds_office,
      n.party_to_treaty, n.party_to_agreement, n.visitor, n.host, n.involves);
  return 0;
}
