#include "daemon/networks/nat_rules.hpp"

#include <nftables/libnftables.h>

#include <memory>

namespace mydocker::daemon::networks {

namespace {
struct CtxFree {
  void operator()(nft_ctx* c) const { nft_ctx_free(c); }
};

Result<void> run_nft(const std::string& script) {
  std::unique_ptr<nft_ctx, CtxFree> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!ctx) return fail(Error::internal("nft_ctx_new failed"));
  nft_ctx_buffer_output(ctx.get());
  nft_ctx_buffer_error(ctx.get());
  if (nft_run_cmd_from_buffer(ctx.get(), script.c_str()) != 0) {
    const char* err = nft_ctx_get_error_buffer(ctx.get());
    return fail(Error::internal(std::string("nftables: ") + (err ? err : "failed")));
  }
  return {};
}
}  // namespace

std::string nat_script(const NatState& s) {
  const std::string t = "ip " + s.table;
  // Declaring then deleting makes the delete safe when the table is absent;
  // the whole buffer is one transaction.
  std::string out = "table " + t + "\ndelete table " + t + "\ntable " + t + " {\n";
  out += "  chain ports {\n";
  for (const auto& f : s.forwards) {
    out += "    ";
    if (f.host_ip) out += "ip daddr " + format_ipv4(f.host_ip) + " ";
    out += f.proto + " dport " + std::to_string(f.host_port) + " dnat to " + format_ipv4(f.container_ip) + ":" +
           std::to_string(f.container_port) + "\n";
  }
  out += "  }\n";
  out += "  chain prerouting {\n    type nat hook prerouting priority dstnat; policy accept;\n"
         "    fib daddr type local jump ports\n  }\n";
  out += "  chain output {\n    type nat hook output priority -100; policy accept;\n"
         "    fib daddr type local jump ports\n  }\n";
  const std::string br = "\"" + s.bridge + "\"";
  out += "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n"
         "    ip saddr " + s.subnet.str() + " oifname != " + br + " masquerade\n"
         // Published ports reached from the host's own 127.0.0.1.
         "    ip saddr 127.0.0.0/8 oifname " + br + " masquerade\n  }\n";
  out += "  chain forward {\n    type filter hook forward priority filter; policy accept;\n"
         "    iifname " + br + " accept\n    oifname " + br + " accept\n  }\n";
  out += "}\n";
  return out;
}

Result<void> apply_nat(const NatState& state) { return run_nft(nat_script(state)); }

Result<void> remove_nat_table(const std::string& table) {
  return run_nft("table ip " + table + "\ndelete table ip " + table + "\n");
}

}  // namespace mydocker::daemon::networks
