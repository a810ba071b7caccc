#pragma once
// The small protocol between mydockerd and a running shim, on the shim's
// control socket <bundle>/ctl.sock: one text line per connection, and for
// "attach" the client's socket passed along with SCM_RIGHTS.
//   attach <i|-><o|-><e|-> <detach keys as hex, or ->
//   resize <rows> <cols>
//   execresize <exec id> <rows> <cols>
//   exec <request JSON as hex>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::shim_control {

inline constexpr const char* kSocketName = "ctl.sock";

// Daemon side: connects to <bundle_dir>/ctl.sock (through /proc/self/fd so
// long paths stay under the 108-byte limit), sends one message and returns
// the shim's reply (empty for attach and resize; "pid N" or "error ..."
// for exec).
Result<std::string> send(const std::string& bundle_dir, const std::string& line, int pass_fd = -1);

// Shim side: reads one message from an accepted connection.
Result<std::string> receive(int conn, UniqueFd& passed_fd);

// Shim side: a listening socket at <dir_fd>/ctl.sock.
Result<UniqueFd> listen_at(int dir_fd);

std::string to_hex(const std::string& bytes);
std::string from_hex(const std::string& hex);

}  // namespace mydocker::shim_control
