#pragma once
// Maps METHOD + path (version prefix already stripped) to a handler.
// Patterns: "/containers/{id}/start"; "{name*}" matches one or more
// segments (image names contain slashes: /images/127.0.0.1:5000/a/b/json).
#include <functional>
#include <string>
#include <vector>

#include "api/server/request.hpp"

namespace mydocker::api {

using Handler = std::function<void(Request&, Responder&)>;

class Router {
 public:
  void add(std::string method, std::string pattern, Handler h);
  // Fills req.params; nullptr when nothing matches (404 vs 405 told apart
  // by path_known).
  const Handler* match(Request& req, bool& path_known) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

std::vector<std::string> split_path(std::string_view path);
std::string percent_decode(std::string_view s, bool plus_as_space);

}  // namespace mydocker::api
