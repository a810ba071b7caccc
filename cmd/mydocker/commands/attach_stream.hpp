#pragma once
// Copies a hijacked attach stream to our stdout/stderr (demultiplexed
// without a tty) and, with stdin open, our stdin to it, until the daemon
// ends the stream.
#include "api/client/client.hpp"

namespace mydocker::cli {

// Returns true when the user typed the detach sequence (detach_keys as
// Docker spells them, empty for the default): the container runs on.
bool pump_attached(api::client::Hijacked& h, bool tty, bool stdin_open, const std::string& detach_keys = "");

}  // namespace mydocker::cli
