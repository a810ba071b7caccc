// What `history`, `images` and `system df` rows show, as docker's formatters.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

#include "format/rows.hpp"

using namespace mydocker::cli::format;
using nlohmann::json;

namespace {
// The row helpers print local times: UTC for the test, the old zone after.
struct Utc {
  std::optional<std::string> saved;
  Utc() {
    if (const char* tz = ::getenv("TZ")) saved = tz;
    ::setenv("TZ", "UTC", 1);
    ::tzset();
  }
  ~Utc() {
    if (saved) ::setenv("TZ", saved->c_str(), 1);
    else ::unsetenv("TZ");
    ::tzset();
  }
};
}  // namespace

TEST(ImageRows, HistoryAsDockerFormatsIt) {
  Utc utc;
  json h = {{"Id", "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
            {"Created", 1796169600},
            {"CreatedBy", "/bin/sh -c #(nop)\tCMD [\"sh\"] and a long tail that goes on"},
            {"Size", 1982796},
            {"Comment", "Imported from -"}};
  json r = history_row(h, true, true, 1796169600 + 7200);
  EXPECT_EQ(r["ID"], "0123456789ab");
  EXPECT_EQ(r["CreatedSince"], "2 hours ago");
  EXPECT_EQ(r["CreatedAt"], "2026-12-02T00:00:00Z");
  // Tabs become spaces, then 45 columns with an ellipsis.
  EXPECT_EQ(r["CreatedBy"], "/bin/sh -c #(nop) CMD [\"sh\"] and a long tail…");
  EXPECT_EQ(r["Size"], "1.98MB");
  json raw = history_row(h, false, false, 0);
  EXPECT_EQ(raw["ID"], h["Id"]);
  EXPECT_EQ(raw["CreatedSince"], "2026-12-02T00:00:00Z");
  EXPECT_EQ(raw["CreatedBy"], "/bin/sh -c #(nop) CMD [\"sh\"] and a long tail that goes on");
  EXPECT_EQ(raw["Size"], "1982796");
  EXPECT_EQ(history_row({{"Id", "<missing>"}, {"Size", 0}}, true, true, 0)["ID"], "<missing>");
  EXPECT_EQ(history_headers()["ID"], "IMAGE");
  EXPECT_EQ(history_headers()["CreatedBy"], "CREATED BY");
}

TEST(ImageRows, ImageSizesFromTheSummary) {
  json img = {{"Id", "sha256:" + std::string(64, 'a')}, {"Size", 3000000}, {"SharedSize", 1000000}, {"Containers", 2},
              {"Created", 0}};
  json r = image_row(img, "app:1", true, 0);
  EXPECT_EQ(r["SharedSize"], "1MB");
  EXPECT_EQ(r["UniqueSize"], "2MB");
  EXPECT_EQ(r["Containers"], "2");
  img["SharedSize"] = -1;
  img["Containers"] = -1;
  r = image_row(img, "app:1", true, 0);
  EXPECT_EQ(r["SharedSize"], "N/A");
  EXPECT_EQ(r["UniqueSize"], "N/A");
  EXPECT_EQ(r["Containers"], "N/A");
}

TEST(ImageRows, DiskUsageSummary) {
  json df = {{"LayersSize", 4000000},
             {"Images", {{{"Size", 3000000}, {"SharedSize", 1000000}, {"Containers", 1}},
                         {{"Size", 2000000}, {"SharedSize", 1000000}, {"Containers", 0}}}},
             {"Containers", {{{"State", "running"}, {"SizeRw", 1000}}, {{"State", "exited"}, {"SizeRw", 3000}}}},
             {"Volumes", {{{"UsageData", {{"Size", 5000}, {"RefCount", 0}}}}, {{"UsageData", {{"Size", 5000}, {"RefCount", 2}}}}}},
             {"BuildCache", json::array()}};
  auto rows = disk_usage_rows(df);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0]["Type"], "Images");
  EXPECT_EQ(rows[0]["TotalCount"], "2");
  EXPECT_EQ(rows[0]["Active"], "1");
  EXPECT_EQ(rows[0]["Size"], "4MB");
  EXPECT_EQ(rows[0]["Reclaimable"], "2MB (50%)");  // the used image's unique 2MB stay
  EXPECT_EQ(rows[1]["Active"], "1");
  EXPECT_EQ(rows[1]["Size"], "4kB");
  EXPECT_EQ(rows[1]["Reclaimable"], "3kB (75%)");
  EXPECT_EQ(rows[2]["Type"], "Local Volumes");
  EXPECT_EQ(rows[2]["Active"], "1");
  EXPECT_EQ(rows[2]["Size"], "10kB");
  EXPECT_EQ(rows[2]["Reclaimable"], "5kB (50%)");
  EXPECT_EQ(rows[3]["Type"], "Build Cache");
  EXPECT_EQ(rows[3]["Reclaimable"], "0B");
  // Nothing at all: no percentages.
  auto empty = disk_usage_rows(json::object());
  EXPECT_EQ(empty[0]["Reclaimable"], "0B");
  EXPECT_EQ(empty[1]["Reclaimable"], "0B");
}
