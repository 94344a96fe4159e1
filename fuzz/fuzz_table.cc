// Fuzzes the table reader (lib/io/table.h), CSV and tab-separated, and the importers built
// on it: csv, icews, gdelt, cow-states, cow-alliances, atop, archigos (docs/import.md). The
// first byte picks what the rest is fed to (mod 16; 0-7 kept their meaning when 8-15 came).
//
// Invariants: only entente::Error escapes; the reader's records start on increasing lines,
// hold at most max_fields fields, and the whole input is consumed; an importer run with
// skip_bad_rows skips no more rows than it reads.
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "fuzz_importers.h"
#include "io/table.h"

namespace {

using namespace entente;

fuzz::ImportFixture& fixture() {
  static fuzz::ImportFixture f("table");
  return f;
}

void read_table(std::string_view bytes, io::TableFormat format) {
  std::istringstream in{std::string(bytes)};
  io::TableReader reader(in, "fuzz-input", format);
  io::TableRow row;
  std::uint64_t last_line = 0;
  try {
    while (reader.next(row)) {
      FUZZ_CHECK(row.line > last_line);
      FUZZ_CHECK(!row.fields.empty() && row.fields.size() <= format.max_fields);
      last_line = row.line;
    }
    FUZZ_CHECK(reader.bytes() == bytes.size());
  } catch (const Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto& db = fixture().db();
  switch (data[0] % 16) {
    case 0: read_table(rest, io::TableFormat{}); break;
    case 1: read_table(rest, io::TableFormat{'\t', false}); break;
    case 2: fuzz::run_reader(db, io::read_csv, rest, true); break;
    case 3: fuzz::run_reader(db, io::read_csv, rest, false); break;
    case 4: fuzz::run_reader(db, io::read_icews, rest, true); break;
    case 5: fuzz::run_reader(db, io::read_icews, rest, false); break;
    case 6: fuzz::run_reader(db, io::read_gdelt, rest, true); break;
    case 7: fuzz::run_reader(db, io::read_gdelt, rest, false); break;
    case 8: fuzz::run_reader(db, io::read_cow_states, rest, true); break;
    case 9: fuzz::run_reader(db, io::read_cow_states, rest, false); break;
    case 10: fuzz::run_reader(db, io::read_cow_alliances, rest, true); break;
    case 11: fuzz::run_reader(db, io::read_cow_alliances, rest, false); break;
    case 12: fuzz::run_reader(db, io::read_atop, rest, true); break;
    case 13: fuzz::run_reader(db, io::read_atop, rest, false); break;
    case 14: fuzz::run_reader(db, io::read_archigos, rest, true); break;
    default: fuzz::run_reader(db, io::read_archigos, rest, false); break;
  }
  return 0;
}
