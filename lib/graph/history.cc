#include "graph/history.h"

#include <capnp/message.h>
#include <kj/exception.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "common/error.h"
#include "envelope.capnp.h"
#include "common/coding.h"
#include "graph/records.h"
#include "storage/adj_run.h"
#include "storage/keys.h"

namespace entente {

std::string CommitInfo::time_text() const { return graph::format_time(time_us); }

namespace graph {

using storage::Cf;

std::string encode_commit(const CommitInfo& info) {
  capnp::MallocMessageBuilder message;
  auto r = message.initRoot<schema::CommitRecord>();
  r.setNumber(info.number);
  r.setTime(info.time_us);
  if (!info.message.empty()) r.setMessage(info.message);
  r.setNodesCreated(info.nodes.created);
  r.setNodesReplaced(info.nodes.updated);
  r.setNodesRemoved(info.nodes.removed);
  r.setEdgesCreated(info.edges.created);
  r.setEdgesReplaced(info.edges.updated);
  r.setEdgesRemoved(info.edges.removed);
  return storage::encode(message);
}

CommitInfo decode_commit(std::string_view bytes) {
  storage::RecordReader reader(bytes, "commit log entry");
  try {
    auto r = reader.root<schema::CommitRecord>();
    CommitInfo c;
    c.number = r.getNumber();
    c.time_us = r.getTime();
    c.message = r.getMessage().cStr();
    c.nodes.created = r.getNodesCreated();
    c.nodes.updated = r.getNodesReplaced();
    c.nodes.removed = r.getNodesRemoved();
    c.edges.created = r.getEdgesCreated();
    c.edges.updated = r.getEdgesReplaced();
    c.edges.removed = r.getEdgesRemoved();
    return c;
  } catch (const kj::Exception& e) {
    throw corruption("a commit log entry is damaged: {}", e.getDescription().cStr());
  }
}

namespace {

std::int64_t time_after(const std::optional<std::string>& before) {
  const auto now = std::chrono::duration_cast<std::chrono::microseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  std::int64_t t = static_cast<std::int64_t>(now);
  if (before) t = std::max(t, decode_commit(*before).time_us);
  return t;
}

}  // namespace

std::int64_t commit_time(const storage::View& view, std::uint64_t number) {
  return time_after(number > 0 ? view.get(Cf::kHistory, keys::commit_entry(number - 1)) : std::nullopt);
}

void log_commit(storage::Store::Batch& batch, CommitInfo info) {
  // The commit before is stored, not in the batch: read past the batch (a read through it
  // would make a large import's batch build its index, at commit: 1.8 -> 2.6 s at 10^6).
  info.time_us = time_after(info.number > 0 ? batch.get_base(Cf::kHistory, keys::commit_entry(info.number - 1)) : std::nullopt);
  batch.put(Cf::kHistory, keys::commit_entry(info.number), encode_commit(info));
}

std::vector<CommitInfo> read_log(const storage::View& view) {
  std::vector<CommitInfo> out;
  view.scan(Cf::kHistory, std::string(1, keys::kCommitEntry), [&](std::string_view key, std::string_view value) {
    CommitInfo c = decode_commit(value);
    if (key.size() != 9 || keys::history_until(key) != c.number) {
      throw corruption("the commit log entry of commit {} is filed under another number", c.number);
    }
    out.push_back(std::move(c));
    return true;
  });
  return out;
}

std::optional<std::string> record_as_of(const storage::View& view, char kind, std::uint64_t id, std::uint64_t commit) {
  const Cf cf = kind == keys::kNodeVersion ? Cf::kNodes : Cf::kEdges;
  auto current = view.get(cf, keys::id(id));
  if (current && recorded_of(*current) <= commit) return current;
  // The version current after `commit` is the first whose `until` lies past it, if it was
  // written by then (versions follow one another: each one's until is the next's recorded).
  const std::string prefix = keys::version_prefix(kind, id);
  auto cursor = view.cursor(Cf::kHistory);
  cursor.seek(keys::version(kind, id, commit + 1));
  if (!cursor.valid() || !cursor.key().starts_with(prefix)) return std::nullopt;
  if (recorded_of(cursor.value()) > commit) return std::nullopt;
  return std::string(cursor.value());
}

std::vector<std::uint64_t> removed_key_ids(const storage::View& view, std::string_view key_key, std::uint64_t commit) {
  std::vector<std::uint64_t> out;
  const std::string prefix = keys::removed_key(key_key, 0).substr(0, 1 + key_key.size());
  view.scan(Cf::kHistory, prefix, [&](std::string_view k, std::string_view v) {
    // A longer key with this one as its prefix is another key: only exact ones.
    if (k.size() == prefix.size() + 8 && keys::history_until(k) > commit) out.push_back(keys::decode_id(v));
    return true;
  });
  return out;
}

void scan_type(const storage::View& view, std::uint32_t tag, std::optional<std::uint64_t> commit,
               const std::function<bool(std::string_view key, std::uint64_t id)>& f) {
  const std::string prefix = keys::type_prefix(tag);
  if (!commit) {
    view.scan(Cf::kKeys, prefix, [&](std::string_view k, std::string_view v) { return f(k.substr(prefix.size()), keys::decode_id(v)); });
    return;
  }
  auto existed = [&](std::uint64_t id) { return record_as_of(view, keys::kNodeVersion, id, *commit).has_value(); };
  // The keys of nodes removed after the commit (few: held in memory), in key order; then
  // merged with the current keys, each node checked against the commit.
  std::vector<std::pair<std::string, std::uint64_t>> removed;
  const std::string removed_prefix = std::string(1, keys::kRemovedKey) + prefix;
  view.scan(Cf::kHistory, removed_prefix, [&](std::string_view k, std::string_view v) {
    if (k.size() < removed_prefix.size() + 8 || keys::history_until(k) <= *commit) return true;
    std::uint64_t id = keys::decode_id(v);
    if (existed(id)) removed.emplace_back(std::string(k.substr(removed_prefix.size(), k.size() - removed_prefix.size() - 8)), id);
    return true;
  });
  std::sort(removed.begin(), removed.end());
  std::size_t next = 0;
  bool go = true;
  view.scan(Cf::kKeys, prefix, [&](std::string_view k, std::string_view v) {
    const std::string_view key = k.substr(prefix.size());
    for (; next < removed.size() && removed[next].first < key && go; ++next) go = f(removed[next].first, removed[next].second);
    if (!go) return false;
    const std::uint64_t id = keys::decode_id(v);
    if (next < removed.size() && removed[next].first == key) {
      // A key that named a removed node then and names a new one now: the removed one.
      go = f(removed[next].first, removed[next].second);
      ++next;
      return go;
    }
    if (existed(id)) go = f(key, id);
    return go;
  });
  for (; next < removed.size() && go; ++next) go = f(removed[next].first, removed[next].second);
}

std::vector<std::uint64_t> name_candidates(const storage::View& view, std::string_view folded, std::uint64_t commit) {
  std::vector<std::uint64_t> out;
  view.scan(Cf::kNames, keys::name_prefix(folded), [&](std::string_view k, std::string_view) {
    out.push_back(keys::decode_id(k.substr(k.size() - 8)));
    return true;
  });
  const std::string prefix = keys::former_name_prefix(folded);
  view.scan(Cf::kHistory, prefix, [&](std::string_view k, std::string_view) {
    if (k.size() == prefix.size() + 16 && keys::history_until(k) > commit) out.push_back(coding::get_u64(k.data() + prefix.size()));
    return true;
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::pair<std::string, std::optional<std::uint64_t>>> versions(const storage::View& view, char kind,
                                                                           std::uint64_t id) {
  std::vector<std::pair<std::string, std::optional<std::uint64_t>>> out;
  view.scan(Cf::kHistory, keys::version_prefix(kind, id), [&](std::string_view k, std::string_view v) {
    out.emplace_back(std::string(v), keys::history_until(k));
    return true;
  });
  if (auto current = view.get(kind == keys::kNodeVersion ? Cf::kNodes : Cf::kEdges, keys::id(id))) {
    out.emplace_back(std::move(*current), std::nullopt);
  }
  return out;
}

std::vector<std::uint64_t> key_ids(const storage::View& view, std::string_view key_key) {
  std::vector<std::uint64_t> out = removed_key_ids(view, key_key, 0);
  if (auto id = view.get(Cf::kKeys, key_key)) out.push_back(keys::decode_id(*id));
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> edges_ever(const storage::View& view, std::uint64_t id) {
  std::vector<std::uint64_t> out;
  view.scan(Cf::kAdj, keys::id(id), [&](std::string_view, std::string_view v) {
    keys::RunReader r(v, id);
    while (r.next()) {
      if (r.op() == keys::RunReader::Op::kArc || r.op() == keys::RunReader::Op::kArcRemoved) out.push_back(r.arc().edge);
    }
    return true;
  });
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

Changed changed_between(const storage::View& view, std::uint64_t from, std::uint64_t to) {
  Changed out;
  auto in_span = [&](std::uint64_t c) { return c > from && c <= to; };
  // Versions a commit of the span ended (replaced or removed)...
  for (char kind : {keys::kNodeVersion, keys::kEdgeVersion}) {
    auto& ids = kind == keys::kNodeVersion ? out.nodes : out.edges;
    view.scan(Cf::kHistory, std::string(1, kind), [&](std::string_view k, std::string_view v) {
      if (in_span(keys::history_until(k)) || in_span(recorded_of(v))) ids.push_back(keys::version_id(k));
      return true;
    });
  }
  // ... and those it wrote that are current.
  for (Cf cf : {Cf::kNodes, Cf::kEdges}) {
    auto& ids = cf == Cf::kNodes ? out.nodes : out.edges;
    view.scan(cf, "", [&](std::string_view k, std::string_view v) {
      if (in_span(recorded_of(v))) ids.push_back(keys::decode_id(k));
      return true;
    });
  }
  for (auto* ids : {&out.nodes, &out.edges}) {
    std::sort(ids->begin(), ids->end());
    ids->erase(std::unique(ids->begin(), ids->end()), ids->end());
  }
  return out;
}

CompactReport compact_history(const storage::View& view, storage::Store::Batch& batch, std::uint64_t through) {
  CompactReport r;
  r.through = through;
  // Versions, removed keys and former names that ended by `through`: every key of the
  // history family but the log's ends in its `until`.
  view.scan(Cf::kHistory, "", [&](std::string_view k, std::string_view) {
    if (k.empty() || k[0] == keys::kCommitEntry || keys::history_until(k) > through) return true;
    switch (k[0]) {
      case keys::kNodeVersion: ++r.node_versions; break;
      case keys::kEdgeVersion: ++r.edge_versions; break;
      case keys::kRemovedKey: ++r.keys; break;
      case keys::kFormerName: ++r.names; break;
      default: throw corruption("a history key of unknown kind 0x{:02x}", static_cast<unsigned>(static_cast<unsigned char>(k[0])));
    }
    batch.del(Cf::kHistory, k);
    return true;
  });
  // Each node's runs up to `through`, when there are several (or the node was removed
  // by then): merged into the newest of them, or dropped with the node.
  auto cursor = view.cursor(Cf::kAdj, {}, storage::View::Access::kSequential);
  std::uint64_t node = ~std::uint64_t{0};
  std::vector<std::pair<std::string, std::string>> runs;  // (key, value) of `node` up to `through`
  auto flush = [&] {
    if (runs.empty()) return;
    keys::RunMerger m(node);
    for (const auto& [k, v] : runs) m.add(v);
    keys::NodeRuns merged = m.finish();
    if (runs.size() == 1 && !merged.head_removed) {
      runs.clear();
      return;
    }
    for (const auto& [k, v] : runs) batch.del(Cf::kAdj, k);
    r.runs += runs.size();
    if (!merged.head_removed) {
      keys::RunWriter w;
      if (merged.has_head) w.head(merged.head);
      for (const auto& a : merged.arcs) w.arc(a);
      batch.put(Cf::kAdj, runs.back().first, w.bytes());
    }
    runs.clear();
  };
  for (cursor.seek(""); cursor.valid(); cursor.next()) {
    const auto key = keys::decode_run_key(cursor.key());
    if (key.node != node) {
      flush();
      node = key.node;
    }
    if (key.commit <= through) runs.emplace_back(std::string(cursor.key()), std::string(cursor.value()));
  }
  flush();
  return r;
}

std::string format_time(std::int64_t us) {
  using namespace std::chrono;
  const sys_time<microseconds> t{microseconds{us}};
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<microseconds> hms{t - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), hms.hours().count(),
                     hms.minutes().count(), hms.seconds().count(), hms.subseconds().count());
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  // The date: a full one, checked by Date (the project's calendar).
  if (text.size() < 10) return std::nullopt;
  std::optional<Date> date;
  try {
    date = Date::parse(text.substr(0, 10));
  } catch (const Error&) {
    return std::nullopt;
  }
  if (date->precision() != Precision::kDay) return std::nullopt;
  std::size_t at = 10;
  auto digits = [&](std::size_t n, int& out) {
    if (at + n > text.size()) return false;
    out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      char c = text[at + i];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    at += n;
    return true;
  };
  auto expect = [&](char c) {
    if (at < text.size() && text[at] == c) {
      ++at;
      return true;
    }
    return false;
  };
  int h = 0, mi = 0, s = 0;
  std::int64_t us = 0;
  std::int64_t offset = 0;  // seconds east of UTC
  if (at < text.size()) {
    if (!expect('T') && !expect(' ')) return std::nullopt;
    if (!digits(2, h) || !expect(':') || !digits(2, mi)) return std::nullopt;
    if (expect(':')) {
      if (!digits(2, s)) return std::nullopt;
      if (expect('.')) {
        std::int64_t scale = 100000;
        std::size_t n = 0;
        for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++n, scale /= 10) {
          us += (text[at] - '0') * scale;  // digits past the sixth add 0
        }
        if (n == 0) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || s > 60) return std::nullopt;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
      const bool east = text[at++] == '+';
      int oh = 0, om = 0;
      if (!digits(2, oh)) return std::nullopt;
      expect(':');
      if (!digits(2, om) || oh > 23 || om > 59) return std::nullopt;
      offset = (east ? 1 : -1) * (oh * 3600 + om * 60);
    } else {
      expect('Z');
    }
    if (at != text.size()) return std::nullopt;
  }
  return (date->days() * 86400 + h * 3600 + mi * 60 + s - offset) * 1000000 + us;
}

}  // namespace graph
}  // namespace entente
