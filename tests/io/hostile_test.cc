// Hostile input: each is refused with a clear error, in bounded memory and time, and a
// file holding it changes nothing stored (docs/interchange.md, "Limits").
#include <sys/resource.h>

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <streambuf>

#include "catalog/catalog.h"
#include "cli/run.h"
#include "entente/entente.h"
#include "graph/records.h"
#include "test_util.h"

using namespace entente;

namespace {

std::string parse_error(const std::string& line) {
  try {
    parse_line(line);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    return e.what();
  }
  return "no error";
}

// The error of writing one line (parsed, then put into a transaction that is rolled back).
std::string put_error(Database& db, const std::string& line) {
  auto txn = db.begin();
  try {
    auto parsed = parse_line(line);
    if (auto* n = std::get_if<NodeInput>(&parsed)) {
      txn->put_node(*n);
    } else {
      txn->put_edge(std::get<EdgeInput>(parsed));
    }
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

std::string node_error(Database& db, const NodeInput& in) {
  auto txn = db.begin();
  try {
    txn->put_node(in);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    return e.what();
  }
  return "no error";
}

std::string edge_error(Database& db, const EdgeInput& in) {
  auto txn = db.begin();
  try {
    txn->put_edge(in);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

// A database holding the small test data set.
struct Loaded {
  test::TempDir dir;
  std::unique_ptr<Database> db = Database::open(dir / "db");
  std::string before;
  Loaded() {
    test::load(*db, test::kSmallData);
    before = test::dump_of(*db);
  }

  // Imports `text` as a file; returns the error, and checks that nothing changed.
  std::string import_error(const std::string& text, ImportOptions options = {}) {
    auto file = dir / "hostile.jsonl";
    test::write_file(file, text);
    std::string what = "no error";
    try {
      import_files(*db, {file}, options);
    } catch (const Error& e) {
      what = e.what();
      CHECK_THAT(what, Catch::StartsWith(file.string() + ":"));
    }
    CHECK(test::dump_of(*db) == before);
    return what;
  }
};

// An input stream of `size` bytes of 'x' (no newline), made up as it is read, that counts
// the bytes handed out: it shows how much of a huge line the reader took.
class XStream : public std::streambuf {
 public:
  explicit XStream(std::uint64_t size) : left_(size), buf_(4096, 'x') {}
  std::uint64_t handed_out() const { return handed_out_; }

 protected:
  int_type underflow() override {
    if (left_ == 0) return traits_type::eof();
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left_, buf_.size()));
    left_ -= n;
    handed_out_ += n;
    setg(buf_.data(), buf_.data(), buf_.data() + n);
    return traits_type::to_int_type(buf_[0]);
  }

 private:
  std::uint64_t left_;
  std::uint64_t handed_out_ = 0;
  std::string buf_;
};

std::string node_line(const std::string& key, const std::string& rest = "") {
  return R"({"node":"State","key":")" + key + "\"" + rest + "}";
}

}  // namespace

// ---- Line length

TEST_CASE("a line longer than the limit is refused with its number, and changes nothing", "[hostile]") {
  Loaded l;
  ImportOptions small;
  small.max_line_bytes = 1024;
  std::string line = node_line("LONG", R"(,"props":{"capital":")" + std::string(2000, 'c') + "\"}");
  CHECK_THAT(l.import_error(node_line("OK") + "\n" + line + "\n", small),
             Catch::EndsWith(":2: line 2 is longer than the limit of 1 KiB"));
  CHECK_THAT(l.import_error(node_line("OK") + "\n" + line, small),
             Catch::EndsWith(":2: line 2 is longer than the limit of 1 KiB"));
  // The default limit is 64 MiB.
  CHECK(ImportOptions{}.max_line_bytes == std::size_t{64} << 20);
  CHECK(kMaxLineBytes == std::size_t{64} << 20);
}

TEST_CASE("a line exactly at the limit is read, one byte more is not", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  std::string line = node_line("X");
  std::istringstream in(line + "\r\n" + line + "\n");
  auto txn = db->begin();
  CHECK(import_jsonl(*txn, in, "s", {}, line.size() + 1).lines == 2);  // "\r" counts
  std::istringstream in2(line + "\r\n");
  try {
    import_jsonl(*txn, in2, "s", {}, line.size());
    FAIL("the line was read");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == fmt::format("s:1: line 1 is longer than the limit of {} bytes", line.size()));
  }
}

TEST_CASE("lines longer than the reader's buffer are read whole", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  // Lines whose lengths are on either side of the 64 KiB read buffer, and one without a
  // final newline.
  std::string text;
  std::vector<std::size_t> sizes = {65534, 65535, 65536, 65537, 131071, 131072, 131073, 200000};
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    std::string head = R"({"node":"State","key":"K)" + std::to_string(i) + R"(","props":{"capital":")";
    std::string tail = "\"}}";
    REQUIRE(sizes[i] > head.size() + tail.size());
    text += head + std::string(sizes[i] - head.size() - tail.size(), 'c') + tail;
    if (i + 1 < sizes.size()) text += "\n";
  }
  std::istringstream in(text);
  auto txn = db->begin();
  auto stats = import_jsonl(*txn, in, "s");
  CHECK(stats.lines == sizes.size());
  CHECK(stats.nodes == sizes.size());
  for (std::size_t i = 0; i < sizes.size(); ++i) {
    auto n = txn->node({"State", "K" + std::to_string(i)});
    REQUIRE(n);
    CHECK(to_line(*n).size() == sizes[i]);
  }
}

TEST_CASE("a huge line is refused after reading little more than the limit", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  XStream source(std::uint64_t{1} << 40);  // a 1 TiB line
  std::istream in(&source);
  auto txn = db->begin();
  try {
    import_jsonl(*txn, in, "<stdin>", {}, std::size_t{1} << 20);
    FAIL("the line was read");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "<stdin>:1: line 1 is longer than the limit of 1 MiB");
    CHECK(e.kind() == ErrorKind::kInvalid);
  }
  CHECK(source.handed_out() <= (std::uint64_t{1} << 20) + 2 * 65536);
}

TEST_CASE("entente import refuses a 1 GiB line on standard input at once, in bounded memory", "[hostile][cli]") {
  test::TempDir dir;
  auto good = dir / "good.jsonl";
  test::write_file(good, test::kSmallData);
  auto db = dir / "db";
  REQUIRE(test::entente_cmd(dir, "import -q --db '" + db.string() + "' '" + good.string() + "'").status == 0);
  auto dump_before = test::entente_cmd(dir, "dump --db '" + db.string() + "'").out;

  auto err = dir / "err.txt";
  std::string cmd = "head -c 1073741824 /dev/zero | tr '\\0' x | '" + std::string(ENTENTE_BIN) + "' import --db '" +
                    db.string() + "' - 2>'" + err.string() + "'";
  auto start = std::chrono::steady_clock::now();
  int raw = std::system(cmd.c_str());
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  WARN(fmt::format("1 GiB line refused in {:.1f} s", seconds));  // reported, not asserted
  REQUIRE(WIFEXITED(raw));
  CHECK(WEXITSTATUS(raw) == 1);
  CHECK(test::read_file(err) == "entente: <stdin>:1: line 1 is longer than the limit of 64 MiB\n");
  // The largest child so far (this one) never held the line: far below 1 GiB.
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  CHECK(usage.ru_maxrss < 768 * 1024);  // KiB
  CHECK(test::entente_cmd(dir, "dump --db '" + db.string() + "'").out == dump_before);
}

// ---- Nesting

TEST_CASE("JSON nested deeper than 64 levels is refused before it is parsed", "[hostile]") {
  CHECK(parse_error(std::string(100000, '[')) == "JSON nested deeper than the limit of 64 levels (at column 65)");
  CHECK(parse_error(std::string(100000, '[') + std::string(100000, ']')) ==
        "JSON nested deeper than the limit of 64 levels (at column 65)");
  CHECK_THAT(parse_error(R"({"node":"State","key":"X","props":{"capital":)" + std::string(100000, '{')),
             Catch::StartsWith("JSON nested deeper than the limit of 64 levels"));
  // 64 levels are parsed (and refused when written, for what they hold); 65 are not.
  auto nested = [](int n) {
    return R"({"node":"State","key":"X","props":{"capital":)" + std::string(n, '[') + std::string(n, ']') + "}}";
  };
  CHECK(parse_error(nested(62)) == "no error");
  CHECK(parse_error(nested(63)) == "JSON nested deeper than the limit of 64 levels (at column 108)");
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(put_error(*db, nested(62)) == "property 'capital': expected a string, got an array");
  // Brackets in strings, escaped quotes included, do not count.
  std::string brackets = std::string(1000, '[') + "\\\"" + std::string(1000, '{');
  auto v = parse_line(node_line("X", R"(,"name":")" + brackets + "\""));
  CHECK(std::get<NodeInput>(v).name == std::string(1000, '[') + "\"" + std::string(1000, '{'));
  Loaded l;
  CHECK_THAT(l.import_error(node_line("OK") + "\n" + std::string(100000, '[') + "\n"),
             Catch::EndsWith(":2: JSON nested deeper than the limit of 64 levels (at column 65)"));
}

// ---- Encoding, NUL and control characters

TEST_CASE("ill-formed UTF-8 is refused wherever it is", "[hostile]") {
  for (std::string bad : {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82", "a\x80"}) {
    INFO(bad);
    CHECK_THAT(parse_error(node_line(bad)), Catch::Contains("malformed JSON") && Catch::Contains("UTF-8"));
    CHECK_THAT(parse_error(node_line("X", R"(,"name":")" + bad + "\"")), Catch::Contains("malformed JSON"));
    CHECK_THAT(parse_error(node_line("X", R"(,"props":{"capital":")" + bad + "\"}")),
               Catch::Contains("malformed JSON"));
  }
  // A lone surrogate escape is not a character.
  CHECK_THAT(parse_error(node_line("\\ud800")), Catch::Contains("malformed JSON") && Catch::Contains("surrogate"));
  // Through the API, where no JSON parser checks first.
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(node_error(*db, {.type = "State", .key = "\xff"}) == "key is not valid UTF-8");
  CHECK(node_error(*db, {.type = "State", .key = "X", .name = "\xc0\x80"}) == "name is not valid UTF-8");
  CHECK(node_error(*db, {.type = "State", .key = "X", .aliases = {"ok", "\xed\xa0\x80"}}) ==
        "alias is not valid UTF-8");
}

TEST_CASE("NUL bytes are refused, raw or escaped", "[hostile]") {
  using namespace std::string_literals;
  // Raw, in a string and between values.
  CHECK_THAT(parse_error(node_line("A\0B"s)), Catch::Contains("malformed JSON") && Catch::Contains("NUL"));
  CHECK_THAT(parse_error("{\"node\":\"State\",\0\"key\":\"X\"}"s), Catch::Contains("malformed JSON"));
  CHECK_THAT(parse_error("\0"s), Catch::Contains("malformed JSON"));
  // Escaped: parsed, then refused when written.
  Loaded l;
  CHECK(put_error(*l.db, node_line("A\\u0000B")) == "key must not hold control characters");
  CHECK(put_error(*l.db, node_line("X", R"(,"name":"A\u0000B")")) == "name must not hold control characters");
  CHECK(put_error(*l.db, node_line("X", R"(,"aliases":["A\u0000"])")) == "alias must not hold control characters");
  CHECK(put_error(*l.db, node_line("X", R"(,"props":{"capital":"A\u0000"})")) ==
        "property 'capital': text must not hold NUL characters");
  CHECK(put_error(*l.db, node_line("X", R"(,"sources":[{"doc":"brief","quote":"A\u0000B"}])")) ==
        "sources: quote must not hold NUL characters");
  CHECK(put_error(*l.db, R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:signed-only","key":"\u0000"})") ==
        "key must not hold control characters");
  // A whole file with a raw NUL changes nothing.
  CHECK_THAT(l.import_error(node_line("OK") + "\n" + node_line("A\0B"s) + "\n"), Catch::Contains(":2: malformed JSON"));
}

TEST_CASE("control characters are refused in keys, names, aliases and citations", "[hostile]") {
  Loaded l;
  for (std::string c : {"\\u0001", "\\n", "\\t", "\\r", "\\u001f", "\\u007f", "\\u001b[31m"}) {
    INFO(c);
    CHECK(put_error(*l.db, node_line("A" + c)) == "key must not hold control characters");
    CHECK(put_error(*l.db, node_line("X", R"(,"name":"A)" + c + "\"")) == "name must not hold control characters");
    CHECK(put_error(*l.db, node_line("X", R"(,"aliases":["A)" + c + "\"]")) ==
          "alias must not hold control characters");
    CHECK(put_error(*l.db, node_line("X", R"(,"sources":[{"doc":"brief","locator":")" + c + "\"}]")) ==
          "sources: locator must not hold control characters");
    CHECK(put_error(*l.db, R"({"edge":"PARTY_TO","from":"State:PRK","to":"Treaty:signed-only","key":")" + c + "\"}") ==
          "key must not hold control characters");
  }
  // A raw control character in a JSON string is malformed JSON.
  CHECK_THAT(parse_error(node_line("A\x01")), Catch::Contains("malformed JSON"));
  // Newlines and tabs are allowed in Text properties and in quotes.
  CHECK(put_error(*l.db,
                  node_line("X", R"(,"props":{"capital":"a\nb\tc"},"sources":[{"doc":"brief","quote":"a\nb"}])")) ==
        "no error");
}

// ---- Sizes and counts

TEST_CASE("a million aliases are refused, naming the limit", "[hostile]") {
  Loaded l;
  auto aliases = [](int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += fmt::format("{}\"a{}\"", i ? "," : "", i);
    return out;
  };
  // In a line, a million values are refused before they are parsed.
  CHECK_THAT(l.import_error(node_line("X", R"(,"aliases":[)" + aliases(1000000) + "]") + "\n"),
             Catch::Contains(":1: more JSON values than the limit of 1000000 (at column "));
  CHECK_THAT(l.import_error(node_line("X", R"(,"aliases":[)" + aliases(10001) + "]") + "\n"),
             Catch::EndsWith(":1: too many aliases: 10001 (the limit is 10000)"));
  // Through the API.
  NodeInput n{.type = "State", .key = "X"};
  for (int i = 0; i < 1000000; ++i) n.aliases.push_back(fmt::format("a{}", i));
  CHECK(node_error(*l.db, n) == "too many aliases: 1000000 (the limit is 10000)");
  // 10,000 are accepted, and found.
  n.aliases.resize(10000);
  auto txn = l.db->begin();
  txn->put_node(n);
  CHECK(txn->find("A9999").size() == 1);
}

TEST_CASE("a line of more than a million JSON values is refused before it is parsed", "[hostile]") {
  std::string many = "[";
  for (int i = 0; i < 1000000; ++i) many += "1,";
  CHECK(parse_error(many + "1]") == "more JSON values than the limit of 1000000 (at column 2000001)");
  CHECK(parse_error(std::string(2000000, ',')) == "more JSON values than the limit of 1000000 (at column 1000001)");
  // Commas in strings do not count.
  std::string name(2000000, ',');
  CHECK(std::get<NodeInput>(parse_line(node_line("X", R"(,"name":")" + name + "\""))).name == name);
}

TEST_CASE("a line of many objects, or of an object with many fields, parses in time in proportion to it", "[hostile]") {
  // nlohmann's callback parser scanned the array again as each object in it ended, and
  // ordered_json searched the fields before each new one: both quadratic (a line of 500,000
  // objects ran for 8 minutes before it was stopped). No timing assertion: without the fix,
  // this case takes minutes instead of a second.
  std::string articles;
  for (int i = 0; i < 50000; ++i) articles += i ? ",{}" : "{}";
  auto v = parse_line(R"({"node":"Treaty","key":"t","props":{"articles":[)" + articles + "]}}");
  CHECK(std::get<NodeInput>(v).props["articles"].size() == 50000);
  std::string fields;
  for (int i = 0; i < 50000; ++i) fields += fmt::format("{}\"k{:06}\":{}", i ? "," : "", i, i);
  auto w = parse_line(node_line("X", R"(,"props":{)" + fields + "}"));
  const auto& props = std::get<NodeInput>(w).props;
  REQUIRE(props.size() == 50000);
  CHECK(props.begin().key() == "k000000");
  CHECK(props["k049999"] == 49999);
  // A repeated field is still found, however many come before it.
  CHECK(parse_error(node_line("X", R"(,"props":{)" + fields + R"(,"k000000":1})")) == "duplicate field 'k000000'");
}

TEST_CASE("huge keys, names, aliases and types are refused, naming the field and the limit", "[hostile]") {
  Loaded l;
  auto& db = *l.db;
  CHECK(node_error(db, {.type = "State", .key = std::string(1024, 'k')}) == "no error");
  CHECK(node_error(db, {.type = "State", .key = std::string(1025, 'k')}) ==
        "key is longer than the limit of 1 KiB (1025 bytes)");
  CHECK(node_error(db, {.type = "State", .key = "X", .name = std::string(4096, 'n')}) == "no error");
  CHECK(node_error(db, {.type = "State", .key = "X", .name = std::string(4097, 'n')}) ==
        "name is longer than the limit of 4 KiB (4097 bytes)");
  CHECK(node_error(db, {.type = "State", .key = "X", .aliases = {"ok", std::string(4097, 'a')}}) ==
        "alias is longer than the limit of 4 KiB (4097 bytes)");
  CHECK(node_error(db, {.type = std::string(10 << 20, 'T'), .key = "X"}) ==
        "node type is longer than the limit of 1 KiB (10485760 bytes)");
  CHECK(node_error(db, {.type = "State", .key = "X", .sources = {{std::string(1025, 'd'), "", ""}}}) ==
        "sources: doc is longer than the limit of 1 KiB (1025 bytes)");
  CHECK(node_error(db, {.type = "State", .key = "X", .sources = {{"brief", std::string(4097, 'l'), ""}}}) ==
        "sources: locator is longer than the limit of 4 KiB (4097 bytes)");
  CHECK(node_error(db, {.type = "State", .key = "X", .sources = std::vector<Citation>(10001, {"brief", "", ""})}) ==
        "too many sources: 10001 (the limit is 10000)");
  CHECK(node_error(db, {.type = "State", .key = "X", .sources = std::vector<Citation>(10000, {"brief", "", ""})}) ==
        "no error");
  // Edges: their key, their ends and their type.
  EdgeInput e{.type = "PARTY_TO", .from = {"State", "PRK"}, .to = {"Treaty", "signed-only"}};
  CHECK(edge_error(db, e) == "no error");
  e.key = std::string(1025, 'k');
  CHECK(edge_error(db, e) == "key is longer than the limit of 1 KiB (1025 bytes)");
  e.key.clear();
  e.from.key = std::string(1 << 20, 'P');
  CHECK(edge_error(db, e) == "from: key is longer than the limit of 1 KiB (1048576 bytes)");
  e.from = {std::string(2000, 'S'), "PRK"};
  CHECK(edge_error(db, e) == "from: node type is longer than the limit of 1 KiB (2000 bytes)");
  e.from = {"State", "PRK"};
  e.to.key = std::string(1025, 't');
  CHECK(edge_error(db, e) == "to: key is longer than the limit of 1 KiB (1025 bytes)");
  e.to.key = "signed-only";
  e.type = std::string(1 << 20, 'E');
  CHECK(edge_error(db, e) == "edge type is longer than the limit of 1 KiB (1048576 bytes)");
  // And in a file.
  CHECK_THAT(l.import_error(node_line(std::string(5000, 'k')) + "\n"),
             Catch::EndsWith(":1: key is longer than the limit of 1 KiB (5000 bytes)"));
}

TEST_CASE("a huge field name is refused without being quoted", "[hostile]") {
  std::string name(1 << 20, 'f');
  CHECK(parse_error(node_line("X", ",\"" + name + "\":1")) ==
        "a field name is longer than the limit of 1 KiB (1048576 bytes)");
  CHECK(parse_error(node_line("X", R"(,"props":{")" + name + "\":1}")) ==
        "a field name is longer than the limit of 1 KiB (1048576 bytes)");
  CHECK_THAT(parse_error(node_line("X", ",\"" + std::string(1024, 'f') + "\":1")), Catch::Contains("unknown field"));
}

TEST_CASE("an error about a huge value quotes only part of it", "[hostile]") {
  Loaded l;
  std::string date(1 << 20, '9');
  auto what = l.import_error(node_line("X", R"(,"valid":{"from":")" + date + "\"}") + "\n");
  CHECK_THAT(what, Catch::Contains(":1: field 'valid.from': invalid date '999"));
  CHECK_THAT(what, Catch::Contains("bytes omitted") && Catch::EndsWith("': expected YYYY, YYYY-MM or YYYY-MM-DD"));
  CHECK(what.size() < 2500);
}

// ---- Dates, numbers and keys

TEST_CASE("impossible dates are refused in validity and in properties", "[hostile]") {
  Loaded l;
  for (std::string d : {"0000-13-45", "0000", "2024-13", "2024-00", "2024-02-30", "2023-02-29", "2024-04-31",
                        "9999-12-32", "10000", "-001", "2024-1-01", "2024/01/01", "", "２０２４", "2024-06-19T00:00"}) {
    INFO(d);
    CHECK_THAT(parse_error(node_line("X", R"(,"valid":{"from":")" + d + "\"}")),
               Catch::StartsWith("field 'valid.from': invalid date"));
    CHECK_THAT(put_error(*l.db, R"({"node":"Person","key":"p","props":{"born":")" + d + "\"}}"),
               Catch::StartsWith("property 'born': invalid date"));
  }
  CHECK(parse_error(node_line("X", R"(,"valid":{"from":"0000-13-45"})")) ==
        "field 'valid.from': invalid date '0000-13-45': year must be 1..9999");
  // Leap days and the ends of the range are dates.
  for (std::string d : {"2024-02-29", "2000-02-29", "0001-01-01", "9999-12-31"}) {
    INFO(d);
    CHECK(put_error(*l.db, R"({"node":"Person","key":"p","valid":{"from":")" + d + R"("},"props":{"born":")" + d +
                               "\"}}") == "no error");
  }
  CHECK_THAT(l.import_error(node_line("X", R"(,"valid":{"from":"0000-13-45"})") + "\n"),
             Catch::EndsWith(":1: field 'valid.from': invalid date '0000-13-45': year must be 1..9999"));
}

TEST_CASE("numbers out of range are refused, not wrapped", "[hostile]") {
  Loaded l;
  // 1e400 does not fit a double: malformed JSON.
  CHECK_THAT(parse_error(node_line("X", R"(,"props":{"cow":1e400})")),
             Catch::StartsWith("malformed JSON") && Catch::Contains("1e400"));
  CHECK_THAT(parse_error(node_line("X", R"(,"props":{"cow":-1e400})")), Catch::StartsWith("malformed JSON"));
  // 2^64 and -2^63-1 do not fit a 64-bit integer: JSON reads them as decimal numbers.
  CHECK(put_error(*l.db, node_line("X", R"(,"props":{"cow":18446744073709551616})")) ==
        "property 'cow': expected an integer, got a decimal number");
  CHECK(put_error(*l.db, R"({"node":"Treaty","key":"t","props":{"termination_notice_months":18446744073709551616}})") ==
        "property 'termination_notice_months': expected an integer, got a decimal number");
  CHECK(put_error(*l.db, R"({"node":"Treaty","key":"t","props":{"termination_notice_months":-9223372036854775809}})") ==
        "property 'termination_notice_months': expected an integer, got a decimal number");
  // The largest 64-bit values are integers, out of range for smaller types.
  CHECK(put_error(*l.db, node_line("X", R"(,"props":{"cow":18446744073709551615})")) ==
        "property 'cow': 18446744073709551615 is out of range (-2147483648..2147483647)");
  CHECK(put_error(*l.db, node_line("X", R"(,"props":{"cow":-9223372036854775808})")) ==
        "property 'cow': -9223372036854775808 is out of range (-2147483648..2147483647)");
  CHECK(put_error(*l.db, R"({"node":"Treaty","key":"t","props":{"termination_notice_months":-1}})") ==
        "property 'termination_notice_months': -1 is out of range (0..65535)");
  // A Float64 takes 2^64 (as a double) but not 1e400.
  CHECK(put_error(*l.db, R"({"node":"Event","key":"e","props":{"goldstein":18446744073709551616}})") == "no error");
  CHECK_THAT(l.import_error(R"({"node":"Event","key":"e","props":{"goldstein":1e400}})"
                            "\n"),
             Catch::Contains(":1: malformed JSON"));
}

TEST_CASE("a key holding ':' round-trips, a reference splits at the first ':'", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  std::string data = R"({"node":"Organization","key":"a:b","name":"Colon"})"
                     "\n"
                     R"({"node":"State","key":"PRK"})"
                     "\n"
                     R"({"node":"Organization","key":":x:"})"
                     "\n"
                     R"({"edge":"MEMBER_OF","from":"State:PRK","to":"Organization:a:b"})"
                     "\n"
                     R"({"edge":"MEMBER_OF","from":"Organization:a:b","to":"Organization::x:"})"
                     "\n";
  test::load(*db, data);
  auto snap = db->snapshot();
  auto n = snap->node({"Organization", "a:b"});
  REQUIRE(n);
  CHECK(n->name == "Colon");
  CHECK(snap->resolve("Organization:a:b").key == "a:b");
  CHECK(snap->node({"Organization", ":x:"}));
  CHECK(NodeRef::parse("Organization:a:b") == NodeRef{"Organization", "a:b"});
  std::string dump = test::dump_of(*db);
  CHECK_THAT(dump, Catch::Contains(R"({"node":"Organization","key":"a:b","name":"Colon"})"));
  CHECK_THAT(dump, Catch::Contains(R"({"edge":"MEMBER_OF","from":"State:PRK","to":"Organization:a:b"})"));
  CHECK_THAT(dump, Catch::Contains(R"({"edge":"MEMBER_OF","from":"Organization:a:b","to":"Organization::x:"})"));
  auto db2 = Database::open(dir / "db2");
  test::load(*db2, dump);
  CHECK(test::dump_of(*db2) == dump);
}

// ---- Findings outside the interchange code.

namespace {

// The bytes of a message from 64-bit words, little-endian.
std::string from_words(std::initializer_list<std::uint64_t> words) {
  std::string out;
  for (auto w : words) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(w >> (8 * i)));
  }
  return out;
}

}  // namespace

// fuzz_record: a damaged node record whose sources are a list of millions of zero-size
// structs (88 bytes) decoded into millions of citations: up to the reader's traversal
// limit, then 64 Mi words, some GiB and a minute. Fixed in lib/storage/store.cc (commit
// f073f67, a traversal limit in proportion to the record); tests/storage/store_test.cc
// has the fuzzer's input.
TEST_CASE("a damaged record cannot decode into millions of citations", "[hostile]") {
  auto cat = catalog::Catalog::builtin();
  const std::uint64_t n = 2000000;
  std::string bytes =
      from_words({std::uint64_t{10} << 32,                                             // one segment of 10 words
                  (std::uint64_t{1} << 32) | (std::uint64_t{6} << 48),                 // root: 1 data word, 6 pointers
                  cat->find("State")->tag,                                             // typeTag
                  1 | (5 << 2) | (std::uint64_t{2} << 32) | (std::uint64_t{2} << 35),  // key: 2 bytes at word 8
                  0, 0, 0, 0,                                                          // name, aliases, valid, props
                  1 | (1 << 2) | (std::uint64_t{7} << 32),  // sources: composite list, 0 words
                  0x6b,                                     // "k"
                  n << 2});                                 // n elements of 0 words each
  try {
    auto node = graph::decode_node(*cat, 1, bytes);
    CHECK(node.sources.size() < 1000);
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kCorruption);
  }
}

// fuzz_record: decode_node accepts a record whose type tag names an edge type, and returns
// a "node" of type PARTY_TO (decode_edge likewise a node type). Fix: lib/graph/records.cc,
// check type.is_edge against what is decoded, throwing kCorruption.
TEST_CASE("a node record naming an edge type, or an edge record naming a node type, is damaged",
          "[hostile]") {
  auto cat = catalog::Catalog::builtin();
  std::string as_node = graph::encode_node(*cat->find("PARTY_TO"), {.type = "PARTY_TO", .key = "x"});
  CHECK_THROWS_MATCHES(graph::decode_node(*cat, 1, as_node), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.kind() == ErrorKind::kCorruption; }));
  std::string as_edge = graph::encode_edge(*cat->find("State"), 1, 2, {.type = "State"});
  CHECK_THROWS_MATCHES(graph::decode_edge(*cat, 1, as_edge), Error,
                       Catch::Predicate<Error>([](const Error& e) { return e.kind() == ErrorKind::kCorruption; }));
}

// A citation of a missing Document with a long key, among many Documents with long keys:
// the "did you mean" search (text::nearest) computes a full edit distance against each of
// up to 100,000 keys, |a|·|b| steps each: 1,000 keys of 1 KiB took 134 s in a Debug
// build, 100,000 would take hours. The same search follows "from: no node", an unknown
// name in Reader::resolve and an unknown property or enum value. Fix: lib/common/text.cc,
// nearest(): no suggestion for a string longer than some 64 bytes, and skip candidates
// whose length alone puts them too far. (No timing assertion: without the fix this case
// takes minutes, with it well under a second.)
TEST_CASE("a missing citation among many long Document keys is reported at once", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  auto txn = db->begin();
  for (int i = 0; i < 300; ++i)
    txn->put_node({.type = "Document", .key = fmt::format("{}{:06}", std::string(1000, 'd'), i)});
  try {
    txn->put_node({.type = "State", .key = "X", .sources = {{std::string(1000, 'q'), "", ""}}});
    FAIL("the citation was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kNotFound);
  }
}

// The same search on the import path: an enum value of 8 MiB (as in "obligations") was
// compared with each enumerant by a full edit distance, an |s| x |c| table of size_t: 1 GB
// and 50 s in a Debug build; a 60 MiB value would take some 7 GB. Same fix as above.
TEST_CASE("a huge enum value is refused without a table in proportion to it", "[hostile]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  std::string line = R"({"node":"Treaty","key":"t","props":{"obligations":[")" + std::string(4 << 20, 'x') + "\"]}}";
  CHECK_THAT(put_error(*db, line),
             Catch::StartsWith("property 'obligations'[0]: 'xxx") && Catch::Contains("is not one of defense, offense"));
}

// fuzz_record: a stored date that is not a date (month 37) read through the property view
// threw Error(kInvalid, "invalid date"), as if the caller had asked for something wrong,
// where the record is damaged. Properties are read in place, so the damage shows at the
// read, not at decode. Fix: lib/graph/record.cc, stored_date reports kCorruption naming
// the record.
TEST_CASE("a damaged stored date read through the property view is corruption naming the record",
          "[hostile][props]") {
  auto cat = catalog::Catalog::builtin();
  nlohmann::ordered_json props = {{"signed", "2024-06-19"}};
  std::string bytes = graph::encode_node(*cat->find("Agreement"), {.type = "Agreement", .key = "a", .props = props});
  const std::uint32_t good = 20240619, bad = 20243719;
  auto at = bytes.find(std::string(reinterpret_cast<const char*>(&good), 4));
  REQUIRE(at != std::string::npos);
  bytes.replace(at, 4, std::string(reinterpret_cast<const char*>(&bad), 4));
  auto node = graph::decode_node(*cat, 42, bytes);  // decodes: the properties are read lazily
  REQUIRE(node.props.kind("signed") == PropertyKind::kDate);
  auto is_corruption = Catch::Predicate<Error>([](const Error& e) {
    return e.kind() == ErrorKind::kCorruption && std::string(e.what()).find("node record 42") != std::string::npos;
  });
  CHECK_THROWS_MATCHES(node.props.date("signed"), Error, is_corruption);
  CHECK_THROWS_MATCHES(node.props.text("signed"), Error, is_corruption);
  CHECK_THROWS_MATCHES(node.props.json("signed"), Error, is_corruption);
  CHECK_THROWS_MATCHES(node.props.to_json(), Error, is_corruption);
}
