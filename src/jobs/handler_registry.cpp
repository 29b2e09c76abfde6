#include "jobs/handler_registry.hpp"

namespace narralytica::jobs {

Status HandlerRegistry::add(std::string kind, JobHandler handler) {
  if (kind.empty() || kind.size() > store::kJobKindLengthMax) {
    return make_error(ErrorCode::invalid_argument, "job kind must be 1 to 100 bytes", "kind");
  }
  if (!handler) return make_error(ErrorCode::invalid_argument, "handler is empty", kind);
  if (handlers_.size() >= kHandlersMax) {
    return make_error(ErrorCode::resource_exhausted, "too many job handlers", kind);
  }
  if (handlers_.contains(kind)) {
    return make_error(ErrorCode::conflict, "a handler is already registered for this kind", kind);
  }
  handlers_.emplace(std::move(kind), std::move(handler));
  return ok_status();
}

const JobHandler* HandlerRegistry::find(std::string_view kind) const {
  auto it = handlers_.find(kind);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> HandlerRegistry::kinds() const {
  std::vector<std::string> out;
  out.reserve(handlers_.size());
  for (const auto& [kind, handler] : handlers_) out.push_back(kind);
  return out;
}

}  // namespace narralytica::jobs
