// Format versioning: the format version is recorded; a newer one is refused; a database
// written with an older version of the built-in types opens and reads under this build's.
#include <catch2/catch.hpp>

#include "common/coding.h"
#include "entente/entente.h"
#include "storage/keys.h"
#include "storage/store.h"
#include "test_util.h"

using namespace entente;

namespace {

// A copy of the committed fixture, since opening it for writing changes it.
std::filesystem::path copy_fixture(const test::TempDir& dir) {
  auto to = dir / "db";
  std::filesystem::copy(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" / "format1-geo1", to,
                        std::filesystem::copy_options::recursive);
  return to;
}

}  // namespace

TEST_CASE("a database records its format version", "[format]") {
  test::TempDir dir;
  auto db = Database::open(dir / "db");
  CHECK(db->format_version() == keys::kFormat);
}

TEST_CASE("a database written by a newer format is refused with a clear message", "[format]") {
  test::TempDir dir;
  { Database::open(dir / "db"); }
  {
    auto store = storage::Store::open(dir / "db", {});
    auto batch = store->batch();
    std::string v;
    coding::put_u32(v, keys::kFormat + 1);
    batch->put(storage::Cf::kMeta, keys::kFormatVersion, v);
    store->commit(*batch);
  }
  try {
    Database::open(dir / "db");
    FAIL("a newer format was opened");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::kInvalid);
    CHECK_THAT(e.what(), Catch::Contains("newer entente (format 2)") && Catch::Contains("up to 1"));
  }
}

// The fixture tests/fixtures/format1-geo1 was written (from format1-geo1.jsonl) by the
// build whose State type had no gw_code property; this build's State has one.
TEST_CASE("a database written with an older version of a type opens and reads under the newer one", "[format]") {
  test::TempDir dir;
  auto path = copy_fixture(dir);
  {
    Options ro;
    ro.read_only = true;
    auto db = Database::open(path, ro);  // upgraded in memory only
    CHECK(test::dump_of(*db) == test::read_file(std::filesystem::path(ENTENTE_TESTS_DIR) / "fixtures" /
                                                "format1-geo1.dump.jsonl"));
    CHECK(db->snapshot()->type("State")->properties.size() == 5);
  }
  auto db = Database::open(path);
  auto snap = db->snapshot();
  auto prk = snap->node(NodeRef{"State", "PRK"});
  REQUIRE(prk);
  CHECK(prk->props["capital"] == "Pyongyang");
  CHECK_FALSE(prk->props.contains("gw_code"));  // the new field reads as its default
  CHECK(db->check().clean());
  // The new field can be written, beside the old records.
  auto txn = db->begin();
  txn->put_node({"State", "PRK", prk->name, prk->aliases, prk->valid, Props::parse(R"({"iso3":"PRK","cow":731,"gw_code":731})"), {}});
  txn->commit();
  CHECK(db->snapshot()->node(NodeRef{"State", "PRK"})->props["gw_code"] == 731);
  CHECK(db->check().clean());
  auto allies = entente::allies(*db->snapshot(), "PRK", {.at = Date::parse("2024-12-31")});
  CHECK(allies.size() == 2);
  txn.reset();  // a snapshot or transaction keeps the database open
  snap.reset();
  db.reset();
  // Reopened, the stored catalog is the upgraded one.
  auto again = Database::open(path);
  CHECK(again->snapshot()->node(NodeRef{"State", "PRK"})->props["gw_code"] == 731);
}

TEST_CASE("opening an up-to-date database does not rewrite its catalog", "[format]") {
  test::TempDir dir;
  { Database::open(dir / "db"); }
  std::string before;
  {
    auto store = storage::Store::open(dir / "db", {});
    before = *store->snapshot()->get(storage::Cf::kMeta, keys::kCatalog);
  }
  { Database::open(dir / "db"); }
  auto store = storage::Store::open(dir / "db", {});
  CHECK(*store->snapshot()->get(storage::Cf::kMeta, keys::kCatalog) == before);
}
