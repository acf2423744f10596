// Presence views: changes held until the snapshot, only the news shown, and a room's overflow hidden.
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

TEST(PresenceView, ARoomShowsOnlyItsFirstJoinersAndNotTheirOverflow) {
  PresenceView view(true, 2);
  view.on_snapshot({{"me", "", ""}});
  EXPECT_EQ(ids(view.on_change(joined("b"))), (std::vector<std::string>{"+b"}));
  EXPECT_TRUE(view.on_change(joined("late")).empty()) << "the room is full: late is refused";
  EXPECT_FALSE(view.contains("late"));
  EXPECT_EQ(view.size(), 2u);
  EXPECT_EQ(ids(view.on_change(left("b"))), (std::vector<std::string>{"-b"}));
  EXPECT_TRUE(view.on_change(joined("next")).empty()) << "late still holds a place until it has left";
  EXPECT_TRUE(view.on_change(left("late")).empty()) << "nobody heard of late";
  EXPECT_TRUE(view.on_change(left("next")).empty());
  EXPECT_EQ(ids(view.on_change(joined("free"))), (std::vector<std::string>{"+free"}));
}

TEST(PresenceView, ARoomSnapshotAndHeldChangesPastItsSizeAreNotShown) {
  PresenceView view(true, 2);
  view.on_change(joined("held"));  // joined after the snapshot, into a full room
  view.on_change(left("over"));
  auto news = view.on_snapshot({{"a", "", ""}, {"me", "", ""}, {"over", "", ""}});
  EXPECT_TRUE(news.empty()) << ids(news).size();
  EXPECT_TRUE(view.contains("a"));
  EXPECT_FALSE(view.contains("over"));
  EXPECT_FALSE(view.contains("held"));
  EXPECT_EQ(view.size(), 2u);
}

TEST(PresenceView, WithoutASetHeldChangesAreSortedOutAsBefore) {
  PresenceView view(false);
  view.on_change(joined("x"));
  view.on_change(left("x"));
  EXPECT_EQ(ids(view.on_snapshot({{"me", "", ""}})), (std::vector<std::string>{"+x", "-x"}));
}

TEST(PresenceView, WithoutASetChangesPassThrough) {
  PresenceView view(false);
  view.on_snapshot({{"a", "", ""}});
  EXPECT_EQ(ids(view.on_change(joined("a"))), (std::vector<std::string>{"+a"}));
  EXPECT_EQ(view.size(), 0u);
}

}  // namespace
}  // namespace herald
