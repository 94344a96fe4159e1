// Fuzzes the query language (docs/query.md): any text through the lexer, the parser, the
// binder (against the bundled dataset's catalog), the planner and EXPLAIN, and, for queries
// that bind, the executor with a small budget of steps (so that every input runs in bounded
// time) and at most 100 rows.
//
// Invariants: only entente::Error(kInvalid, kNotFound or kLimit) escapes (syntax, names, types, limits; a deep
// nesting is an error, not a stack overflow); a query that binds has a plan that EXPLAIN
// prints; statement_complete does not crash.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "entente/entente.h"
#include "fuzz_util.h"
#include "query/bind/binder.h"
#include "query/bind/schema.h"
#include "query/exec/executor.h"
#include "query/parse/parser.h"
#include "query/plan/plan.h"

namespace {

using namespace entente;

class Fixture {
 public:
  Fixture() {
    dir_ = std::filesystem::temp_directory_path() / ("entente-fuzz-query-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Options options;
    options.sync = false;
    db_ = Database::open(dir_ / "db", options);
    import_files(*db_, {std::filesystem::path(ENTENTE_DATA_DIR) / "putin-visits-2024.jsonl"});
    snap_ = db_->snapshot();
    schema_ = std::make_unique<ql::Schema>(*snap_);
  }
  ~Fixture() {
    schema_.reset();
    snap_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const Reader& reader() { return *snap_; }
  const ql::Schema& schema() { return *schema_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
  std::unique_ptr<Snapshot> snap_;
  std::unique_ptr<ql::Schema> schema_;
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Fixture& f = fixture();
  (void)statement_complete(text);
  Params params{{"k", Value("PRK")}, {"d", Value("2024-12-31")}, {"n", Value(2)}, {"l", Value(Value::List{Value(1)})}};
  try {
    const ql::ast::Query parsed = ql::parse(text);
    auto plan = ql::plan::make_plan(std::make_shared<const ql::bound::Query>(ql::bind(parsed, f.schema(), &params)));
    const ql::bound::Query& q = *plan.query;
    std::string shown = ql::plan::explain(q, plan);
    FUZZ_CHECK(!shown.empty());
    int rows = 0;
    ql::exec::run(
        f.reader(), f.schema(), q, plan, ql::param_values(q, params),
        [&](const std::vector<Value>& row) {
          FUZZ_CHECK(row.size() == plan.columns.size());
          for (const auto& v : row) (void)v.str();
          return ++rows < 100;
        },
        QueryLimits{std::chrono::milliseconds(0), 64u << 20}, 20000);
  } catch (const Error& e) {
    FUZZ_CHECK(e.kind() == ErrorKind::kInvalid || e.kind() == ErrorKind::kNotFound || e.kind() == ErrorKind::kLimit);
  }
  return 0;
}
