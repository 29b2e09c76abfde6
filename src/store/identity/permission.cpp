#include "store/identity/permission.hpp"

#include <array>

namespace narralytica::store {
namespace {

constexpr Permission kViewer[] = {
    {"read", "tenant"}, {"read", "videos"}, {"read", "transcripts"}, {"read", "layers"},
    {"read", "jobs"},   {"read", "events"},
};

constexpr Permission kEditor[] = {
    {"read", "tenant"},      {"read", "config"},       {"read", "members"},
    {"read", "videos"},      {"write", "videos"},      {"delete", "videos"},
    {"read", "transcripts"}, {"write", "transcripts"}, {"delete", "transcripts"},
    {"read", "layers"},      {"write", "layers"},      {"delete", "layers"},
    {"read", "jobs"},        {"write", "jobs"},        {"read", "events"},
};

constexpr Permission kAdmin[] = {
    {"read", "tenant"},      {"read", "config"},       {"write", "config"},
    {"read", "members"},     {"write", "members"},     {"delete", "members"},
    {"read", "roles"},       {"write", "roles"},       {"delete", "roles"},
    {"read", "tokens"},      {"write", "tokens"},      {"delete", "tokens"},
    {"read", "videos"},      {"write", "videos"},      {"delete", "videos"},
    {"read", "transcripts"}, {"write", "transcripts"}, {"delete", "transcripts"},
    {"read", "layers"},      {"write", "layers"},      {"delete", "layers"},
    {"read", "jobs"},        {"write", "jobs"},        {"read", "events"},
    {"read", "audit"},       {"read", "webhooks"},     {"write", "webhooks"},
    {"delete", "webhooks"},
};

constexpr Permission kOwner[] = {
    {"read", "tenant"},      {"admin", "tenant"},      {"read", "config"},
    {"write", "config"},     {"read", "members"},      {"write", "members"},
    {"delete", "members"},   {"read", "roles"},        {"write", "roles"},
    {"delete", "roles"},     {"read", "tokens"},       {"write", "tokens"},
    {"delete", "tokens"},    {"read", "videos"},       {"write", "videos"},
    {"delete", "videos"},    {"read", "transcripts"},  {"write", "transcripts"},
    {"delete", "transcripts"}, {"read", "layers"},     {"write", "layers"},
    {"delete", "layers"},    {"read", "jobs"},         {"write", "jobs"},
    {"read", "events"},      {"read", "audit"},        {"read", "webhooks"},
    {"write", "webhooks"},   {"delete", "webhooks"},
};

constexpr std::array<BuiltinRole, 4> kRoles = {{
    {"owner", "Everything, including the tenant itself", kOwner},
    {"admin", "Everything but renaming, suspending or deleting the tenant", kAdmin},
    {"editor", "Read and change media, transcripts, layers and jobs", kEditor},
    {"viewer", "Read media, transcripts, layers, jobs and events", kViewer},
}};

}  // namespace

std::span<const BuiltinRole> builtin_roles() { return kRoles; }

}  // namespace narralytica::store
