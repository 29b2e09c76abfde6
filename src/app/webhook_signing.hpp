// Standard Webhooks 1.0 signing (https://www.standardwebhooks.com): a secret is "whsec_" + base64
// of random bytes; a message is signed as "v1," + base64(HMAC-SHA256(key, id.timestamp.body))
// where the key is the base64-decoded part after "whsec_". During a secret rotation a delivery
// carries one signature per valid secret, separated by spaces.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "core/secret_box.hpp"

namespace narralytica::app {

inline constexpr std::string_view kWebhookSecretPrefix = "whsec_";
inline constexpr std::size_t kWebhookSecretBytes = 32;  // the standard asks for 24 to 64

// A new secret from `random`: "whsec_" + base64 of kWebhookSecretBytes bytes.
std::string generate_webhook_secret(Random& random);

// The form a secret is stored in: sealed with the server key (core/secret_box.hpp), so a dump of
// the database does not reveal it. Errors: internal when `box` is null (no key was given).
Result<std::string> seal_webhook_secret(const SecretBox* box, Random& random, std::string_view secret);
// The secret a stored form holds. A plain "whsec_" value, as stored before migration 0018 and until
// WebhookDispatcher::seal_plaintext_secrets ran, is returned as it is. Errors: internal without a
// key; precondition_failed when the sealed value does not open with this key (another key file).
Result<std::string> open_webhook_secret(const SecretBox* box, std::string_view stored);

// "v1,<base64 signature>" of `body` sent as message `message_id` at `timestamp_s` (Unix seconds).
// Errors: invalid_argument when `secret` is not "whsec_" + base64.
Result<std::string> sign_webhook(std::string_view secret, std::string_view message_id, std::int64_t timestamp_s,
                                 std::string_view body);

// The webhook-signature header's value: the signature with `secret`, then (space-separated) the
// one with `previous_secret` when given. Errors: as sign_webhook.
Result<std::string> webhook_signature_header(std::string_view secret, const std::optional<std::string>& previous_secret,
                                             std::string_view message_id, std::int64_t timestamp_s,
                                             std::string_view body);

}  // namespace narralytica::app
