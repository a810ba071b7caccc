// cgroup v1: one directory per mounted controller hierarchy.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <stdlib.h>

#include <time.h>

#include <set>

#include "common/fs.hpp"
#include "libcontainer/cgroups/cgroup.hpp"
#include "libcontainer/cgroups/devices.hpp"

namespace mydocker::libcontainer::cgroups {

namespace {
constexpr const char* kControllers[] = {"memory", "cpu", "cpuacct", "pids", "freezer", "blkio", "devices", "cpuset"};

class CgroupV1 final : public Cgroup {
 public:
  CgroupV1(std::string path, std::string root)
      : path_(std::move(path)), root_(std::move(root)), hierarchies_(v1_hierarchies(root_)) {}

  Result<void> create(const spec::Resources& r) override {
    for (const auto& h : hierarchies_) {
      TRY_VOID(make_dirs(h));
    }
    // Devices only at creation: an update never widens what a container may open.
    if (const std::string devices = dir_of("devices"); !r.devices.empty() && !devices.empty())
      TRY_VOID(apply_v1_devices(devices, r.devices));
    return apply(r);
  }

  Result<std::vector<UniqueFd>> open_procs() override {
    std::vector<UniqueFd> fds;
    for (const auto& h : hierarchies_) {
      std::string f = h + path_ + "/cgroup.procs";
      UniqueFd fd(::open(f.c_str(), O_WRONLY | O_CLOEXEC));
      if (!fd) return fail(Error::from_errno(errno, "open " + f));
      fds.push_back(std::move(fd));
    }
    return fds;
  }

  Result<void> destroy() override {
    Result<void> out;
    for (const auto& h : hierarchies_) {
      auto r = kill_and_remove(h + path_);
      if (!r && out) out = r;
    }
    return out;
  }

  Result<void> freeze(bool frozen) override {
    const std::string dir = dir_of("freezer");
    if (dir.empty()) return fail(Error::internal("the freezer cgroup controller is not mounted"));
    TRY_VOID(write_value(dir + "/freezer.state", frozen ? "FROZEN" : "THAWED"));
    // FREEZING is transient: the state settles once every task has stopped.
    for (int i = 0; i < 1000; ++i) {
      auto st = fs::read_file(dir + "/freezer.state");
      if (!st || st->rfind(frozen ? "FROZEN" : "THAWED", 0) == 0) return {};
      timespec ts{0, 1000 * 1000};
      ::nanosleep(&ts, nullptr);
    }
    return fail(Error::internal("cgroup " + dir + " did not settle"));
  }

  std::vector<pid_t> pids() override {
    if (hierarchies_.empty()) return {};
    return read_pids(hierarchies_.front() + path_ + "/cgroup.procs");
  }

 private:
  // mkdir each level; cpuset levels start empty and must be filled from the
  // parent before any task may join.
  Result<void> make_dirs(const std::string& h) {
    const bool cpuset = h.find("cpuset") != std::string::npos;
    std::string cur = h;
    size_t pos = 0;
    while (pos < path_.size()) {
      size_t next = path_.find('/', pos + 1);
      std::string parent = cur;
      cur = h + path_.substr(0, next);
      pos = next == std::string::npos ? path_.size() : next;
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return fail(Error::from_errno(errno, "mkdir " + cur));
      if (cpuset) {
        for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
          auto mine = fs::read_file(cur + "/" + f);
          if (mine && mine->find_first_not_of(" \n") != std::string::npos) continue;
          auto up = fs::read_file(parent + "/" + f);
          if (up) TRY_VOID(write_value(cur + "/" + f, *up));
        }
      }
    }
    return {};
  }

  std::string dir_of(const char* controller) const {
    for (const auto& h : hierarchies_) {
      std::string base = h.substr(h.rfind('/') + 1);
      if (base == controller || base.find(std::string(controller) + ",") == 0 ||
          base.find("," + std::string(controller)) != std::string::npos)
        return h + path_;
    }
    return {};
  }

  Result<void> apply(const spec::Resources& r) {
    const std::string mem = dir_of("memory"), cpu = dir_of("cpu"), pids = dir_of("pids"), cpuset = dir_of("cpuset");
    if (r.memory_limit && !mem.empty()) TRY_VOID(write_value(mem + "/memory.limit_in_bytes", std::to_string(*r.memory_limit)));
    if (r.memory_swap && !mem.empty() && fs::exists(mem + "/memory.memsw.limit_in_bytes"))
      TRY_VOID(write_value(mem + "/memory.memsw.limit_in_bytes", std::to_string(*r.memory_swap)));
    if (r.cpu_shares && !cpu.empty()) TRY_VOID(write_value(cpu + "/cpu.shares", std::to_string(*r.cpu_shares)));
    if (r.cpu_period && !cpu.empty()) TRY_VOID(write_value(cpu + "/cpu.cfs_period_us", std::to_string(*r.cpu_period)));
    if (r.cpu_quota && !cpu.empty()) TRY_VOID(write_value(cpu + "/cpu.cfs_quota_us", std::to_string(*r.cpu_quota)));
    if (!r.cpuset_cpus.empty() && !cpuset.empty()) TRY_VOID(write_value(cpuset + "/cpuset.cpus", r.cpuset_cpus));
    if (!r.cpuset_mems.empty() && !cpuset.empty()) TRY_VOID(write_value(cpuset + "/cpuset.mems", r.cpuset_mems));
    if (r.pids_limit && !pids.empty()) TRY_VOID(write_value(pids + "/pids.max", std::to_string(*r.pids_limit)));
    return apply_blkio(r);
  }

  Result<void> apply_blkio(const spec::Resources& r) {
    const std::string blkio = dir_of("blkio");
    if (blkio.empty()) return {};
    // The weight file exists only with a proportional I/O scheduler (CFQ or BFQ).
    if (r.blkio_weight) {
      for (const char* f : {"blkio.weight", "blkio.bfq.weight"})
        if (fs::exists(blkio + "/" + f)) {
          TRY_VOID(write_value(blkio + "/" + f, std::to_string(*r.blkio_weight)));
          break;
        }
    }
    const std::pair<const char*, const std::vector<spec::ThrottleDevice>*> files[] = {
        {"blkio.throttle.read_bps_device", &r.read_bps},
        {"blkio.throttle.write_bps_device", &r.write_bps},
        {"blkio.throttle.read_iops_device", &r.read_iops},
        {"blkio.throttle.write_iops_device", &r.write_iops}};
    for (const auto& [file, devices] : files)
      for (const auto& line : throttle_lines(*devices)) TRY_VOID(write_value(blkio + "/" + file, line));
    return {};
  }

  Result<void> update(const spec::Resources& r) override {
    // Raising memory past the current memory+swap limit is refused by the
    // kernel until that limit is raised first (and lowering the other way):
    // try one order, then the other, as runc does.
    if (r.memory_limit && r.memory_swap) {
      const std::string mem = dir_of("memory");
      if (!mem.empty() && fs::exists(mem + "/memory.memsw.limit_in_bytes") &&
          !write_value(mem + "/memory.limit_in_bytes", std::to_string(*r.memory_limit))) {
        TRY_VOID(write_value(mem + "/memory.memsw.limit_in_bytes", std::to_string(*r.memory_swap)));
      }
    }
    return apply(r);
  }

  std::string path_;
  std::string root_;
  std::vector<std::string> hierarchies_;
};
}  // namespace

std::vector<std::string> v1_hierarchies(const std::string& root) {
  // cpu and cpuacct are often one hierarchy: each mount once.
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const char* c : kControllers) {
    std::string mnt = root + "/" + c;
    char real[PATH_MAX];
    if (!::realpath(mnt.c_str(), real)) continue;
    if (!seen.insert(real).second) continue;
    out.push_back(real);
  }
  return out;
}

std::unique_ptr<Cgroup> make_v1(const std::string& path, const std::string& root) {
  return std::make_unique<CgroupV1>(path, root);
}

}  // namespace mydocker::libcontainer::cgroups
