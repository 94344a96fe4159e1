// Record time (format 6): the commit log and the versions of records that later commits
// replaced or removed, in the `history` column family (storage/keys.h; docs/format.md,
// "Format 6").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "entente/database.h"
#include "storage/store.h"

namespace entente::graph {

// The bytes of a commit's log entry (a CommitRecord message), and back.
std::string encode_commit(const CommitInfo& info);
CommitInfo decode_commit(std::string_view bytes);

// The time a new commit `number` is given: now, or the time of the commit before it when
// that is later (a clock set back), so that the log's times never go back.
std::int64_t commit_time(const storage::View& view, std::uint64_t number);

// Adds the log entry of commit `info.number` to the batch, timed as commit_time would
// (from the stored commit before it: the batch is not read, so that it need not index).
void log_commit(storage::Store::Batch& batch, CommitInfo info);

// The log, oldest first.
std::vector<CommitInfo> read_log(const storage::View& view);

// ---- reads as of a commit

// The bytes of record `id` (kind keys::kNodeVersion: a node; kEdgeVersion: an edge) as it
// stood after commit `commit`: the current record when it was written by that commit or an
// earlier one (or before record time: `recorded` 0), else the version the history family
// kept that was current then; nullopt when the record did not exist then.
std::optional<std::string> record_as_of(const storage::View& view, char kind, std::uint64_t id, std::uint64_t commit);

// The ids of the nodes key `key_key` (keys::node_key) named that were removed after commit
// `commit` (the history's removed keys). With the key's current node, these are the nodes it
// may have named then; the caller checks which existed then.
std::vector<std::uint64_t> removed_key_ids(const storage::View& view, std::string_view key_key, std::uint64_t commit);

// Calls f(key, id) for each node of type `tag` that existed after commit `commit` (nullopt:
// now), in key order, until f returns false.
void scan_type(const storage::View& view, std::uint32_t tag, std::optional<std::uint64_t> commit,
               const std::function<bool(std::string_view key, std::uint64_t id)>& f);

// The ids of the nodes that have had the folded name `folded` since commit `commit`'s end:
// those the `names` index gives now and those the history's former names give (removed
// after it). The caller checks which had it then.
std::vector<std::uint64_t> name_candidates(const storage::View& view, std::string_view folded, std::uint64_t commit);

// Every version of record `id` (kind: a node or an edge) with the commit that ended it
// (nullopt for the current one), oldest first.
std::vector<std::pair<std::string, std::optional<std::uint64_t>>> versions(const storage::View& view, char kind,
                                                                           std::uint64_t id);
// The ids of the nodes key `key_key` has named: the current one and the removed ones.
std::vector<std::uint64_t> key_ids(const storage::View& view, std::string_view key_key);
// The edges that have ever been at node `id`, from all its adjacency runs.
std::vector<std::uint64_t> edges_ever(const storage::View& view, std::uint64_t id);
// Database::changed.
Changed changed_between(const storage::View& view, std::uint64_t from, std::uint64_t to);
// Database::compact_history's writes into `batch` (which reads `view`'s state), but for
// its log entry and meta.
CompactReport compact_history(const storage::View& view, storage::Store::Batch& batch, std::uint64_t through);

// Database::snapshot_as_of and commit_as_of for the database of a reader (the query
// language's AS OF).
std::unique_ptr<Snapshot> snapshot_as_of(const Reader& reader, std::uint64_t commit);
std::uint64_t commit_as_of(const Reader& reader, std::string_view text);

// Microseconds since 1970 UTC as ISO 8601 ("2026-12-08T02:15:11.123456Z"), and back: a
// date, a date and time (to the second or to fractions of one) with Z or an offset, or
// none (UTC). nullopt when `text` is none of these.
std::string format_time(std::int64_t us);
std::optional<std::int64_t> parse_time(std::string_view text);

}  // namespace entente::graph
