// Exact JSON parsing (see exact_json.hpp): a Boost.JSON basic_parser handler that builds the value like
// boost::json::parser does, but decides each non-integer number from its source text.
#include "protocol/http/exact_json.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>
#include <charconv>

namespace herald {
namespace json = boost::json;
namespace {

// Longest number text quoted in an error message; longer ones are cut (they can be megabytes long).
constexpr std::size_t kMaxQuotedNumber = 40;

// A number literal without fraction or exponent: Boost.JSON reports it as a double only when it does
// not fit 64 bits.
bool is_integer_literal(std::string_view text) { return text.find_first_of(".eE") == std::string_view::npos; }

class ExactHandler {
 public:
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack stack;
  std::optional<std::string> unrepresentable;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    stack.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    stack.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    stack.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    stack.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    stack.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    number_text_.append(s.data(), s.size());
    return true;
  }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    number_text_.clear();
    stack.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    number_text_.clear();
    stack.push_uint64(u);
    return true;
  }
  bool on_double(double, json::string_view s, json::error_code&) {
    number_text_.append(s.data(), s.size());
    if (auto exact = exact_double(number_text_)) {
      stack.push_double(*exact);
    } else {
      if (!unrepresentable) unrepresentable = number_text_;
      stack.push_null();
    }
    number_text_.clear();
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    stack.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    stack.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  // The correctly rounded double of a (syntactically valid) number literal, or nullopt when the literal
  // is an integer beyond 64 bits or lies outside the range of finite doubles (it would become infinity,
  // or zero although it is not zero).
  static std::optional<double> exact_double(const std::string& text) {
    if (is_integer_literal(text)) return std::nullopt;
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
  }

  std::string number_text_;  // the parts of a number split across input buffers
};

}  // namespace

ExactJson parse_exact_json(std::string_view text, boost::system::error_code& ec) {
  json::basic_parser<ExactHandler> parser{json::parse_options{}};
  parser.reset();
  parser.handler().stack.reset();
  std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  if (!ec && used < text.size()) ec = json::error::extra_data;  // what boost::json::parse also refuses
  if (ec) return {};
  return {parser.handler().stack.release(), std::move(parser.handler().unrepresentable)};
}

ApiError invalid_number_error(std::string_view literal) {
  std::string quoted(literal.substr(0, kMaxQuotedNumber));
  if (literal.size() > kMaxQuotedNumber) quoted += "...";
  return {http::status::bad_request, "invalid_number",
          "the number " + quoted +
              " cannot be carried exactly: JSON numbers must be 64-bit integers or within the range of a "
              "double; send such numbers as strings"};
}

}  // namespace herald
