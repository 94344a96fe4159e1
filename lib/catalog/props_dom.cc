// props_from_json_dom (catalog/props.h): a type's properties from the props object of a
// line parsed by simdjson, set straight into the record's struct, without nlohmann's
// document in between. The bulk load reads its lines this way.
//
// It takes a subset: scalars, dates, enums and lists of them, the properties of every
// built-in type except a Treaty's articles. For the rest, and for anything
// props_from_json would refuse, it declines (returns false) and the caller goes the long
// way, whose error names the problem. What it accepts it encodes to the same bytes as
// props_from_json: fields are set in the schema's order, texts allocated the same way
// (tests/io/jsonl_fast_test.cc compares the two on every line of the bundled data).
#include <simdjson.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "catalog/props.h"
#include "common/text.h"
#include "entente/date.h"

namespace entente::catalog {
namespace from_text {
namespace {

namespace dom = simdjson::dom;
using W = capnp::schema::Type::Which;

// A scalar JSON value, as read.
struct Scalar {
  enum Kind : std::uint8_t { kNull, kBool, kInt, kUint, kDouble, kString } kind = kNull;
  bool b = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double d = 0;
  std::string_view s;
};

bool read_scalar(const dom::element& v, Scalar& out) {
  switch (v.type()) {
    case dom::element_type::NULL_VALUE: out.kind = Scalar::kNull; return true;
    case dom::element_type::BOOL: out.kind = Scalar::kBool; return !v.get_bool().get(out.b);
    case dom::element_type::STRING: out.kind = Scalar::kString; return !v.get_string().get(out.s);
    case dom::element_type::INT64: out.kind = Scalar::kInt; return !v.get_int64().get(out.i);
    case dom::element_type::UINT64: out.kind = Scalar::kUint; return !v.get_uint64().get(out.u);
    case dom::element_type::DOUBLE: out.kind = Scalar::kDouble; return !v.get_double().get(out.d);
    default: return false;  // arrays and objects are not scalars
  }
}

// nlohmann reads a non-negative integer as unsigned and a negative one as signed;
// simdjson reads integers up to INT64_MAX as signed. Normalized to nlohmann's reading.
void normalize(Scalar& v) {
  if (v.kind == Scalar::kInt && v.i >= 0) {
    v.kind = Scalar::kUint;
    v.u = static_cast<std::uint64_t>(v.i);
  }
}

template <typename T>
bool integer(const Scalar& v, T& out) {
  if (v.kind == Scalar::kUint) {
    if (v.u > static_cast<std::uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(v.u);
    return true;
  }
  if (v.kind == Scalar::kInt) {
    if (v.i < static_cast<std::int64_t>(std::numeric_limits<T>::min())) return false;
    out = static_cast<T>(v.i);
    return true;
  }
  return false;
}

// The value a scalar property or list element takes, or false when it is not one
// props_from_json would accept.
bool scalar_value(capnp::Type t, const Scalar& v, capnp::DynamicValue::Reader& out) {
  switch (t.which()) {
    case W::BOOL:
      if (v.kind != Scalar::kBool) return false;
      out = v.b;
      return true;
    case W::INT8: { std::int8_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::INT16: { std::int16_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::INT32: { std::int32_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::INT64: { std::int64_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::UINT8: { std::uint8_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::UINT16: { std::uint16_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::UINT32: { std::uint32_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::UINT64: { std::uint64_t x; if (!integer(v, x)) return false; out = x; return true; }
    case W::FLOAT32:
    case W::FLOAT64: {
      double d = v.kind == Scalar::kDouble ? v.d
                 : v.kind == Scalar::kUint ? static_cast<double>(v.u)
                 : v.kind == Scalar::kInt  ? static_cast<double>(v.i)
                                           : std::numeric_limits<double>::quiet_NaN();
      if (!std::isfinite(d)) return false;
      out = d;
      return true;
    }
    case W::ENUM: {
      if (v.kind != Scalar::kString) return false;
      std::string camel = text::snake_to_camel(v.s);
      KJ_IF_MAYBE(e, t.asEnum().findEnumerantByName(kj::StringPtr(camel.c_str()))) {
        if (text::camel_to_snake(e->getProto().getName().cStr()) == v.s) {
          out = capnp::DynamicEnum(*e);
          return true;
        }
      }
      return false;
    }
    default: return false;
  }
}

bool date_value(const Scalar& v, std::uint32_t& ymd) {
  if (v.kind != Scalar::kString) return false;
  try {
    ymd = Date::parse(v.s).ymd();
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

// A property's value as read, kept until the properties are set in the schema's order.
struct Given {
  bool present = false;
  bool is_list = false;
  Scalar scalar;
  std::vector<Scalar> list;
};

}  // namespace
}  // namespace from_text

using namespace from_text;

bool props_from_json_dom(const TypeDef& t, const simdjson::dom::element& props, capnp::DynamicStruct::Builder out) {
  if (t.props.size() != t.schema.getFields().size()) return false;
  dom::object obj;
  if (props.get_object().get(obj)) return false;
  thread_local std::vector<Given> given;
  given.assign(t.props.size(), Given{});
  for (dom::key_value_pair field : obj) {
    std::size_t at = 0;
    while (at < t.props.size() && t.props[at].name != field.key) ++at;
    if (at == t.props.size()) return false;  // unknown: the long way names it
    Given& g = given[at];
    if (g.present) return false;             // repeated
    g.present = true;
    if (field.value.type() == dom::element_type::ARRAY) {
      g.is_list = true;
      for (dom::element element : dom::array(field.value)) {
        Scalar s;
        if (!read_scalar(element, s)) return false;
        normalize(s);
        g.list.push_back(s);
      }
    } else {
      if (!read_scalar(field.value, g.scalar)) return false;
      normalize(g.scalar);
    }
  }

  for (std::size_t i = 0; i < t.props.size(); ++i) {
    const auto& prop = t.props[i];
    const Given& g = given[i];
    bool null = !g.present || (!g.is_list && g.scalar.kind == Scalar::kNull);
    if (null) {
      if (prop.required) return false;
      continue;
    }
    auto field = prop.field;
    auto type = field.getType();
    if (type.isStruct()) {
      if (g.is_list || !Catalog::is_date(type.asStruct())) return false;
      std::uint32_t ymd = 0;
      if (!date_value(g.scalar, ymd)) return false;
      out.init(field).as<capnp::DynamicStruct>().set("ymd", ymd);
    } else if (type.isList()) {
      if (!g.is_list) return false;
      auto elem = type.asList().getElementType();
      if (elem.isStruct() || elem.isList() || elem.isData() || elem.isAnyPointer()) return false;
      auto list = out.init(field, static_cast<unsigned>(g.list.size())).as<capnp::DynamicList>();
      for (unsigned k = 0; k < g.list.size(); ++k) {
        const Scalar& s = g.list[k];
        if (elem.isText()) {
          if (s.kind != Scalar::kString || s.s.find('\0') != std::string_view::npos) return false;
          auto text_out = list.init(k, static_cast<unsigned>(s.s.size())).as<capnp::Text>();
          std::memcpy(text_out.begin(), s.s.data(), s.s.size());
        } else {
          capnp::DynamicValue::Reader value;
          if (!scalar_value(elem, s, value)) return false;
          list.set(k, value);
        }
      }
    } else if (type.isText()) {
      if (g.is_list || g.scalar.kind != Scalar::kString || g.scalar.s.find('\0') != std::string_view::npos) {
        return false;
      }
      auto text_out = out.init(field, static_cast<unsigned>(g.scalar.s.size())).as<capnp::Text>();
      std::memcpy(text_out.begin(), g.scalar.s.data(), g.scalar.s.size());
    } else {
      if (g.is_list) return false;
      capnp::DynamicValue::Reader value;
      if (!scalar_value(type, g.scalar, value)) return false;
      out.set(field, value);
    }
  }
  return true;
}

}  // namespace entente::catalog
