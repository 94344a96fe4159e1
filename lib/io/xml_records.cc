#include "io/xml_records.h"

#include <expat.h>

#include "common/error.h"

namespace entente::io {
namespace {

constexpr std::size_t kChunk = 64 * 1024;
// A markup token (a start tag with its attributes, a comment, a processing instruction) is
// held whole by expat; past this many bytes without a parse event the input is refused.
constexpr std::uint64_t kMaxToken = XmlRecordReader::kMaxText + kChunk;

XML_Parser parser_of(void* p) { return static_cast<XML_Parser>(p); }

}  // namespace

// The expat callbacks. They must not throw through expat's C frames: a failure is recorded
// and the parser stopped.
struct XmlRecordReader::Handlers {
  static XmlRecordReader& self(void* data) { return *static_cast<XmlRecordReader*>(data); }

  static void mark(XmlRecordReader& r) {
    r.last_event_ = static_cast<std::uint64_t>(XML_GetCurrentByteIndex(parser_of(r.parser_)));
  }

  static void start(void* data, const XML_Char* name, const XML_Char** attrs) {
    auto& r = self(data);
    try {
      mark(r);
      ++r.depth_;
      std::string_view n(name);
      if (r.depth_ == 1) {
        if (n != r.root_) r.fail(fmt::format("the root element is <{}>, not <{}>", n, r.root_));
        return;
      }
      if (r.depth_ == 2) {
        if (n != r.record_) return;
        r.in_record_ = true;
        r.current_ = XmlRecord{};
        r.current_.line = XML_GetCurrentLineNumber(parser_of(r.parser_));
        for (int i = 0; attrs[i]; i += 2) r.current_.attrs.emplace(attrs[i], attrs[i + 1]);
        return;
      }
      if (!r.in_record_) return;
      if (r.depth_ == 3 && r.wanted_.count(std::string(n)) && !r.current_.fields.count(std::string(n))) {
        XmlField& f = r.current_.fields[std::string(n)];
        f.line = XML_GetCurrentLineNumber(parser_of(r.parser_));
        for (int i = 0; attrs[i]; i += 2) f.attrs.emplace(attrs[i], attrs[i + 1]);
        r.capture_ = &f;
        r.capture_depth_ = 3;
      }
    } catch (const std::exception& e) {
      r.fail(e.what());
    }
  }

  static void end(void* data, const XML_Char*) {
    auto& r = self(data);
    try {
      mark(r);
      if (r.capture_ && r.depth_ == r.capture_depth_) r.capture_ = nullptr;
      if (r.depth_ == 2 && r.in_record_) {
        r.in_record_ = false;
        r.ready_.push_back(std::move(r.current_));
        r.current_ = XmlRecord{};
      }
      --r.depth_;
    } catch (const std::exception& e) {
      r.fail(e.what());
    }
  }

  static void text(void* data, const XML_Char* s, int len) {
    auto& r = self(data);
    try {
      mark(r);
      if (!r.capture_) return;
      if (r.capture_->text.size() + static_cast<std::size_t>(len) > kMaxText) {
        r.fail(fmt::format("the text of an element is longer than the limit of {} bytes", kMaxText));
        return;
      }
      r.capture_->text.append(s, static_cast<std::size_t>(len));
    } catch (const std::exception& e) {
      r.fail(e.what());
    }
  }

  static void doctype(void* data, const XML_Char*, const XML_Char*, const XML_Char*, int) {
    self(data).fail("a document type declaration (<!DOCTYPE>) is refused: entities are never expanded");
  }
};

XmlRecordReader::XmlRecordReader(std::istream& in, std::string source, std::string root, std::string record,
                                 std::set<std::string> wanted)
    : in_(in), source_(std::move(source)), root_(std::move(root)), record_(std::move(record)), wanted_(std::move(wanted)) {
  XML_Parser p = XML_ParserCreate(nullptr);
  if (!p) throw io_error("cannot create an XML parser (out of memory)");
  parser_ = p;
  XML_SetUserData(p, this);
  XML_SetElementHandler(p, &Handlers::start, &Handlers::end);
  XML_SetCharacterDataHandler(p, &Handlers::text);
  XML_SetStartDoctypeDeclHandler(p, &Handlers::doctype);
  // Never read external entities (expat's default), and never parse parameter entities.
  XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
}

XmlRecordReader::~XmlRecordReader() { XML_ParserFree(parser_of(parser_)); }

void XmlRecordReader::fail(std::string reason) {
  if (!error_) {
    error_ = fmt::format("{}:{}: {}", source_, XML_GetCurrentLineNumber(parser_of(parser_)), reason);
  }
  XML_StopParser(parser_of(parser_), XML_FALSE);
}

bool XmlRecordReader::next(XmlRecord& out) {
  XML_Parser p = parser_of(parser_);
  for (;;) {
    // Records completed before a failure are handed out first.
    if (!ready_.empty()) {
      out = std::move(ready_.front());
      ready_.pop_front();
      return true;
    }
    if (error_) throw invalid("{}", *error_);
    if (done_) return false;
    char buf[kChunk];
    auto* sb = in_.rdbuf();
    std::streamsize n = sb ? sb->sgetn(buf, sizeof buf) : 0;
    if (in_.bad()) throw io_error("{}: read error", source_);
    bytes_ += static_cast<std::uint64_t>(n);
    bool last = n < static_cast<std::streamsize>(sizeof buf);
    if (n == 0) last = true;
    if (XML_Parse(p, buf, static_cast<int>(n), last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
      if (!error_) {
        error_ = fmt::format("{}:{}: malformed XML: {}", source_, XML_GetCurrentLineNumber(p),
                             XML_ErrorString(XML_GetErrorCode(p)));
      }
      continue;
    }
    if (!error_ && bytes_ - last_event_ > kMaxToken) {
      error_ = fmt::format("{}:{}: a markup token (a tag, comment or declaration) is longer than the limit of {} bytes",
                           source_, XML_GetCurrentLineNumber(p), XmlRecordReader::kMaxText);
    }
    if (last) {
      done_ = true;
      if (!error_ && depth_ != 0) error_ = fmt::format("{}: the file ends inside <{}>", source_, root_);
    }
  }
}

}  // namespace entente::io
