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

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include <capnp/any.h>

#include "catalog/props.h"
#include "common/text.h"
#include "entente/date.h"

namespace entente::catalog {
namespace from_text {
namespace {

namespace dom = simdjson::dom;
static_assert(std::endian::native == std::endian::little, "data fields are written as Cap'n Proto lays them: little-endian");
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

// A scalar as a value of the slot's kind (an enum's number for kEnum), or false when it is
// not one props_from_json would accept (scalar_value's rules).
template <typename T>
bool slot_value(const PropSlot& slot, PropSlot::Kind kind, const Scalar& v, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (v.kind != Scalar::kBool) return false;
    out = v.b;
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    double d = v.kind == Scalar::kDouble ? v.d
               : v.kind == Scalar::kUint ? static_cast<double>(v.u)
               : v.kind == Scalar::kInt  ? static_cast<double>(v.i)
                                         : std::numeric_limits<double>::quiet_NaN();
    if (!std::isfinite(d)) return false;
    out = static_cast<T>(d);
    return true;
  } else {
    if (kind == PropSlot::kEnum) {
      if (v.kind != Scalar::kString) return false;
      for (const auto& [name, number] : slot.enumerants) {
        if (name == v.s) {
          out = static_cast<T>(number);
          return true;
        }
      }
      return false;
    }
    return integer(v, out);
  }
}

// Sets a scalar field of the kind `Kind` at slot.offset in the data section.
template <typename T>
bool set_data(const PropSlot& slot, kj::ArrayPtr<capnp::byte> data, const Scalar& v) {
  T x{};
  if (!slot_value(slot, slot.kind, v, x)) return false;
  if constexpr (std::is_same_v<T, bool>) {
    if (slot.offset / 8 >= data.size()) return false;
    if (x) data[slot.offset / 8] |= static_cast<capnp::byte>(1u << (slot.offset % 8));
  } else {
    if ((std::size_t{slot.offset} + 1) * sizeof(T) > data.size()) return false;
    std::memcpy(data.begin() + std::size_t{slot.offset} * sizeof(T), &x, sizeof(T));  // little-endian, as Cap'n Proto
  }
  return true;
}

// A list of scalars of element type T.
template <typename T>
bool set_list(const PropSlot& slot, capnp::AnyPointer::Builder p, const std::vector<Scalar>& values) {
  auto list = p.initAs<capnp::List<T>>(static_cast<unsigned>(values.size()));
  for (unsigned k = 0; k < values.size(); ++k) {
    T x{};
    if (!slot_value(slot, slot.element, values[k], x)) return false;
    list.set(k, x);
  }
  return true;
}

// Calls f with a value of the C++ type a scalar kind is stored as (an enum as its
// UInt16 number); false for a kind that is not a scalar.
template <typename F>
bool with_scalar_type(PropSlot::Kind kind, F&& f) {
  switch (kind) {
    case PropSlot::kBool: return f(bool{});
    case PropSlot::kInt8: return f(std::int8_t{});
    case PropSlot::kInt16: return f(std::int16_t{});
    case PropSlot::kInt32: return f(std::int32_t{});
    case PropSlot::kInt64: return f(std::int64_t{});
    case PropSlot::kUInt8: return f(std::uint8_t{});
    case PropSlot::kUInt16:
    case PropSlot::kEnum: return f(std::uint16_t{});
    case PropSlot::kUInt32: return f(std::uint32_t{});
    case PropSlot::kUInt64: return f(std::uint64_t{});
    case PropSlot::kFloat32: return f(float{});
    case PropSlot::kFloat64: return f(double{});
    default: return false;
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
  // t.props holds every field of t.schema, in order (Catalog::add_type refuses the rest).
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

  capnp::AnyStruct::Builder any = out;
  const kj::ArrayPtr<capnp::byte> data = any.getDataSection();
  auto pointers = any.getPointerSection();
  for (std::size_t i = 0; i < t.props.size(); ++i) {
    const auto& prop = t.props[i];
    const Given& g = given[i];
    bool null = !g.present || (!g.is_list && g.scalar.kind == Scalar::kNull);
    if (null) {
      if (prop.required) return false;
      continue;
    }
    // Written where the slot lies, as the dynamic API below would write it.
    const PropSlot& slot = prop.slot;
    if (slot.kind != PropSlot::kDynamic) {
      if (slot.kind == PropSlot::kList) {
        if (!g.is_list || slot.offset >= pointers.size()) return false;
        auto p = pointers[slot.offset];
        bool ok = true;
        if (slot.element == PropSlot::kText) {
          auto list = p.initAs<capnp::List<capnp::Text>>(static_cast<unsigned>(g.list.size()));
          for (unsigned k = 0; k < g.list.size() && ok; ++k) {
            const Scalar& e = g.list[k];
            ok = e.kind == Scalar::kString && e.s.find('\0') == std::string_view::npos;
            if (ok) std::memcpy(list.init(k, static_cast<unsigned>(e.s.size())).begin(), e.s.data(), e.s.size());
          }
        } else {
          ok = with_scalar_type(slot.element, [&](auto t) { return set_list<decltype(t)>(slot, p, g.list); });
        }
        if (!ok) return false;
        continue;
      }
      if (g.is_list) return false;
      const Scalar& v = g.scalar;
      if (slot.kind == PropSlot::kDate) {
        std::uint32_t ymd = 0;
        if (!date_value(v, ymd) || slot.offset >= pointers.size()) return false;
        auto bytes = pointers[slot.offset].initAsAnyStruct(slot.date_words, slot.date_pointers).getDataSection();
        if ((std::size_t{slot.date_ymd} + 1) * 4 > bytes.size()) return false;
        std::memcpy(bytes.begin() + std::size_t{slot.date_ymd} * 4, &ymd, 4);
      } else if (slot.kind == PropSlot::kText) {
        if (v.kind != Scalar::kString || v.s.find('\0') != std::string_view::npos || slot.offset >= pointers.size()) {
          return false;
        }
        std::memcpy(pointers[slot.offset].initAs<capnp::Text>(static_cast<unsigned>(v.s.size())).begin(), v.s.data(), v.s.size());
      } else if (!with_scalar_type(slot.kind, [&](auto t) { return set_data<decltype(t)>(slot, data, v); })) {
        return false;
      }
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
