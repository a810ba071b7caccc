#pragma once
// `import --change` lines (Dockerfile instructions) applied to an image's
// container config: CMD, ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE,
// VOLUME, STOPSIGNAL, in JSON or shell form as Docker accepts them.
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::images {

Result<void> apply_dockerfile_change(nlohmann::json& config, const std::string& line);

}  // namespace mydocker::daemon::images
