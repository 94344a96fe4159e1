// Fuzzes the XML importers (us-trips, us-visits; docs/import.md) and the expat record
// reader under them (lib/io/xml_records.h). The first byte picks the format and whether bad
// rows are skipped.
//
// Invariants: only entente::Error escapes (malformed XML, refused DTDs and over-long texts
// included); skipping, no more rows are skipped than read.
#include <cstdint>
#include <string_view>

#include "fuzz_importers.h"

namespace {

entente::fuzz::ImportFixture& fixture() {
  static entente::fuzz::ImportFixture f("xml");
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace entente;
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  bool skip = (data[0] & 2) == 0;
  fuzz::run_reader(fixture().db(), (data[0] & 1) ? io::read_us_visits : io::read_us_trips, rest, skip);
  return 0;
}
