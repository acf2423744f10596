// JSON text pieces: strings are quoted and escaped exactly as a JSON parser reads them back, numbers
// and cursors are written in their canonical form.
#include "protocol/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

#include "core/cursor.hpp"

namespace herald {
namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

TEST(JsonText, PlainTextIsQuotedAsItIs) {
  EXPECT_EQ(json_string("room-1.a:b@c=d_e"), R"("room-1.a:b@c=d_e")");
  EXPECT_EQ(json_string(""), R"("")");
}

TEST(JsonText, QuotesBackslashesAndControlBytesAreEscaped) {
  EXPECT_EQ(json_string("a\"b"), R"("a\"b")");
  EXPECT_EQ(json_string("a\\b"), R"("a\\b")");
  EXPECT_EQ(json_string("line\nnext"), R"("line\nnext")");
  EXPECT_EQ(json_string(std::string_view("\x01", 1)), R"("\u0001")");
}

TEST(JsonText, NonAsciiTextReadsBackTheSame) {
  const std::string text = "caf\xc3\xa9 \xe2\x9c\x93 \x7f";
  EXPECT_EQ(boost::json::parse(json_string(text)).as_string(), text);
}

TEST(JsonText, AppendsToWhatIsThere) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  out += '}';
  EXPECT_EQ(out, R"({"k":"v"})");
}

TEST(JsonText, DecimalsCoverTheirWholeRange) {
  std::string out;
  append_decimal(out, std::uint64_t{0});
  out += ' ';
  append_decimal(out, std::numeric_limits<std::uint64_t>::max());
  out += ' ';
  append_decimal(out, std::numeric_limits<std::int64_t>::min());
  out += ' ';
  append_decimal(out, std::int64_t{1764268800000});
  EXPECT_EQ(out, "0 18446744073709551615 -9223372036854775808 1764268800000");
}

TEST(JsonText, CursorIsEpochColonOffset) {
  std::string out;
  append_cursor(out, "k3j9x0aa", 42);
  EXPECT_EQ(out, "k3j9x0aa:42");
  EXPECT_EQ(out, (Cursor{"k3j9x0aa", 42}.to_string()));
}

}  // namespace
}  // namespace herald
