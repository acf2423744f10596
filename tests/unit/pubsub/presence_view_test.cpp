// Presence views: changes held until the snapshot, and only the news shown.
#include "pubsub/presence_view.hpp"

#include <gtest/gtest.h>

namespace herald {
namespace {

PresenceEvent joined(const std::string& id) { return {"c", PresenceChange::join, {id, "", ""}}; }
PresenceEvent left(const std::string& id) { return {"c", PresenceChange::leave, {id, "", ""}}; }

std::vector<std::string> ids(const std::vector<PresenceEvent>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back((e.change == PresenceChange::join ? "+" : "-") + e.client.id);
  return out;
}

TEST(PresenceView, HoldsChangesUntilTheSnapshot) {
  PresenceView view(true);
  EXPECT_FALSE(view.ready());
  EXPECT_TRUE(view.on_change(joined("a")).empty());
  EXPECT_TRUE(view.on_change(joined("b")).empty());
  EXPECT_TRUE(view.on_change(left("x")).empty());
  EXPECT_TRUE(view.on_change(left("a")).empty());
  // The snapshot saw a and b joined and x gone, but not a's leave: only that is news.
  auto news = view.on_snapshot({{"a", "", ""}, {"b", "", ""}, {"me", "", ""}});
  EXPECT_TRUE(view.ready());
  EXPECT_EQ(ids(news), (std::vector<std::string>{"-a"}));
  EXPECT_FALSE(view.contains("a"));
  EXPECT_TRUE(view.contains("b"));
  EXPECT_TRUE(view.contains("me"));
}

TEST(PresenceView, HeldJoinAfterTheSnapshotIsNews) {
  PresenceView view(true);
  view.on_change(joined("late"));
  EXPECT_EQ(ids(view.on_snapshot({{"me", "", ""}})), (std::vector<std::string>{"+late"}));
  EXPECT_TRUE(view.contains("late"));
}

TEST(PresenceView, AfterTheSnapshotASetDropsChangesThatChangeNothing) {
  PresenceView view(true);
  view.on_snapshot({{"a", "", ""}});
  EXPECT_TRUE(view.on_change(joined("a")).empty());
  EXPECT_EQ(ids(view.on_change(joined("b"))), (std::vector<std::string>{"+b"}));
  EXPECT_EQ(ids(view.on_change(left("a"))), (std::vector<std::string>{"-a"}));
  EXPECT_TRUE(view.on_change(left("a")).empty());
  EXPECT_EQ(view.size(), 1u);
}

TEST(PresenceView, WithoutASetChangesPassThrough) {
  PresenceView view(false);
  view.on_snapshot({{"a", "", ""}});
  EXPECT_EQ(ids(view.on_change(joined("a"))), (std::vector<std::string>{"+a"}));
  EXPECT_EQ(view.size(), 0u);
}

}  // namespace
}  // namespace herald
