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
  auto q = [](const std::string& name) { return "\"" + name + "\""; };
  out += "  chain postrouting {\n    type nat hook postrouting priority srcnat; policy accept;\n";
  for (const auto& b : s.bridges) {
    if (b.internal) continue;
    out += "    ip saddr " + b.subnet.str() + " oifname != " + q(b.bridge) + " masquerade\n";
    // Published ports reached from the host's own 127.0.0.1.
    out += "    ip saddr 127.0.0.0/8 oifname " + q(b.bridge) + " masquerade\n";
  }
  out += "  }\n";
  out += "  chain forward {\n    type filter hook forward priority filter; policy accept;\n";
  // Networks are isolated from each other, internal ones from everything.
  for (const auto& a : s.bridges)
    for (const auto& b : s.bridges)
      if (a.bridge != b.bridge) out += "    iifname " + q(a.bridge) + " oifname " + q(b.bridge) + " drop\n";
  for (const auto& b : s.bridges) {
    if (b.internal) {
      out += "    iifname " + q(b.bridge) + " oifname != " + q(b.bridge) + " drop\n";
      out += "    oifname " + q(b.bridge) + " iifname != " + q(b.bridge) + " drop\n";
    } else {
      out += "    iifname " + q(b.bridge) + " accept\n    oifname " + q(b.bridge) + " accept\n";
    }
  }
  out += "  }\n";
  out += "}\n";
  return out;
}

Result<void> apply_nat(const NatState& state) { return run_nft(nat_script(state)); }

Result<void> remove_nat_table(const std::string& table) {
  return run_nft("table ip " + table + "\ndelete table ip " + table + "\n");
}

}  // namespace mydocker::daemon::networks
