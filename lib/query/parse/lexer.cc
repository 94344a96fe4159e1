#include "query/parse/lexer.h"

#include <cctype>

#include <fmt/format.h>

#include "common/error.h"
#include "common/text.h"

namespace entente::ql {
namespace {

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> run() {
    std::vector<Token> out;
    for (;;) {
      skip_space();
      Token t;
      t.pos = pos_;
      t.begin = i_;
      if (i_ >= s_.size()) {
        // The end is reported where the last token ends, not after trailing space.
        t.kind = Tok::kEnd;
        if (!out.empty()) t.pos = last_end_;
        t.end = i_;
        out.push_back(std::move(t));
        return out;
      }
      scan(t);
      t.end = i_;
      last_end_ = pos_;
      out.push_back(std::move(t));
    }
  }

 private:
  char peek(std::size_t k = 0) const { return i_ + k < s_.size() ? s_[i_ + k] : '\0'; }

  void advance() {
    char c = s_[i_++];
    if (c == '\n') {
      ++pos_.line;
      pos_.col = 1;
    } else if (!text::utf8_continuation(c)) {
      // A new character (not a UTF-8 continuation byte). Its first byte was counted; the
      // column is that of the next character.
      ++pos_.col;
    }
  }
  void advance_n(std::size_t n) {
    for (std::size_t k = 0; k < n; ++k) advance();
  }

  [[noreturn]] void fail(Pos p, const std::string& why) const { throw invalid("line {}:{}: {}", p.line, p.col, why); }

  void skip_space() {
    for (;;) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (i_ < s_.size() && peek() != '\n') advance();
      } else if (c == '/' && peek(1) == '*') {
        Pos start = pos_;
        advance_n(2);
        while (!(peek() == '*' && peek(1) == '/')) {
          if (i_ >= s_.size()) fail(start, "unterminated comment: '/*' without '*/'");
          advance();
        }
        advance_n(2);
      } else {
        return;
      }
    }
  }

  static bool ident_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || (static_cast<unsigned char>(c) >= 0x80);
  }
  static bool ident_char(char c) { return ident_start(c) || std::isdigit(static_cast<unsigned char>(c)); }

  void scan(Token& t) {
    char c = peek();
    if (ident_start(c)) {
      while (i_ < s_.size() && ident_char(peek())) advance();
      t.kind = Tok::kIdent;
      t.text = std::string(s_.substr(t.begin, i_ - t.begin));
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) return number(t);
    if (c == '\'' || c == '"') return string(t);
    if (c == '`') {
      advance();
      std::string name;
      while (peek() != '`') {
        if (i_ >= s_.size() || peek() == '\n') fail(t.pos, "unterminated quoted name: '`' without a closing '`'");
        name.push_back(peek());
        advance();
      }
      advance();
      if (name.empty()) fail(t.pos, "empty quoted name ``");
      t.kind = Tok::kQuoted;
      t.text = std::move(name);
      return;
    }
    if (c == '$') {
      advance();
      std::size_t start = i_;
      while (i_ < s_.size() && ident_char(peek())) advance();
      if (i_ == start) fail(t.pos, "expected a parameter name after '$'");
      t.kind = Tok::kParam;
      t.text = std::string(s_.substr(start, i_ - start));
      return;
    }
    auto one = [&](Tok k) {
      advance();
      t.kind = k;
    };
    auto two = [&](Tok k) {
      advance_n(2);
      t.kind = k;
    };
    switch (c) {
      case '(': return one(Tok::kLParen);
      case ')': return one(Tok::kRParen);
      case '[': return one(Tok::kLBracket);
      case ']': return one(Tok::kRBracket);
      case '{': return one(Tok::kLBrace);
      case '}': return one(Tok::kRBrace);
      case ',': return one(Tok::kComma);
      case ':': return one(Tok::kColon);
      case '|': return one(Tok::kPipe);
      case ';': return one(Tok::kSemicolon);
      case '+': return one(Tok::kPlus);
      case '-': return one(Tok::kMinus);
      case '*': return one(Tok::kStar);
      case '/': return one(Tok::kSlash);
      case '%': return one(Tok::kPercent);
      case '^': return one(Tok::kCaret);
      case '.':
        if (peek(1) == '.') return two(Tok::kDotDot);
        return one(Tok::kDot);
      case '=':
        if (peek(1) == '~') return two(Tok::kRegex);
        return one(Tok::kEq);
      case '!':
        if (peek(1) == '=') return two(Tok::kNe);
        break;
      case '<':
        if (peek(1) == '>') return two(Tok::kNe);
        if (peek(1) == '=') return two(Tok::kLe);
        return one(Tok::kLt);
      case '>':
        if (peek(1) == '=') return two(Tok::kGe);
        return one(Tok::kGt);
      default:
        break;
    }
    std::string shown = std::isprint(static_cast<unsigned char>(c)) ? fmt::format("'{}'", c)
                                                                     : fmt::format("byte 0x{:02x}", static_cast<unsigned char>(c));
    fail(t.pos, fmt::format("unexpected character {}", shown));
  }

  void number(Token& t) {
    while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
    bool is_float = false;
    // "1..3" is a range, not the float "1." followed by ".3".
    if (peek() == '.' && std::isdigit(static_cast<unsigned char>(peek(1)))) {
      is_float = true;
      advance();
      while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
    }
    if ((peek() == 'e' || peek() == 'E') &&
        (std::isdigit(static_cast<unsigned char>(peek(1))) ||
         ((peek(1) == '+' || peek(1) == '-') && std::isdigit(static_cast<unsigned char>(peek(2)))))) {
      is_float = true;
      advance_n(2);
      while (std::isdigit(static_cast<unsigned char>(peek()))) advance();
    }
    if (ident_start(peek())) fail(pos_, fmt::format("unexpected character '{}' after a number", peek()));
    t.kind = is_float ? Tok::kFloat : Tok::kInt;
    t.text = std::string(s_.substr(t.begin, i_ - t.begin));
  }


  void string(Token& t) {
    char quote = peek();
    advance();
    std::string value;
    for (;;) {
      if (i_ >= s_.size()) fail(t.pos, fmt::format("unterminated string: {} without a closing {}", quote, quote));
      char c = peek();
      if (c == quote) {
        advance();
        break;
      }
      if (c != '\\') {
        value.push_back(c);
        advance();
        continue;
      }
      Pos at = pos_;
      advance();
      char e = peek();
      if (i_ >= s_.size()) fail(t.pos, fmt::format("unterminated string: {} without a closing {}", quote, quote));
      advance();
      switch (e) {
        case '\\': value.push_back('\\'); break;
        case '\'': value.push_back('\''); break;
        case '"': value.push_back('"'); break;
        case 'n': value.push_back('\n'); break;
        case 't': value.push_back('\t'); break;
        case 'r': value.push_back('\r'); break;
        case 'b': value.push_back('\b'); break;
        case 'f': value.push_back('\f'); break;
        case 'u': {
          unsigned long cp = 0;
          for (int k = 0; k < 4; ++k) {
            char h = peek();
            if (!std::isxdigit(static_cast<unsigned char>(h))) fail(at, "bad escape: \\u needs four hex digits");
            cp = cp * 16 + static_cast<unsigned long>(std::isdigit(static_cast<unsigned char>(h)) ? h - '0'
                                                                                                  : (std::tolower(h) - 'a' + 10));
            advance();
          }
          if (cp >= 0xd800 && cp <= 0xdfff) fail(at, "bad escape: \\u of a surrogate");
          text::append_utf8(value, cp);
          break;
        }
        default:
          fail(at, fmt::format("bad escape '\\{}' in a string (use \\\\, \\', \\\", \\n, \\t or \\uXXXX)", e));
      }
    }
    t.kind = Tok::kString;
    t.text = std::move(value);
  }

  std::string_view s_;
  std::size_t i_ = 0;
  Pos pos_;
  Pos last_end_;
};

}  // namespace

std::vector<Token> lex(std::string_view text) { return Lexer(text).run(); }

std::string describe(Tok kind) {
  switch (kind) {
    case Tok::kEnd: return "the end of the query";
    case Tok::kIdent: return "a name";
    case Tok::kQuoted: return "a quoted name";
    case Tok::kInt: return "an integer";
    case Tok::kFloat: return "a number";
    case Tok::kString: return "a string";
    case Tok::kParam: return "a parameter";
    case Tok::kLParen: return "'('";
    case Tok::kRParen: return "')'";
    case Tok::kLBracket: return "'['";
    case Tok::kRBracket: return "']'";
    case Tok::kLBrace: return "'{'";
    case Tok::kRBrace: return "'}'";
    case Tok::kComma: return "','";
    case Tok::kDot: return "'.'";
    case Tok::kDotDot: return "'..'";
    case Tok::kColon: return "':'";
    case Tok::kPipe: return "'|'";
    case Tok::kSemicolon: return "';'";
    case Tok::kEq: return "'='";
    case Tok::kNe: return "'<>'";
    case Tok::kLt: return "'<'";
    case Tok::kLe: return "'<='";
    case Tok::kGt: return "'>'";
    case Tok::kGe: return "'>='";
    case Tok::kRegex: return "'=~'";
    case Tok::kPlus: return "'+'";
    case Tok::kMinus: return "'-'";
    case Tok::kStar: return "'*'";
    case Tok::kSlash: return "'/'";
    case Tok::kPercent: return "'%'";
    case Tok::kCaret: return "'^'";
  }
  return "?";
}

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::kEnd: return "the end of the query";
    case Tok::kIdent:
    case Tok::kInt:
    case Tok::kFloat: return fmt::format("'{}'", t.text);
    case Tok::kQuoted: return fmt::format("`{}`", t.text);
    case Tok::kString: {
      // (Built with append: gcc 12 warns of a false out-of-bounds copy for substr(...) + "...".)
      std::string shown = t.text.substr(0, 40);
      if (t.text.size() > 40) shown.append("...");
      return fmt::format("the string '{}'", shown);
    }
    case Tok::kParam: return fmt::format("'${}'", t.text);
    default: return describe(t.kind);
  }
}

}  // namespace entente::ql
