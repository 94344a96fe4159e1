// Record time (format 6): the commit log and the versions of records that later commits
// replaced or removed, in the `history` column family (storage/keys.h; docs/format.md,
// "Format 6").
#pragma once

#include <cstdint>
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

// Adds the log entry of commit `info.number` to the batch, timed by commit_time.
void log_commit(storage::Store::Batch& batch, CommitInfo info);

// The log, oldest first.
std::vector<CommitInfo> read_log(const storage::View& view);

// Microseconds since 1970 UTC as ISO 8601 ("2026-12-08T02:15:11.123456Z"), and back: a
// date, a date and time (to the second or to fractions of one) with Z or an offset, or
// none (UTC). nullopt when `text` is none of these.
std::string format_time(std::int64_t us);
std::optional<std::int64_t> parse_time(std::string_view text);

}  // namespace entente::graph
