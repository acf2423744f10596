// decode_message: the header check and attribute walk, then the rules of what may follow the integrity
// and fingerprint attributes. encode_message: a buffer written front to back, the length field updated
// before each computed attribute so that its HMAC or CRC covers the right length.
#include "protocol/stun/message_codec.hpp"

#include <algorithm>

#include "protocol/stun/attribute_type.hpp"
#include "protocol/stun/attribute_walk.hpp"
#include "protocol/stun/fingerprint.hpp"
#include "protocol/stun/integrity.hpp"

namespace herald::stun {

namespace {

// Where the walk is relative to the integrity attributes, which decides what counts. (Nothing can
// follow FINGERPRINT: it must end the message.)
enum class Stage { attributes, after_integrity, after_integrity_sha256 };

bool all_zero(std::string_view bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](char c) { return c == 0; });
}

class Decoder {
 public:
  Decoder(std::string_view bytes, const DecodeOptions& options) : bytes_(bytes), options_(options) {}

  std::variant<Message, DecodeError> run() {
    if (auto error = check_header(bytes_)) return *error;
    message_.type = decode_message_type(read_u16(bytes_.data()));
    std::copy_n(bytes_.data() + 8, kTransactionIdSize, message_.transaction_id.begin());
    auto walk_error = walk_attributes(bytes_, [this](const RawAttribute& attribute) {
      error_ = take(attribute);
      return !error_;
    });
    if (walk_error) return *walk_error;
    if (error_) return *error_;
    return std::move(message_);
  }

 private:
  // Checks one attribute and keeps it when it counts.
  std::optional<DecodeError> take(const RawAttribute& attribute) {
    if (options_.strict_padding && !all_zero(attribute.padding)) return DecodeError::nonzero_padding;
    switch (attribute.type) {
      case attribute::fingerprint:
        return take_fingerprint(attribute);
      case attribute::message_integrity:
        if (stage_ != Stage::attributes) return std::nullopt;  // ignored
        if (attribute.value.size() != kIntegritySize) return DecodeError::bad_integrity_length;
        return keep(attribute, Stage::after_integrity);
      case attribute::message_integrity_sha256:
        if (stage_ == Stage::after_integrity_sha256) return std::nullopt;  // ignored
        if (!is_valid_integrity_sha256_size(attribute.value.size())) return DecodeError::bad_integrity_length;
        return keep(attribute, Stage::after_integrity_sha256);
      default:
        if (stage_ != Stage::attributes) return std::nullopt;  // ignored
        return keep(attribute, stage_);
    }
  }

  std::optional<DecodeError> take_fingerprint(const RawAttribute& attribute) {
    if (attribute.value.size() != kFingerprintSize) return DecodeError::bad_fingerprint_length;
    if (attribute.end != bytes_.size()) return DecodeError::fingerprint_not_last;
    if (read_u32(attribute.value.data()) != fingerprint_of(bytes_.substr(0, attribute.offset))) {
      return DecodeError::fingerprint_mismatch;
    }
    return keep(attribute, stage_);
  }

  std::optional<DecodeError> keep(const RawAttribute& attribute, Stage next) {
    message_.attributes.push_back({attribute.type, std::string(attribute.value)});
    stage_ = next;
    return std::nullopt;
  }

  std::string_view bytes_;
  const DecodeOptions& options_;
  Message message_;
  Stage stage_ = Stage::attributes;
  std::optional<DecodeError> error_;
};

bool is_computed(std::uint16_t type) {
  return type == attribute::message_integrity || type == attribute::message_integrity_sha256 ||
         type == attribute::fingerprint;
}

// The largest attribute section the length field can describe (a multiple of 4).
constexpr std::size_t kMaxAttributesSize = kMaxBodySize & ~std::size_t{3};

class Encoder {
 public:
  explicit Encoder(const Message& message) {
    append_u16(out_, encode_message_type(message.type));
    append_u16(out_, 0);  // length, set as attributes are added
    append_u32(out_, kMagicCookie);
    out_.append(reinterpret_cast<const char*>(message.transaction_id.data()), kTransactionIdSize);
  }

  // Appends one attribute with zero padding; false when it does not fit.
  bool add(std::uint16_t type, std::string_view value) {
    if (value.size() > 0xFFFF ||
        body_size() + kAttributeHeaderSize + padded_size(value.size()) > kMaxAttributesSize) {
      return false;
    }
    append_u16(out_, type);
    append_u16(out_, static_cast<std::uint16_t>(value.size()));
    out_.append(value);
    out_.append(padded_size(value.size()) - value.size(), '\0');
    set_length(body_size());
    return true;
  }

  // Appends an attribute whose value is computed over everything before it, the length field already
  // counting the attribute (RFC 8489 sections 14.5-14.7).
  template <typename Compute>
  bool add_computed(std::uint16_t type, std::size_t value_size, Compute&& compute) {
    std::size_t total = body_size() + kAttributeHeaderSize + value_size;
    if (total > kMaxAttributesSize) return false;
    set_length(total);
    std::string value = compute(std::string_view(out_));
    return add(type, value);
  }

  std::string take() { return std::move(out_); }

 private:
  std::size_t body_size() const { return out_.size() - kHeaderSize; }
  void set_length(std::size_t length) { write_u16(out_.data() + 2, static_cast<std::uint16_t>(length)); }

  std::string out_;
};

std::string fingerprint_value(std::string_view covered) {
  std::string value;
  append_u32(value, fingerprint_of(covered));
  return value;
}

}  // namespace

std::variant<Message, DecodeError> decode_message(std::string_view bytes, const DecodeOptions& options) {
  return Decoder(bytes, options).run();
}

std::optional<std::string> encode_message(const Message& message, const EncodeOptions& options) {
  Encoder encoder(message);
  for (const auto& attribute : message.attributes) {
    if (is_computed(attribute.type)) continue;
    if (!encoder.add(attribute.type, attribute.value)) return std::nullopt;
  }
  if (options.integrity_key) {
    std::string_view key = *options.integrity_key;
    if (options.integrity_sha1 &&
        !encoder.add_computed(attribute::message_integrity, kIntegritySize,
                              [&](std::string_view covered) { return hmac_sha1(key, covered); })) {
      return std::nullopt;
    }
    if (options.integrity_sha256 &&
        !encoder.add_computed(attribute::message_integrity_sha256, kIntegritySha256Size,
                              [&](std::string_view covered) { return hmac_sha256(key, covered); })) {
      return std::nullopt;
    }
  }
  if (options.fingerprint &&
      !encoder.add_computed(attribute::fingerprint, kFingerprintSize, fingerprint_value)) {
    return std::nullopt;
  }
  return encoder.take();
}

}  // namespace herald::stun
