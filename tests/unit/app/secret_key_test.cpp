// The server key that seals webhook secrets (app/secret_key.hpp, core/secret_box.hpp): sealing
// round-trips, a fresh nonce each time, a wrong key or an altered byte is refused, and the key
// file is created once with mode 0600, read back the same, and refused when others may read it
// or when its size is wrong.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "app/secret_key.hpp"
#include "app/webhook_signing.hpp"

namespace narralytica::app {
namespace {

class TempKeyDir : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "narralytica-key-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

std::array<unsigned char, SecretBox::kKeyBytes> key_of(unsigned char fill) {
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  key.fill(fill);
  return key;
}

TEST(SecretBox, SealsAndOpensWithAFreshNonceAndRefusesAnotherKeyOrAlteredText) {
  const SecretBox box(key_of(1));
  auto sealed = box.seal("whsec_c2VjcmV0", SecureRandom::instance());
  ASSERT_TRUE(sealed.ok());
  EXPECT_TRUE(sealed->starts_with("nlbox1."));
  EXPECT_EQ(sealed->find("c2VjcmV0"), std::string::npos);
  auto again = box.seal("whsec_c2VjcmV0", SecureRandom::instance());
  EXPECT_NE(*sealed, *again) << "a fresh nonce each time";
  auto opened = box.open(*sealed);
  ASSERT_TRUE(opened.ok()) << opened.error().describe();
  EXPECT_EQ(*opened, "whsec_c2VjcmV0");

  const SecretBox other(key_of(2));
  auto wrong = other.open(*sealed);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::precondition_failed);

  std::string altered = *sealed;
  const std::size_t middle = altered.size() / 2 + 10;  // in the MAC or ciphertext, not the padding
  altered[middle] = altered[middle] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box.open(altered).ok());
  EXPECT_EQ(box.open("whsec_plain").error().code, ErrorCode::invalid_argument);
}

TEST(SecretBox, WebhookSecretsNeedAKeyToSealAndOpenAndPlainOnesReadAsTheyAre) {
  auto no_key = seal_webhook_secret(nullptr, SecureRandom::instance(), "whsec_eA==");
  ASSERT_FALSE(no_key.ok());
  EXPECT_EQ(no_key.error().code, ErrorCode::internal);
  const SecretBox box(key_of(3));
  auto sealed = seal_webhook_secret(&box, SecureRandom::instance(), "whsec_eA==");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(*open_webhook_secret(&box, *sealed), "whsec_eA==");
  EXPECT_FALSE(open_webhook_secret(nullptr, *sealed).ok());
  EXPECT_EQ(*open_webhook_secret(nullptr, "whsec_eA=="), "whsec_eA==") << "stored before migration 0018";
}

TEST_F(TempKeyDir, KeyFileIsCreatedOnceWith0600AndReadBackTheSame) {
  const auto file = dir_ / "data" / "secret.key";
  auto created = load_or_create_secret_key(file);
  ASSERT_TRUE(created.ok()) << created.error().describe();
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  EXPECT_EQ(std::filesystem::file_size(file), SecretBox::kKeyBytes);
  auto sealed = created->seal("whsec_eA==", SecureRandom::instance());
  auto loaded = load_or_create_secret_key(file);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded->open(*sealed), "whsec_eA==") << "the same key";
}

TEST_F(TempKeyDir, KeyFileOthersMayReadOrOfTheWrongSizeIsRefused) {
  const auto file = dir_ / "secret.key";
  ASSERT_TRUE(load_or_create_secret_key(file).ok());
  ASSERT_EQ(::chmod(file.c_str(), 0640), 0);
  auto readable = load_or_create_secret_key(file);
  ASSERT_FALSE(readable.ok());
  EXPECT_EQ(readable.error().code, ErrorCode::invalid_argument);
  EXPECT_NE(readable.error().message.find("chmod 600"), std::string::npos);

  const auto short_file = dir_ / "short.key";
  { std::ofstream(short_file) << "too short"; }
  ASSERT_EQ(::chmod(short_file.c_str(), 0600), 0);
  auto wrong_size = load_or_create_secret_key(short_file);
  ASSERT_FALSE(wrong_size.ok());
  EXPECT_EQ(wrong_size.error().code, ErrorCode::invalid_argument);
}

TEST(SecretKeyFile, EnvironmentNamesAnotherFile) {
  ::unsetenv(kSecretKeyFileVariable);
  EXPECT_EQ(secret_key_file("/srv/data"), std::filesystem::path("/srv/data/secret.key"));
  ::setenv(kSecretKeyFileVariable, "/etc/narralytica/secret.key", 1);
  EXPECT_EQ(secret_key_file("/srv/data"), std::filesystem::path("/etc/narralytica/secret.key"));
  ::unsetenv(kSecretKeyFileVariable);
}

}  // namespace
}  // namespace narralytica::app
