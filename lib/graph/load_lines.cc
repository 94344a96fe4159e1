// The transactional line import (graph/load_lines.h).
#include "graph/load_lines.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>

#include "common/error.h"
#include "common/text.h"
#include "graph/prepared.h"
#include "graph/state.h"

namespace entente::graph {

namespace {

// A message cut to at most about 2 KiB, so that an error about a huge value does not
// quote all of it. Cuts at UTF-8 character boundaries.
std::string clip(std::string_view msg) {
  constexpr std::size_t kHead = 1536, kTail = 256;
  if (msg.size() <= kHead + kTail + 64) return std::string(msg);
  std::size_t head = text::utf8_floor(msg, kHead), tail = text::utf8_floor(msg, msg.size() - kTail);
  return fmt::format("{}...({} bytes omitted)...{}", msg.substr(0, head), tail - head, msg.substr(tail));
}

// Reads one line (without its '\n') into `line`, reading at most `limit` bytes of it plus
// one buffer. Returns false at the end of input; sets `too_long` (and returns true) when
// the line is longer than `limit`.
bool read_line(std::istream& in, std::string& line, std::size_t limit, bool& too_long) {
  line.clear();
  too_long = false;
  char buf[64 * 1024];
  for (;;) {
    in.getline(buf, sizeof buf);
    auto n = static_cast<std::size_t>(in.gcount());
    if (in.bad()) return false;
    if (!in.fail()) {
      // A whole line: the newline was extracted (and counted), or the input ended after
      // at least one character.
      bool newline = !in.eof();
      line.append(buf, newline ? n - 1 : n);
      too_long = line.size() > limit;
      return true;
    }
    if (in.eof()) return !line.empty();  // the input ended; the line (if any) is whole
    // The buffer filled before a newline: keep reading, within the limit.
    line.append(buf, n);
    in.clear();
    if (line.size() > limit) {
      too_long = true;
      return true;
    }
  }
}

}  // namespace

namespace {

// A line read, checked and encoded on the parsing thread, in order.
struct ParsedLine {
  std::uint64_t line = 0;
  // monostate: a blank line. An Error is the line's fault; another exception (out of
  // memory, Cap'n Proto's) is carried over to be thrown on the transaction's thread as it is.
  std::variant<std::monostate, detail::PreparedNode, detail::PreparedEdge, Deletion, Error, std::exception_ptr> what;
};

class LinePipeline {
 public:
  LinePipeline(std::istream& in, std::shared_ptr<const catalog::Catalog> catalog, LineFormat format,
             std::size_t max_line_bytes)
      : in_(in), catalog_(std::move(catalog)), format_(format), max_(max_line_bytes), thread_([this] { run(); }) {}
  ~LinePipeline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // The next batch of lines; empty at the end of input.
  std::vector<ParsedLine> next() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) return {};
    auto batch = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();
    return batch;
  }
  bool read_failed() const { return bad_; }
  // Hands a batch back once it is written: the parser's thread frees it (a batch's strings
  // and records take long enough to free to slow the writing thread).
  void recycle(std::vector<ParsedLine>&& batch) {
    std::lock_guard<std::mutex> lock(mu_);
    used_.push_back(std::move(batch));
  }

 private:
  static constexpr std::size_t kBatch = 256, kQueued = 16;

  void push(std::vector<ParsedLine>& batch) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return queue_.size() < kQueued || stop_; });
    queue_.push_back(std::move(batch));
    batch.clear();
    cv_.notify_all();
  }
  void run() {
    std::vector<ParsedLine> batch;
    std::string line;
    bool too_long = false;
    std::uint64_t n = 0;
    bool failed = false;
    std::vector<std::vector<ParsedLine>> used;
    std::unique_ptr<LineReader> reader = format_.fast ? format_.fast() : nullptr;
    LineView view;
    while (!failed && read_line(in_, line, max_, too_long)) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) break;
        if (n % kBatch == 0) used.swap(used_);
      }
      used.clear();
      ParsedLine p;
      p.line = ++n;
      if (too_long) {
        p.what = invalid("line {} is longer than the limit of {}", n, text::human_size(max_));
        failed = true;
      } else {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.find_first_not_of(" \t") != std::string::npos) {
          try {
            p.what = prepare(line, reader.get(), view);
          } catch (const Error& e) {
            p.what = e;
            failed = true;  // the import stops at the first bad line
          } catch (...) {
            p.what = std::current_exception();  // not to end the process on this thread
            failed = true;
          }
        }
      }
      batch.push_back(std::move(p));
      if (batch.size() >= kBatch || failed) push(batch);
    }
    if (!batch.empty()) push(batch);
    std::lock_guard<std::mutex> lock(mu_);
    bad_ = in_.bad();
    done_ = true;
    cv_.notify_all();
  }

  // The line prepared: from the fast reader's views where it reads the line and what it
  // read is accepted, else from the format's parser (whose error is the one reported).
  std::variant<std::monostate, detail::PreparedNode, detail::PreparedEdge, Deletion, Error, std::exception_ptr> prepare(
      std::string& line, LineReader* reader, LineView& view) {
    const auto& catalog = *catalog_;
    if (reader) {
      // The fast reader reads up to kPadding bytes past the end: written, then cut off
      // again (the string keeps them).
      const std::size_t size = line.size();
      line.append(kPadding, '\0');
      line.resize(size);
      if (reader->read(line, size + kPadding, view)) {
        if (view.is_node) {
          if (auto p = detail::prepare_node(catalog, view.node)) return std::move(*p);
        } else if (auto p = detail::prepare_edge(catalog, view.edge)) {
          return std::move(*p);
        }
      }
    }
    auto parsed = format_.parse(line);
    if (auto* n = std::get_if<NodeInput>(&parsed)) return detail::prepare_node(catalog, *n);
    if (auto* d = std::get_if<Deletion>(&parsed)) return std::move(*d);
    return detail::prepare_edge(catalog, std::get<EdgeInput>(parsed));
  }

  static constexpr std::size_t kPadding = 64;  // simdjson's (graph::LineReader::read)

  std::istream& in_;
  std::shared_ptr<const catalog::Catalog> catalog_;
  LineFormat format_;
  std::size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<ParsedLine>> queue_;
  std::vector<std::vector<ParsedLine>> used_;  // written batches, for the parser's thread to free
  bool stop_ = false, done_ = false, bad_ = false;
  std::thread thread_;  // last: it starts once the rest is ready
};

}  // namespace

ImportStats load_lines(Transaction& txn, std::istream& in, std::string_view source,
                       const std::function<void(std::uint64_t)>& progress, std::size_t max_line_bytes,
                       LineFormat format) {
  ImportStats stats;
  LinePipeline parser(in, graph::Internals::context(txn).catalog, format, max_line_bytes);
  // The caches' slots a put looks up first are asked for this many lines ahead: at 10^6
  // records and more they are mostly not in the processor's caches.
  constexpr std::size_t kAhead = 8;
  auto prefetch = [&txn](const ParsedLine& p) {
    if (const auto* n = std::get_if<detail::PreparedNode>(&p.what)) {
      detail::Writes::prefetch(txn, *n);
    } else if (const auto* e = std::get_if<detail::PreparedEdge>(&p.what)) {
      detail::Writes::prefetch(txn, *e);
    }
  };
  for (auto batch = parser.next(); !batch.empty(); batch = parser.next()) {
    for (std::size_t i = 0; i < std::min(kAhead, batch.size()); ++i) prefetch(batch[i]);
    for (std::size_t i = 0; i < batch.size(); ++i) {
      auto& p = batch[i];
      if (i + kAhead < batch.size()) prefetch(batch[i + kAhead]);
      stats.lines = p.line;
      try {
        if (auto* n = std::get_if<detail::PreparedNode>(&p.what)) {
          detail::Writes::put(txn, *n);
          ++stats.nodes;
        } else if (auto* e = std::get_if<detail::PreparedEdge>(&p.what)) {
          detail::Writes::put(txn, *e);
          ++stats.edges;
        } else if (auto* d = std::get_if<Deletion>(&p.what)) {
          ++(txn.remove(*d) ? stats.deletions : stats.absent);
        } else if (auto* err = std::get_if<Error>(&p.what)) {
          throw *err;
        } else if (auto* other = std::get_if<std::exception_ptr>(&p.what)) {
          std::rethrow_exception(*other);
        }
      } catch (const Error& e) {
        throw Error(e.kind(), clip(fmt::format("{}:{}: {}", source, stats.lines, e.what())));
      }
      if (progress && stats.lines % 100000 == 0) progress(stats.lines);
    }
    parser.recycle(std::move(batch));
  }
  if (parser.read_failed()) throw io_error("{}: read error after line {}", source, stats.lines);
  return stats;
}

}  // namespace entente::graph
