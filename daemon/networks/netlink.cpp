#include "daemon/networks/netlink.hpp"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <sched.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include <functional>

namespace mydocker::daemon::networks {

namespace {
struct SockFree {
  void operator()(nl_sock* s) const { nl_socket_free(s); }
};
struct LinkPut {
  void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrPut {
  void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtAddrPut {
  void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RoutePut {
  void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
using Sock = std::unique_ptr<nl_sock, SockFree>;
using Link = std::unique_ptr<rtnl_link, LinkPut>;
using Addr = std::unique_ptr<nl_addr, AddrPut>;

Error nl_error(int err, const std::string& what) { return Error::internal(what + ": " + nl_geterror(err)); }

// A route netlink socket in the calling thread's network namespace.
Result<Sock> connect_route() {
  Sock s(nl_socket_alloc());
  if (!s) return fail(Error::internal("nl_socket_alloc failed"));
  if (int e = nl_connect(s.get(), NETLINK_ROUTE); e < 0) return fail(nl_error(e, "netlink connect"));
  return s;
}

Result<Addr> parse_addr(const std::string& text, int family) {
  nl_addr* a = nullptr;
  if (int e = nl_addr_parse(text.c_str(), family, &a); e < 0) return fail(nl_error(e, "parse address " + text));
  return Addr(a);
}

Result<Link> get_link(nl_sock* s, const std::string& name) {
  rtnl_link* l = nullptr;
  if (int e = rtnl_link_get_kernel(s, 0, name.c_str(), &l); e < 0) return fail(nl_error(e, "link " + name));
  return Link(l);
}

Result<void> set_up(nl_sock* s, rtnl_link* link, const char* new_name = nullptr, const std::string& mac = "") {
  Link change(rtnl_link_alloc());
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (new_name) rtnl_link_set_name(change.get(), new_name);
  if (!mac.empty()) {
    TRY_ASSIGN(Addr ll, parse_addr(mac, AF_LLC));
    rtnl_link_set_addr(change.get(), ll.get());
  }
  if (int e = rtnl_link_change(s, link, change.get(), 0); e < 0)
    return fail(nl_error(e, std::string("set up ") + rtnl_link_get_name(link)));
  return {};
}

Result<void> add_address(nl_sock* s, int ifindex, uint32_t ip, int prefix) {
  TRY_ASSIGN(Addr local, parse_addr(format_ipv4(ip) + "/" + std::to_string(prefix), AF_INET));
  std::unique_ptr<rtnl_addr, RtAddrPut> a(rtnl_addr_alloc());
  rtnl_addr_set_ifindex(a.get(), ifindex);
  rtnl_addr_set_local(a.get(), local.get());
  if (int e = rtnl_addr_add(s, a.get(), 0); e < 0 && e != -NLE_EXIST) return fail(nl_error(e, "add address"));
  return {};
}

Result<void> add_default_route(nl_sock* s, int ifindex, uint32_t gateway) {
  TRY_ASSIGN(Addr dst, parse_addr("0.0.0.0/0", AF_INET));
  TRY_ASSIGN(Addr gw, parse_addr(format_ipv4(gateway), AF_INET));
  std::unique_ptr<rtnl_route, RoutePut> r(rtnl_route_alloc());
  rtnl_route_set_family(r.get(), AF_INET);
  rtnl_route_set_dst(r.get(), dst.get());
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, ifindex);
  rtnl_route_nh_set_gateway(nh, gw.get());
  rtnl_route_add_nexthop(r.get(), nh);  // the route owns it now
  if (int e = rtnl_route_add(s, r.get(), NLM_F_CREATE); e < 0) return fail(nl_error(e, "add default route"));
  return {};
}

// Runs fn on a thread that has joined the namespace (threads can switch
// their own network namespace; the daemon's other threads stay put).
Result<void> in_netns(int netns_fd, const std::function<Result<void>()>& fn) {
  Result<void> result;
  std::thread([&] {
    if (::unshare(CLONE_FS) != 0 || ::setns(netns_fd, CLONE_NEWNET) != 0) {
      result = fail(Error::from_errno(errno, "enter network namespace"));
      return;
    }
    result = fn();
  }).join();
  return result;
}

// Inside the namespace: lo up, the new link renamed, addressed, routed.
struct InsidePlan {
  std::string temp_name, ifname, mac;
  uint32_t ip = 0, gateway = 0;
  int prefix = 0;
};

Result<void> configure_inside(const InsidePlan& p) {
  TRY_ASSIGN(Sock s, connect_route());
  TRY_ASSIGN(Link lo, get_link(s.get(), "lo"));
  TRY_VOID(set_up(s.get(), lo.get()));
  TRY_ASSIGN(Link l, get_link(s.get(), p.temp_name));
  TRY_VOID(set_up(s.get(), l.get(), p.ifname.c_str(), p.mac));
  const int idx = rtnl_link_get_ifindex(l.get());
  TRY_VOID(add_address(s.get(), idx, p.ip, p.prefix));
  if (p.gateway) TRY_VOID(add_default_route(s.get(), idx, p.gateway));
  return {};
}
}  // namespace

bool link_exists(const std::string& name) {
  auto s = connect_route();
  return s && get_link(s->get(), name).has_value();
}

Result<void> ensure_bridge(const std::string& name, uint32_t gateway, int prefix) {
  TRY_ASSIGN(Sock s, connect_route());
  auto existing = get_link(s.get(), name);
  if (!existing) {
    Link br(rtnl_link_bridge_alloc());
    rtnl_link_set_name(br.get(), name.c_str());
    if (int e = rtnl_link_add(s.get(), br.get(), NLM_F_CREATE | NLM_F_EXCL); e < 0 && e != -NLE_EXIST)
      return fail(nl_error(e, "create bridge " + name));
    existing = get_link(s.get(), name);
    if (!existing) return fail(existing.error());
  }
  TRY_VOID(add_address(s.get(), rtnl_link_get_ifindex(existing->get()), gateway, prefix));
  return set_up(s.get(), existing->get());
}

Result<void> attach_to_bridge(const std::string& link, const std::string& bridge) {
  TRY_ASSIGN(Sock s, connect_route());
  TRY_ASSIGN(Link br, get_link(s.get(), bridge));
  TRY_ASSIGN(Link l, get_link(s.get(), link));
  Link change(rtnl_link_alloc());
  rtnl_link_set_master(change.get(), rtnl_link_get_ifindex(br.get()));
  rtnl_link_set_flags(change.get(), IFF_UP);
  if (int e = rtnl_link_change(s.get(), l.get(), change.get(), 0); e < 0)
    return fail(nl_error(e, "put " + link + " on bridge " + bridge));
  return {};
}

Result<void> ensure_dummy(const std::string& name) {
  TRY_ASSIGN(Sock s, connect_route());
  auto existing = get_link(s.get(), name);
  if (!existing) {
    Link d(rtnl_link_alloc());
    rtnl_link_set_type(d.get(), "dummy");
    rtnl_link_set_name(d.get(), name.c_str());
    int e = rtnl_link_add(s.get(), d.get(), NLM_F_CREATE | NLM_F_EXCL);
    if (e == -NLE_OPNOTSUPP) {
      // A kernel without the dummy driver: a veth pair whose other end
      // stays unused on the host is a parent with a carrier just the same.
      Link veth(rtnl_link_veth_alloc());
      rtnl_link_set_name(veth.get(), name.c_str());
      const std::string peer_name = "dmp" + name.substr(name.size() > 12 ? name.size() - 12 : 0);
      rtnl_link* peer = rtnl_link_veth_get_peer(veth.get());
      rtnl_link_set_name(peer, peer_name.c_str());
      rtnl_link_put(peer);
      e = rtnl_link_add(s.get(), veth.get(), NLM_F_CREATE | NLM_F_EXCL);
      if (e >= 0) {
        auto peer_link = get_link(s.get(), peer_name);
        if (peer_link) (void)set_up(s.get(), peer_link->get());
      }
    }
    if (e < 0 && e != -NLE_EXIST) return fail(nl_error(e, "create dummy link " + name));
    existing = get_link(s.get(), name);
    if (!existing) return fail(existing.error());
  }
  return set_up(s.get(), existing->get());
}

Result<void> delete_link(const std::string& name) {
  TRY_ASSIGN(Sock s, connect_route());
  auto l = get_link(s.get(), name);
  if (!l) return {};
  if (int e = rtnl_link_delete(s.get(), l->get()); e < 0 && e != -NLE_NODEV && e != -NLE_OBJ_NOTFOUND)
    return fail(nl_error(e, "delete link " + name));
  return {};
}

Result<void> create_endpoint(const VethPlan& p) {
  TRY_ASSIGN(Sock s, connect_route());
  TRY_ASSIGN(Link bridge, get_link(s.get(), p.bridge));
  // The peer's temporary name is unique on the host too, until it moves.
  const std::string peer = p.host_name + "p";
  Link veth(rtnl_link_veth_alloc());
  rtnl_link_set_name(veth.get(), p.host_name.c_str());
  rtnl_link_set_master(veth.get(), rtnl_link_get_ifindex(bridge.get()));
  rtnl_link* peer_link = rtnl_link_veth_get_peer(veth.get());
  rtnl_link_set_name(peer_link, peer.c_str());
  rtnl_link_set_ns_fd(peer_link, p.netns_fd);
  rtnl_link_put(peer_link);
  if (int e = rtnl_link_add(s.get(), veth.get(), NLM_F_CREATE | NLM_F_EXCL); e < 0)
    return fail(nl_error(e, "create veth " + p.host_name));
  auto undo = [&] { (void)delete_link(p.host_name); };
  auto host = get_link(s.get(), p.host_name);
  if (!host) {
    undo();
    return fail(host.error());
  }
  if (auto r = set_up(s.get(), host->get()); !r) {
    undo();
    return r;
  }
  const InsidePlan inside{peer, p.ifname, p.mac, p.ip, p.gateway, p.prefix};
  if (auto r = in_netns(p.netns_fd, [&] { return configure_inside(inside); }); !r) {
    undo();
    return r;
  }
  return {};
}

bool valid_macvlan_mode(const std::string& mode) {
  return mode == "bridge" || mode == "private" || mode == "vepa" || mode == "passthru";
}

Result<void> create_macvlan_endpoint(const MacvlanPlan& p) {
  if (!valid_macvlan_mode(p.mode)) return fail(Error::invalid("unknown macvlan mode: " + p.mode));
  TRY_ASSIGN(Sock s, connect_route());
  TRY_ASSIGN(Link parent, get_link(s.get(), p.parent));
  // Made inside the namespace at once under a name unique there: nothing
  // of it is ever visible on the host.
  const std::string temp = "mv" + p.ifname;
  Link mv(rtnl_link_macvlan_alloc());
  rtnl_link_set_name(mv.get(), temp.c_str());
  rtnl_link_set_link(mv.get(), rtnl_link_get_ifindex(parent.get()));
  rtnl_link_macvlan_set_mode(mv.get(), uint32_t(rtnl_link_macvlan_str2mode(p.mode.c_str())));
  rtnl_link_set_ns_fd(mv.get(), p.netns_fd);
  if (int e = rtnl_link_add(s.get(), mv.get(), NLM_F_CREATE | NLM_F_EXCL); e < 0)
    return fail(nl_error(e, "create macvlan on " + p.parent));
  const InsidePlan inside{temp, p.ifname, p.mac, p.ip, p.gateway, p.prefix};
  if (auto r = in_netns(p.netns_fd, [&] { return configure_inside(inside); }); !r) {
    (void)delete_link_in_netns(p.netns_fd, temp);
    (void)delete_link_in_netns(p.netns_fd, p.ifname);
    return r;
  }
  return {};
}

Result<void> delete_link_in_netns(int netns_fd, const std::string& name) {
  return in_netns(netns_fd, [&] { return delete_link(name); });
}

Result<int> new_netns() {
  Result<int> result = fail(Error::internal("netns thread did not run"));
  std::thread([&] {
    if (::unshare(CLONE_FS | CLONE_NEWNET) != 0) {
      result = fail(Error::from_errno(errno, "unshare network namespace"));
      return;
    }
    int fd = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) result = fail(Error::from_errno(errno, "open network namespace"));
    else result = fd;
  }).join();
  return result;
}

namespace {
Result<int> socket_in_netns(int netns_fd, int type, uint32_t ip, int port) {
  int fd = -1;
  TRY_VOID(in_netns(netns_fd, [&]() -> Result<void> {
    fd = ::socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return fail(Error::from_errno(errno, "socket"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    a.sin_addr.s_addr = htonl(ip);
    const int one = 1;
    if (type == SOCK_STREAM) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || (type == SOCK_STREAM && ::listen(fd, 64) != 0)) {
      const int e = errno;
      ::close(fd);
      fd = -1;
      return fail(Error::from_errno(e, "bind " + format_ipv4(ip) + ":" + std::to_string(port)));
    }
    return {};
  }));
  return fd;
}
}  // namespace

Result<int> udp_socket_in_netns(int netns_fd, uint32_t ip, int port) {
  return socket_in_netns(netns_fd, SOCK_DGRAM, ip, port);
}

Result<int> tcp_listener_in_netns(int netns_fd, uint32_t ip, int port) {
  return socket_in_netns(netns_fd, SOCK_STREAM, ip, port);
}

Result<void> loopback_up(int netns_fd) {
  return in_netns(netns_fd, [] () -> Result<void> {
    TRY_ASSIGN(Sock s, connect_route());
    TRY_ASSIGN(Link lo, get_link(s.get(), "lo"));
    return set_up(s.get(), lo.get());
  });
}

Result<void> write_sysctl(const std::string& key, const std::string& value) {
  // In place: /proc/sys files cannot be replaced by a rename.
  const std::string path = "/proc/sys/" + key;
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return fail(Error::from_errno(errno, "open " + path));
  ssize_t n = ::write(fd, value.data(), value.size());
  int e = errno;
  ::close(fd);
  if (n != ssize_t(value.size())) return fail(Error::from_errno(e, "write " + path));
  return {};
}

}  // namespace mydocker::daemon::networks
