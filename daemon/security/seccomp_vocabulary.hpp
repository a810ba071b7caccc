#pragma once
// The words a seccomp profile may use (actions, comparison ops,
// architectures, filter flags) and which of them we can carry out.
#include <string>
#include <string_view>

namespace mydocker::daemon::security {

// Each returns an empty string when the word is accepted, otherwise why not
// (e.g. `unknown action "SCMP_ACT_FOO"`), ready for an error message.
std::string check_seccomp_action(std::string_view action);
std::string check_seccomp_op(std::string_view op);
std::string check_seccomp_arch(std::string_view scmp_arch);     // SCMP_ARCH_X86_64
std::string check_native_arch(std::string_view native_arch);    // amd64, for includes.arches
std::string check_seccomp_flag(std::string_view flag);          // SECCOMP_FILTER_FLAG_LOG

// Whether errnoRet means something for this action (the errno for ERRNO,
// the message for the tracer for TRACE).
bool seccomp_action_takes_errno(std::string_view action);

// The architecture this binary was built for, in both vocabularies.
std::string native_arch();       // "amd64" (Go's naming, as Docker's profiles use)
std::string native_scmp_arch();  // "SCMP_ARCH_X86_64"; empty if we know no name

}  // namespace mydocker::daemon::security
