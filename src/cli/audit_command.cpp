// `narralytica audit list --tenant T` is in tenant_command.cpp.
// `narralytica audit verify [--tenant T] [--json]`: walks the audit log's hash chains through
// app::AuditService (the same function as GET /v1/audit/verify) and names the first record that
// was changed, or that no longer follows its predecessor (records deleted or reordered before
// it). Exit status 0 when every chain is intact, kExitTampered when one is not.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "app/audit_service.hpp"
#include "cli/cli_support.hpp"

namespace narralytica::cli {

void add_audit_list_command(CLI::App& audit, GlobalOptions& options, int& exit_code);  // tenant_command.cpp

namespace audit_command_impl {
namespace {

struct AuditArgs {
  std::string tenant;
  bool json = false;
} args;

int run_verify(const GlobalOptions& global) {
  auto database = open_database(global);
  if (!database.ok()) return report(database.error());
  const std::optional<std::string> tenant = args.tenant.empty() ? std::nullopt : std::optional(args.tenant);
  auto reports = app::AuditService::verify_all(**database, operator_principal(), tenant);
  if (!reports.ok()) return report(reports.error());
  bool intact = true;
  std::string json = "[";
  for (const app::ChainReport& chain : *reports) {
    const store::ChainVerification& v = chain.verification;
    intact = intact && !v.first_broken;
    if (args.json) {
      if (json.size() > 1) json += ',';
      std::string one = app::AuditService::verification_json(v);
      json += "{\"chain\":\"" + chain.chain + "\"," + one.substr(1);
    } else if (!v.first_broken) {
      std::printf("%s: %lld records, intact\n", chain.chain.c_str(), static_cast<long long>(v.records));
    } else {
      std::printf("%s: %lld records, BROKEN at record %s (#%lld, %s): %s\n", chain.chain.c_str(),
                  static_cast<long long>(v.records), v.first_broken->to_string().c_str(),
                  static_cast<long long>(v.first_broken_index), format_rfc3339(v.first_broken_created_at).c_str(),
                  v.reason == "changed" ? "changed (its content does not match its hash)"
                                        : "unlinked (records before it were deleted or reordered)");
    }
  }
  if (args.json) std::printf("%s]\n", json.c_str());
  return intact ? 0 : kExitTampered;
}

}  // namespace
}  // namespace audit_command_impl

void add_audit_command(CLI::App& app, GlobalOptions& options, int& exit_code) {
  using namespace audit_command_impl;
  auto* audit = app.add_subcommand("audit", "The audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "Check the audit log's hash chains (exit 9 when one is broken)");
  verify->add_option("--tenant", args.tenant, "Only this tenant's chain (slug or id); default: every chain");
  verify->add_flag("--json", args.json, "One JSON object per chain");
  verify->callback([&options, &exit_code] { exit_code = run_verify(options); });
  add_audit_list_command(*audit, options, exit_code);
}

}  // namespace narralytica::cli
