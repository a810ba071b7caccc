#pragma once
// The in-memory index of containers (by id and by name) and their files on
// disk. Lookups follow Docker: full id, then exact name, then unique id
// prefix.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/containers/container.hpp"
#include "daemon/store/paths.hpp"

namespace mydocker::daemon::containers {

class ContainerStore {
 public:
  explicit ContainerStore(const store::Paths& paths) : paths_(paths) {}

  // Reads every containers/<id>/config.v2.json; broken ones are skipped with a warning.
  std::vector<std::shared_ptr<Container>> load_all();

  Result<std::shared_ptr<Container>> find(std::string_view name_or_id) const;
  std::vector<std::shared_ptr<Container>> all() const;

  // Reserves the name (with leading "/") for id; Conflict naming the holder.
  Result<void> reserve_name(const std::string& name, const std::string& id);
  void release_name(const std::string& name);
  void add(std::shared_ptr<Container> c);
  void erase(const std::string& id);

  // Writes config.v2.json and hostconfig.json atomically. Caller holds c.mu.
  Result<void> checkpoint(const Container& c) const;

 private:
  const store::Paths& paths_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Container>> by_id_;
  std::map<std::string, std::string> names_;  // "/name" → id
};

}  // namespace mydocker::daemon::containers
