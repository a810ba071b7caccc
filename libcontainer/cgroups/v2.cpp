// cgroup v2: one unified directory.
#include <fcntl.h>
#include <sys/stat.h>

#include <map>

#include "common/fs.hpp"
#include "libcontainer/cgroups/cgroup.hpp"
#include "libcontainer/cgroups/devices.hpp"

namespace mydocker::libcontainer::cgroups {

namespace {
class CgroupV2 final : public Cgroup {
 public:
  CgroupV2(std::string path, std::string root) : dir_(root + path), root_(std::move(root)), path_(std::move(path)) {}

  Result<void> create(const spec::Resources& r) override {
    // Enable the controllers we write in each ancestor's subtree_control.
    std::string cur = root_;
    size_t pos = 0;
    while (pos < path_.size()) {
      (void)fs::write_file(cur + "/cgroup.subtree_control", "+memory +cpu +cpuset +pids +io");
      size_t next = path_.find('/', pos + 1);
      cur = root_ + path_.substr(0, next);
      pos = next == std::string::npos ? path_.size() : next;
      if (::mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST) return fail(Error::from_errno(errno, "mkdir " + cur));
    }
    if (!r.devices.empty()) TRY_VOID(attach_v2_devices(dir_, r.devices));
    return apply(r);
  }

  Result<void> update(const spec::Resources& r) override { return apply(r); }

  Result<void> apply(const spec::Resources& r) {
    if (r.memory_limit) TRY_VOID(write_value(dir_ + "/memory.max", std::to_string(*r.memory_limit)));
    if (r.memory_swap && r.memory_limit && *r.memory_swap > 0)
      TRY_VOID(write_value(dir_ + "/memory.swap.max", std::to_string(*r.memory_swap - *r.memory_limit)));
    if (r.cpu_quota || r.cpu_period) {
      std::string quota = r.cpu_quota && *r.cpu_quota > 0 ? std::to_string(*r.cpu_quota) : "max";
      TRY_VOID(write_value(dir_ + "/cpu.max", quota + " " + std::to_string(r.cpu_period.value_or(100000))));
    }
    // cgroup v1 shares (2..262144) mapped onto v2 weight (1..10000), as runc does.
    if (r.cpu_shares) TRY_VOID(write_value(dir_ + "/cpu.weight", std::to_string(1 + ((*r.cpu_shares - 2) * 9999) / 262142)));
    if (!r.cpuset_cpus.empty()) TRY_VOID(write_value(dir_ + "/cpuset.cpus", r.cpuset_cpus));
    if (!r.cpuset_mems.empty()) TRY_VOID(write_value(dir_ + "/cpuset.mems", r.cpuset_mems));
    if (r.pids_limit) TRY_VOID(write_value(dir_ + "/pids.max", std::to_string(*r.pids_limit)));
    if (r.blkio_weight && fs::exists(dir_ + "/io.weight"))
      TRY_VOID(write_value(dir_ + "/io.weight", "default " + std::to_string(*r.blkio_weight)));
    // io.max takes one line per device with every limit of it.
    std::map<std::pair<int64_t, int64_t>, std::string> io_max;
    const std::pair<const char*, const std::vector<spec::ThrottleDevice>*> kinds[] = {
        {"rbps", &r.read_bps}, {"wbps", &r.write_bps}, {"riops", &r.read_iops}, {"wiops", &r.write_iops}};
    for (const auto& [key, devices] : kinds)
      for (const auto& d : *devices) io_max[{d.major, d.minor}] += std::string(" ") + key + "=" + std::to_string(d.rate);
    for (const auto& [dev, limits] : io_max)
      TRY_VOID(write_value(dir_ + "/io.max", std::to_string(dev.first) + ":" + std::to_string(dev.second) + limits));
    return {};
  }

  Result<std::vector<UniqueFd>> open_procs() override {
    std::vector<UniqueFd> fds;
    std::string f = dir_ + "/cgroup.procs";
    UniqueFd fd(::open(f.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) return fail(Error::from_errno(errno, "open " + f));
    fds.push_back(std::move(fd));
    return fds;
  }

  Result<void> destroy() override { return kill_and_remove(dir_); }
  Result<void> freeze(bool frozen) override { return write_value(dir_ + "/cgroup.freeze", frozen ? "1" : "0"); }
  std::vector<pid_t> pids() override { return read_pids(dir_ + "/cgroup.procs"); }

 private:
  std::string dir_, root_, path_;
};
}  // namespace

std::unique_ptr<Cgroup> make_v2(const std::string& path, const std::string& root) {
  return std::make_unique<CgroupV2>(path, root);
}

}  // namespace mydocker::libcontainer::cgroups
