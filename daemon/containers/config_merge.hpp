#pragma once
// Docker's rules for combining a container's Config with its image's.
#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace mydocker::daemon::containers {

// Fills what the user left out from the image config (Docker's merge):
// Env by key, Cmd and Entrypoint unless the user gave an entrypoint,
// WorkingDir, User, Labels, ExposedPorts, Volumes.
void merge_image_config(nlohmann::json& config, const nlohmann::json& image_container_config);

// A JSON array's strings (a lone string as one); anything else: none.
std::vector<std::string> strings_of(const nlohmann::json& j);

// Entrypoint + Cmd as one argv; InvalidParameter "No command specified" when empty.
Result<std::vector<std::string>> command_line(const nlohmann::json& config);

// Process environment as Docker builds it: PATH if missing, HOSTNAME,
// TERM=xterm with a tty, then the container's Env (later entries win).
std::vector<std::string> process_env(const nlohmann::json& config, const std::string& hostname);

}  // namespace mydocker::daemon::containers
