#pragma once
// The one error type of the project: a category that the API maps to an HTTP
// status, an errno where the failure came from the kernel, and a message that
// names the object, in Docker's words where users see it.
#include <cerrno>
#include <expected>
#include <string>
#include <string_view>

namespace mydocker {

enum class ErrorKind {
  NotFound,          // 404
  InvalidParameter,  // 400
  Conflict,          // 409
  Forbidden,         // 403
  Unauthorized,      // 401
  NotModified,       // 304
  Unavailable,       // 503
  System,            // 500
};

struct Error {
  ErrorKind kind = ErrorKind::System;
  int err_no = 0;
  std::string message;

  // "context: message", keeping kind and errno.
  Error wrap(std::string_view context) const;

  static Error not_found(std::string msg) { return {ErrorKind::NotFound, 0, std::move(msg)}; }
  static Error invalid(std::string msg) { return {ErrorKind::InvalidParameter, 0, std::move(msg)}; }
  static Error conflict(std::string msg) { return {ErrorKind::Conflict, 0, std::move(msg)}; }
  static Error forbidden(std::string msg) { return {ErrorKind::Forbidden, 0, std::move(msg)}; }
  static Error not_modified(std::string msg = {}) { return {ErrorKind::NotModified, 0, std::move(msg)}; }
  static Error unavailable(std::string msg) { return {ErrorKind::Unavailable, 0, std::move(msg)}; }
  static Error unauthorized(std::string msg) { return {ErrorKind::Unauthorized, 0, std::move(msg)}; }
  static Error internal(std::string msg) { return {ErrorKind::System, 0, std::move(msg)}; }
  // "what: strerror(err)" with kind System (or NotFound for ENOENT when asked).
  static Error from_errno(int err, std::string_view what);
};

template <class T = void>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace mydocker

// Early return on error. g++ 12 lacks the monadic helpers of std::expected.
#define MYDOCKER_CONCAT_(a, b) a##b
#define MYDOCKER_CONCAT(a, b) MYDOCKER_CONCAT_(a, b)
#define TRY_VOID(expr)                                                  \
  do {                                                                  \
    auto&& _try_r = (expr);                                             \
    if (!_try_r) return std::unexpected(std::move(_try_r).error());     \
  } while (0)
#define TRY_ASSIGN_IMPL(tmp, decl, expr)                                \
  auto tmp = (expr);                                                    \
  if (!tmp) return std::unexpected(std::move(tmp).error());             \
  decl = std::move(*tmp)
#define TRY_ASSIGN(decl, expr) TRY_ASSIGN_IMPL(MYDOCKER_CONCAT(_try_, __LINE__), decl, expr)
