#include "app/webhook_signing.hpp"

#include "core/hashing.hpp"

namespace narralytica::app {

std::string generate_webhook_secret(Random& random) {
  std::string bytes(kWebhookSecretBytes, '\0');
  random.fill(bytes.data(), bytes.size());
  return std::string(kWebhookSecretPrefix) + base64_encode(bytes);
}

namespace {

Error no_key() {
  return make_error(ErrorCode::internal,
                    "webhook secrets are sealed with the server key, and this process has none "
                    "(the CLI, serve and worker load <data dir>/secret.key, app/secret_key.hpp)");
}

}  // namespace

Result<std::string> seal_webhook_secret(const SecretBox* box, Random& random, std::string_view secret) {
  if (box == nullptr) return no_key();
  return box->seal(secret, random);
}

Result<std::string> open_webhook_secret(const SecretBox* box, std::string_view stored) {
  if (stored.starts_with(kWebhookSecretPrefix)) return std::string(stored);
  if (box == nullptr) return no_key();
  return box->open(stored);
}

Result<std::string> sign_webhook(std::string_view secret, std::string_view message_id, std::int64_t timestamp_s,
                                 std::string_view body) {
  std::string key;
  if (!secret.starts_with(kWebhookSecretPrefix) || !base64_decode(secret.substr(kWebhookSecretPrefix.size()), key) ||
      key.empty()) {
    return make_error(ErrorCode::invalid_argument, "a webhook secret is \"whsec_\" followed by base64", "secret");
  }
  std::string content;
  content.reserve(message_id.size() + body.size() + 24);
  content.append(message_id).append(".").append(std::to_string(timestamp_s)).append(".").append(body);
  return "v1," + base64_encode(hmac_sha256(key, content));
}

Result<std::string> webhook_signature_header(std::string_view secret, const std::optional<std::string>& previous_secret,
                                             std::string_view message_id, std::int64_t timestamp_s,
                                             std::string_view body) {
  ASSIGN_OR_RETURN(std::string header, sign_webhook(secret, message_id, timestamp_s, body));
  if (previous_secret) {
    ASSIGN_OR_RETURN(std::string previous, sign_webhook(*previous_secret, message_id, timestamp_s, body));
    header += " " + previous;
  }
  return header;
}

}  // namespace narralytica::app
