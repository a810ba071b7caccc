// update: new resource limits (and restart policy) for containers, as
// `docker update` sends them: one POST /containers/{id}/update per name,
// the name printed on success.
#include <iostream>

#include "commands/context.hpp"
#include "format/create_config.hpp"

namespace mydocker::cli {

namespace {
struct UpdateFlags {
  std::string memory, memory_swap, memory_reservation, cpus, cpuset_cpus, cpuset_mems, restart;
  int64_t cpu_shares = 0, cpu_period = 0, cpu_quota = 0, pids_limit = 0;
  int blkio_weight = 0;
  std::vector<std::string> names;
};

Result<nlohmann::json> update_body(const UpdateFlags& f) {
  nlohmann::json body = nlohmann::json::object();
  TRY_ASSIGN(int64_t memory, format::ram_in_bytes(f.memory));
  int64_t swap = -1;
  if (f.memory_swap != "-1") {
    TRY_ASSIGN(swap, format::ram_in_bytes(f.memory_swap));
  }
  TRY_ASSIGN(int64_t reservation, format::ram_in_bytes(f.memory_reservation));
  TRY_ASSIGN(int64_t nano, format::nano_cpus_of(f.cpus));
  body["Memory"] = memory;
  body["MemorySwap"] = f.memory_swap.empty() ? 0 : swap;
  body["MemoryReservation"] = reservation;
  body["NanoCpus"] = nano;
  body["CpuShares"] = f.cpu_shares;
  body["CpuPeriod"] = f.cpu_period;
  body["CpuQuota"] = f.cpu_quota;
  body["CpusetCpus"] = f.cpuset_cpus;
  body["CpusetMems"] = f.cpuset_mems;
  body["PidsLimit"] = f.pids_limit;
  body["BlkioWeight"] = f.blkio_weight;
  if (!f.restart.empty()) {
    TRY_ASSIGN(nlohmann::ordered_json policy, format::restart_policy(f.restart));
    body["RestartPolicy"] = nlohmann::json::parse(policy.dump());
  }
  return body;
}
}  // namespace

void add_update_command(CLI::App& parent, Context& ctx) {
  auto f = std::make_shared<UpdateFlags>();
  CLI::App* c = parent.add_subcommand("update", "Update configuration of one or more containers");
  c->add_option("CONTAINER", f->names, "Containers")->required();
  c->add_option("-m,--memory", f->memory, "Memory limit");
  c->add_option("--memory-swap", f->memory_swap, "Swap limit equal to memory plus swap: -1 to enable unlimited swap");
  c->add_option("--memory-reservation", f->memory_reservation, "Memory soft limit");
  c->add_option("--cpus", f->cpus, "Number of CPUs");
  c->add_option("-c,--cpu-shares", f->cpu_shares, "CPU shares (relative weight)");
  c->add_option("--cpu-period", f->cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period");
  c->add_option("--cpu-quota", f->cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota");
  c->add_option("--cpuset-cpus", f->cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)");
  c->add_option("--cpuset-mems", f->cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)");
  c->add_option("--pids-limit", f->pids_limit, "Tune container pids limit (set -1 for unlimited)");
  c->add_option("--blkio-weight", f->blkio_weight, "Block IO (relative weight), between 10 and 1000, or 0 to disable");
  c->add_option("--restart", f->restart, "Restart policy to apply when a container exits");
  c->callback([&ctx, f] {
    auto body = update_body(*f);
    if (!body) return void(ctx.exit_code = flag_error(ctx.command_path, body.error().message));
    auto& cl = ctx.connect();
    int rc = 0;
    for (const auto& n : f->names) {
      auto r = cl.request("POST", "/containers/" + api::client::url_encode(n) + "/update", body->dump());
      if (!r) rc = print_daemon_error(r.error());
      else if (r->status >= 400) rc = print_daemon_error(api::client::error_from(*r));
      else std::cout << n << "\n";
    }
    ctx.exit_code = rc;
  });
}

}  // namespace mydocker::cli
