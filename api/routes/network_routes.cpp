// /networks: the fixed bridge, host and none networks (user-defined
// networks come with their own issue).
#include "api/routes/routes.hpp"

namespace mydocker::api {

void register_network_routes(Router& r, Backend& b) {
  r.add("GET", "/networks", [&b](Request&, Responder& res) { res.send_json(200, b.networks.list()); });
  r.add("GET", "/networks/{id}", [&b](Request& req, Responder& res) {
    auto n = b.networks.inspect(req.param("id"));
    if (!n) return res.send_error(n.error());
    res.send_json(200, *n);
  });
}

}  // namespace mydocker::api
