// The data sets entente's importers read, by the key of the Document each writes and cites
// (lib/io/import_*.cc): a record citing one of them came from that data set; any other
// citation is curated (written by hand, from a brief or a treaty text). Visit ordinals
// say which data sets they counted (docs/queries.md, "Visits").
#pragma once

#include <string_view>

namespace entente::datasets {

inline bool is_dataset_document(std::string_view key) {
  for (std::string_view k : {"us-oh", "archigos-4.1", "atop-4.01", "icews"}) {
    if (key == k) return true;
  }
  return key.starts_with("gdelt-") || key.starts_with("cow-");
}

}  // namespace entente::datasets
