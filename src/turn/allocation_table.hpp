// Every allocation of the server, keyed by the client's 5-tuple, with the quotas that bound them: a
// total (508 Insufficient Capacity beyond it) and one per REST user (486 Allocation Quota Reached).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "turn/allocation.hpp"

namespace herald::turn {

enum class QuotaRefusal { capacity, user_quota };

class AllocationTable {
 public:
  AllocationTable(std::size_t max_allocations, std::size_t max_per_user);

  // Why a new allocation of `user` may not be made now, or nullopt when it may.
  std::optional<QuotaRefusal> refusal_for(std::string_view user) const;

  // Adds an allocation (its client must have none; the quotas must have been checked).
  Allocation& insert(Allocation allocation);
  Allocation* find(const ClientKey& client);
  const Allocation* find(const ClientKey& client) const;
  bool erase(const ClientKey& client);

  // The clients whose allocation has expired at `now`.
  std::vector<ClientKey> expired(double now) const;
  // Forgets expired permissions and channel bindings in every allocation.
  void drop_expired_parts(double now);

  std::size_t size() const { return allocations_.size(); }
  std::size_t count_of(std::string_view user) const;

 private:
  std::size_t max_allocations_;
  std::size_t max_per_user_;
  std::map<ClientKey, Allocation> allocations_;
  std::map<std::string, std::size_t, std::less<>> per_user_;
};

}  // namespace herald::turn
