// The query language's lexer: text to tokens, each with its line and column.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace entente::ql {

// A place in the query text: 1-based line and column (columns count characters, not bytes).
struct Pos {
  int line = 1;
  int col = 1;
};

enum class Tok {
  kEnd,
  kIdent,     // a name or keyword (keywords are recognised by the parser, ignoring case)
  kQuoted,    // a `back-quoted` name: never a keyword
  kInt,
  kFloat,
  kString,
  kParam,     // $name; text is the name
  kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace,
  kComma, kDot, kDotDot, kColon, kPipe, kSemicolon,
  kEq, kNe, kLt, kLe, kGt, kGe, kRegex,
  kPlus, kMinus, kStar, kSlash, kPercent, kCaret,
};

struct Token {
  Tok kind = Tok::kEnd;
  std::string text;          // the name, the string's value (escapes decoded), the number's digits
  Pos pos;
  std::size_t begin = 0;     // byte offsets of the token in the text
  std::size_t end = 0;
};

// Splits the text into tokens, ending with kEnd. Skips spaces and comments (// to the end
// of the line, /* ... */). Throws Error(kInvalid) "line L:C: ..." for a bad character, an
// unterminated string or comment, or a bad escape.
std::vector<Token> lex(std::string_view text);

// A token kind as the user would write it, for messages: "')'", "a name", "the end of the query".
std::string describe(Tok kind);
// The token as found, for messages: "'RETURN'", "the end of the query".
std::string describe(const Token& t);

}  // namespace entente::ql
