// The allocation table (see allocation_table.hpp).
#include "turn/allocation_table.hpp"

namespace herald::turn {

AllocationTable::AllocationTable(std::size_t max_allocations, std::size_t max_per_user)
    : max_allocations_(max_allocations), max_per_user_(max_per_user) {}

std::optional<QuotaRefusal> AllocationTable::refusal_for(std::string_view user) const {
  if (allocations_.size() >= max_allocations_) return QuotaRefusal::capacity;
  if (count_of(user) >= max_per_user_) return QuotaRefusal::user_quota;
  return std::nullopt;
}

Allocation& AllocationTable::insert(Allocation allocation) {
  ++per_user_[allocation.user];
  ClientKey client = allocation.client;
  return allocations_.insert_or_assign(client, std::move(allocation)).first->second;
}

Allocation* AllocationTable::find(const ClientKey& client) {
  auto found = allocations_.find(client);
  return found == allocations_.end() ? nullptr : &found->second;
}

const Allocation* AllocationTable::find(const ClientKey& client) const {
  auto found = allocations_.find(client);
  return found == allocations_.end() ? nullptr : &found->second;
}

bool AllocationTable::erase(const ClientKey& client) {
  auto found = allocations_.find(client);
  if (found == allocations_.end()) return false;
  auto count = per_user_.find(found->second.user);
  if (count != per_user_.end() && --count->second == 0) per_user_.erase(count);
  allocations_.erase(found);
  return true;
}

std::vector<ClientKey> AllocationTable::expired(double now) const {
  std::vector<ClientKey> clients;
  for (const auto& [client, allocation] : allocations_)
    if (now >= allocation.expires) clients.push_back(client);
  return clients;
}

void AllocationTable::drop_expired_parts(double now) {
  for (auto& [client, allocation] : allocations_) allocation.drop_expired(now);
}

std::size_t AllocationTable::count_of(std::string_view user) const {
  auto found = per_user_.find(user);
  return found == per_user_.end() ? 0 : found->second;
}

}  // namespace herald::turn
