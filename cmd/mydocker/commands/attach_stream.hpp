#pragma once
// Copies a hijacked attach stream to our stdout/stderr (demultiplexed
// without a tty) and, with stdin open, our stdin to it, until the daemon
// ends the stream.
#include "api/client/client.hpp"

namespace mydocker::cli {

// Returns true when the user typed the detach sequence (detach_keys as
// Docker spells them, empty for the default): the container runs on.
bool pump_attached(api::client::Hijacked& h, bool tty, bool stdin_open, const std::string& detach_keys = "");

// A whole terminal session around pump_attached: with a tty and stdin the
// local terminal is raw until the stream ends (restored on every path);
// with a tty the window size is sent to resize_path ("/containers/ID/resize"
// or "/exec/ID/resize") at once and again on every SIGWINCH.
struct SessionOptions {
  bool tty = false;
  bool stdin_open = false;
  std::string detach_keys;
  std::string resize_path;
};
bool join_session(api::client::Client& c, api::client::Hijacked& h, const SessionOptions& o);

}  // namespace mydocker::cli
