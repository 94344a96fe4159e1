#include "storage/keys.h"

#include "common/coding.h"
#include "common/error.h"

namespace entente::keys {

std::string id(std::uint64_t v) {
  std::string out;
  coding::put_u64(out, v);
  return out;
}

std::uint64_t decode_id(std::string_view key) {
  if (key.size() != 8) throw corruption("id key of {} bytes, expected 8", key.size());
  return coding::get_u64(key.data());
}

std::string adj_identity(const Adj& a, std::uint32_t format) {
  std::string out = adj_prefix(a.node, a.dir, a.tag);
  if (format >= 2) coding::put_u32(out, a.other_tag);
  coding::put_u32(out, a.from);
  coding::put_u64(out, a.other);
  return out;
}

std::string adj(const Adj& a, std::uint32_t format) {
  std::string out = adj_identity(a, format);
  coding::put_u64(out, a.edge);
  return out;
}

Adj decode_adj(std::string_view key) {
  if (key.size() != kAdjKeySize && key.size() != kAdjKeySize1) {
    throw corruption("adjacency key of {} bytes, expected {} (or {}, format 1)", key.size(), kAdjKeySize, kAdjKeySize1);
  }
  const char* p = key.data();
  Adj a;
  a.node = coding::get_u64(p);
  a.dir = static_cast<std::uint8_t>(p[8]);
  a.tag = coding::get_u32(p + 9);
  p += 13;
  if (key.size() == kAdjKeySize) {
    a.other_tag = coding::get_u32(p);
    p += 4;
  }
  a.from = coding::get_u32(p);
  a.other = coding::get_u64(p + 4);
  a.edge = coding::get_u64(p + 12);
  return a;
}

std::string adj_prefix(std::uint64_t node) { return id(node); }

std::string adj_prefix(std::uint64_t node, std::uint8_t dir) {
  std::string out = id(node);
  out.push_back(static_cast<char>(dir));
  return out;
}

std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag) {
  std::string out = adj_prefix(node, dir);
  coding::put_u32(out, tag);
  return out;
}

std::string adj_prefix(std::uint64_t node, std::uint8_t dir, std::uint32_t tag, std::uint32_t other_tag) {
  std::string out = adj_prefix(node, dir, tag);
  coding::put_u32(out, other_tag);
  return out;
}

std::string adj_value(std::uint32_t to, std::uint8_t flags) {
  std::string out;
  coding::put_u32(out, to);
  out.push_back(static_cast<char>(flags));
  return out;
}

AdjValue decode_adj_value(std::string_view value) {
  if (value.size() != 5) throw corruption("adjacency value of {} bytes, expected 5", value.size());
  return {coding::get_u32(value.data()), static_cast<std::uint8_t>(value[4])};
}

std::uint32_t adj_from(const std::optional<Interval>& valid) {
  return valid && valid->from ? valid->from->ymd() : 0;
}

std::string adj_value(const std::optional<Interval>& valid) {
  return adj_value(valid && valid->to ? valid->to->ymd() : 0, valid ? kHasValid : 0);
}

namespace {
// The first day a stored ymd stands for (1961 -> 19610101), without building a Date.
std::uint32_t first_day(std::uint32_t ymd) {
  if (ymd / 100 % 100 == 0) ymd += 100;
  if (ymd % 100 == 0) ymd += 1;
  return ymd;
}
}  // namespace

bool adj_holds(const Adj& a, std::string_view value, std::uint32_t day) {
  if (a.from != 0 && day < first_day(a.from)) return false;
  auto to = decode_adj_value(value).to;
  return to == 0 || day < first_day(to);
}

std::string node_key(std::uint32_t tag, std::string_view key) {
  std::string out = type_prefix(tag);
  out.append(key);
  return out;
}

std::string type_prefix(std::uint32_t tag) {
  std::string out;
  coding::put_u32(out, tag);
  return out;
}

std::string name(std::string_view folded, std::uint64_t node) {
  std::string out = name_prefix(folded);
  coding::put_u64(out, node);
  return out;
}

std::string name_prefix(std::string_view folded) {
  std::string out(folded);
  out.push_back('\0');
  return out;
}

std::string node_count(std::uint32_t tag) {
  std::string out(kNodeCountPrefix);
  coding::put_u32(out, tag);
  return out;
}

std::string edge_count(std::uint32_t tag) {
  std::string out(kEdgeCountPrefix);
  coding::put_u32(out, tag);
  return out;
}

std::string commit_entry(std::uint64_t commit) {
  std::string out(1, kCommitEntry);
  coding::put_u64(out, commit);
  return out;
}

std::string version_prefix(char kind, std::uint64_t id) {
  std::string out(1, kind);
  coding::put_u64(out, id);
  return out;
}

std::string version(char kind, std::uint64_t id, std::uint64_t until) {
  std::string out = version_prefix(kind, id);
  coding::put_u64(out, until);
  return out;
}

std::string removed_key(std::string_view key_key, std::uint64_t until) {
  std::string out(1, kRemovedKey);
  out.append(key_key);
  coding::put_u64(out, until);
  return out;
}

std::string former_name_prefix(std::string_view folded) {
  std::string out(1, kFormerName);
  out.append(folded);
  out.push_back('\0');
  return out;
}

std::string former_name(std::string_view folded, std::uint64_t node, std::uint64_t until) {
  std::string out = former_name_prefix(folded);
  coding::put_u64(out, node);
  coding::put_u64(out, until);
  return out;
}

std::uint64_t history_until(std::string_view key) {
  if (key.size() < 9) throw corruption("a history key of {} bytes", key.size());
  return coding::get_u64(key.data() + key.size() - 8);
}

std::uint64_t version_id(std::string_view key) {
  if (key.size() != 17) throw corruption("a version key of {} bytes", key.size());
  return coding::get_u64(key.data() + 1);
}

}  // namespace entente::keys
