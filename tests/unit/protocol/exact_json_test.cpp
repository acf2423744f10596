// Exact JSON parsing: numbers that cannot be carried exactly are named instead of being rounded or turned
// into infinity; every other document parses as boost::json::parse would.
#include "protocol/http/exact_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <limits>

namespace herald {
namespace {
namespace json = boost::json;

ExactJson parsed(std::string_view text) {
  boost::system::error_code ec;
  ExactJson result = parse_exact_json(text, ec);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  return result;
}

// The number literal `text` as a whole document: its source text when it cannot be carried.
std::optional<std::string> unrepresentable(std::string_view text) { return parsed(text).unrepresentable; }

TEST(ExactJson, ParsesLikeBoostJson) {
  for (std::string_view text :
       {R"({"a":[1,-2,"x",true,false,null,{"b":{}}],"c":"\u00e9"})", R"([])", R"("text")", "0", "  7  "}) {
    ExactJson result = parsed(text);
    EXPECT_EQ(result.value, json::parse(text)) << text;
    EXPECT_FALSE(result.unrepresentable) << text;
  }
}

TEST(ExactJson, SyntaxErrorsSetTheErrorCode) {
  for (std::string_view text : {"", "{", "[1,]", "{\"a\":1} x", "01", "1.", "NaN", "Infinity", "-"}) {
    boost::system::error_code ec;
    parse_exact_json(text, ec);
    EXPECT_TRUE(ec) << text;
  }
}

TEST(ExactJson, DepthLimitIsBoostJsonsDefault) {
  boost::system::error_code ec;
  parse_exact_json(std::string(32, '[') + std::string(32, ']'), ec);
  EXPECT_FALSE(ec);
  parse_exact_json(std::string(33, '[') + std::string(33, ']'), ec);
  EXPECT_TRUE(ec);
}

TEST(ExactJson, SixtyFourBitIntegersStayIntegers) {
  EXPECT_EQ(parsed("9223372036854775807").value, json::value(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(parsed("-9223372036854775808").value, json::value(std::numeric_limits<std::int64_t>::min()));
  EXPECT_EQ(parsed("18446744073709551615").value, json::value(std::numeric_limits<std::uint64_t>::max()));
}

TEST(ExactJson, IntegersBeyondSixtyFourBitsAreUnrepresentable) {
  EXPECT_EQ(unrepresentable("18446744073709551616"), "18446744073709551616");
  EXPECT_EQ(unrepresentable("-9223372036854775809"), "-9223372036854775809");
  EXPECT_EQ(unrepresentable("123456789012345678901234567890"), "123456789012345678901234567890");
}

TEST(ExactJson, NumbersBeyondTheDoubleRangeAreUnrepresentable) {
  EXPECT_EQ(unrepresentable("1e999999"), "1e999999");
  EXPECT_EQ(unrepresentable("-1e309"), "-1e309");
  EXPECT_EQ(unrepresentable("1.8e308"), "1.8e308");
  EXPECT_EQ(unrepresentable("1e-400"), "1e-400");  // would become 0
  EXPECT_EQ(unrepresentable("-2e-324"), "-2e-324");
}

TEST(ExactJson, FiniteDoublesAreKept) {
  EXPECT_EQ(parsed("1.5").value, json::value(1.5));
  EXPECT_EQ(parsed("1e300").value, json::value(1e300));
  EXPECT_EQ(parsed("1.7976931348623157e308").value, json::value(std::numeric_limits<double>::max()));
  EXPECT_EQ(parsed("4.9e-324").value, json::value(std::numeric_limits<double>::denorm_min()));
  EXPECT_EQ(parsed("1E2").value, json::value(100.0));
  EXPECT_EQ(parsed("0e-999999").value, json::value(0.0));
  EXPECT_EQ(parsed("123456789012345678901234567890.0").value, json::value(1.2345678901234568e29));
  double negative_zero = parsed("-0.0").value.as_double();
  EXPECT_EQ(negative_zero, 0.0);
  EXPECT_TRUE(std::signbit(negative_zero));
}

TEST(ExactJson, DoublesAreCorrectlyRounded) {
  // The nearest double; Boost.JSON 1.81's own conversion is one unit off for this literal.
  EXPECT_EQ(parsed("2.2250738585072011e-308").value.as_double(), 2.2250738585072009e-308);
  EXPECT_EQ(parsed("2.4703282292062328e-324").value.as_double(), std::numeric_limits<double>::denorm_min());
}

TEST(ExactJson, ANumberThatCannotBeCarriedBecomesNullAndTheFirstIsNamed) {
  ExactJson result = parsed(R"({"id":7,"data":[1e999,2,123456789012345678901234567890]})");
  EXPECT_EQ(result.unrepresentable, "1e999");
  EXPECT_EQ(result.value, json::parse(R"({"id":7,"data":[null,2,null]})"));
}

TEST(ExactJson, ErrorNamesTheNumberAndSuggestsStrings) {
  ApiError error = invalid_number_error("1e999999");
  EXPECT_EQ(error.status, http::status::bad_request);
  EXPECT_EQ(error.code, "invalid_number");
  EXPECT_NE(error.message.find("1e999999"), std::string::npos);
  EXPECT_NE(error.message.find("string"), std::string::npos);
}

TEST(ExactJson, ErrorShortensLongNumbers) {
  std::string huge(100000, '9');
  ApiError error = invalid_number_error(huge);
  EXPECT_LT(error.message.size(), 300u);
}

}  // namespace
}  // namespace herald
