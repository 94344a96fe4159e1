// Conversion between a type's properties as JSON (entente::Props) and the Cap'n Proto
// struct stored in a record, with validation against the type's schema.
#pragma once

#include <capnp/dynamic.h>

#include "catalog/catalog.h"
#include "entente/record.h"

namespace simdjson::dom {
class element;
}

namespace entente::catalog {

// Fills `out` (a struct of t.schema) from `props`. Throws Error(kInvalid) naming the
// property and the reason: an unknown property (with the nearest name), a value of the
// wrong type or out of range, a missing required property. A JSON null is "not given".
void props_from_json(const TypeDef& t, const Props& props, capnp::DynamicStruct::Builder out);

// Fills `out` from a props object parsed by simdjson, as props_from_json would from the
// same object parsed by nlohmann, for the subset a bulk load meets nearly always:
// scalars, dates, enums and lists of scalars. Returns false for anything else and for
// anything props_from_json would refuse (`out` is then half-filled: discard its message
// and use props_from_json, whose error names the problem).
bool props_from_json_dom(const TypeDef& t, const simdjson::dom::element& props, capnp::DynamicStruct::Builder out);

// The properties of a stored struct as JSON, in field order. A property equal to its
// default (0, false, an enum's first value) is left out unless it is required; reading it
// back gives the same default.
Props props_to_json(capnp::DynamicStruct::Reader in);
// Whether a stored struct's field is given: what props_to_json writes.
bool prop_is_set(capnp::DynamicStruct::Reader in, capnp::StructSchema::Field field);
// One field as props_to_json writes it; null when it is not given.
Props prop_to_json(capnp::DynamicStruct::Reader in, capnp::StructSchema::Field field);

}  // namespace entente::catalog
