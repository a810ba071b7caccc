// POST /containers/{id}/update: new resource limits (and restart policy)
// for a container, kept in its HostConfig and, while it runs, written to
// its cgroup at once, as `docker update` does.
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/oci_spec.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::daemon::containers {

namespace {
// The Resources fields `docker update` sends; a zero or empty one means
// "leave as it is", as in Docker.
constexpr const char* kNumbers[] = {"Memory",   "MemorySwap", "MemoryReservation", "CpuShares",  "NanoCpus",
                                    "CpuPeriod", "CpuQuota",   "PidsLimit",         "BlkioWeight"};
constexpr const char* kStrings[] = {"CpusetCpus", "CpusetMems"};
}  // namespace

Result<std::vector<std::string>> ContainerService::update(const std::string& name, const nlohmann::json& request) {
  if (!request.is_object()) return fail(Error::invalid("the update body must be a JSON object"));
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  nlohmann::json hc = c->host_config;
  nlohmann::json changed = nlohmann::json::object();  // only what this update sets, for the live cgroup
  for (const char* key : kNumbers)
    if (auto it = request.find(key); it != request.end() && it->is_number_integer() && it->get<int64_t>() != 0)
      hc[key] = changed[key] = *it;
  for (const char* key : kStrings)
    if (auto it = request.find(key); it != request.end() && it->is_string() && !it->get<std::string>().empty())
      hc[key] = changed[key] = *it;
  // --cpus and --cpu-quota replace each other, as in Docker.
  if (changed.contains("NanoCpus")) hc["CpuQuota"] = 0;
  if (changed.contains("CpuQuota")) hc["NanoCpus"] = 0;
  if (hc.value("Memory", int64_t(0)) > 0 && hc.value("MemorySwap", int64_t(0)) > 0 &&
      hc.value("MemorySwap", int64_t(0)) < hc.value("Memory", int64_t(0)))
    return fail(Error::invalid("Minimum memoryswap limit should be larger than memory limit, see usage"));
  if (auto it = request.find("RestartPolicy"); it != request.end() && it->is_object() && !it->value("Name", "").empty())
    hc["RestartPolicy"] = *it;
  TRY_VOID(resources_of(hc));  // the result as a whole must be valid
  if (c->state.running()) {
    // The memory pair goes together (the kernel checks one against the other).
    if (changed.contains("Memory") || changed.contains("MemorySwap")) {
      changed["Memory"] = hc.value("Memory", int64_t(0));
      changed["MemorySwap"] = hc.value("MemorySwap", int64_t(0));
    }
    if (changed.contains("NanoCpus") || changed.contains("CpuQuota") || changed.contains("CpuPeriod")) {
      changed["NanoCpus"] = hc.value("NanoCpus", int64_t(0));
      changed["CpuQuota"] = hc.value("CpuQuota", int64_t(0));
      changed["CpuPeriod"] = hc.value("CpuPeriod", int64_t(0));
    }
    TRY_ASSIGN(libcontainer::spec::Resources live, resources_of(changed));
    if (auto r = libcontainer::cgroups::make_cgroup(cgroup_path_of(*c))->update(live); !r)
      return fail(Error::internal("Cannot update container " + c->id + ": " + r.error().message));
  }
  c->host_config = std::move(hc);
  TRY_VOID(store_.checkpoint(*c));
  return std::vector<std::string>{};
}

}  // namespace mydocker::daemon::containers
