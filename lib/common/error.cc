#include "common/error.h"

#include "entente/record.h"

namespace entente {

NodeRef NodeRef::parse(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    throw invalid("'{}' is not a node reference: expected Type:key, e.g. State:PRK", text);
  }
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

}  // namespace entente
