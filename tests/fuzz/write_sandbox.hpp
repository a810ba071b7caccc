#pragma once
// For the targets that unpack archives onto disk. As root, the fuzzer's
// process moves to its own mount namespace where a fresh tmpfs is mounted
// at kScratch and every other mount is read-only, except the folders
// libFuzzer writes (its corpus folders and where crash inputs go). A bug
// that writes outside the layer then fails on a read-only file system
// instead of damaging the machine, and kScratch holds a file ("secret")
// next to the layer folder that a traversal would reach first: the
// targets check it after each input.
#include <string>

namespace mydocker::fuzz {

inline constexpr const char* kScratch = "/tmp/mydocker-fuzz-scratch";

// Returns the scratch folder (kScratch, or a fresh temp folder with a
// warning when not root: then nothing else is protected).
std::string enter_write_sandbox(int argc, char** argv);

// An empty folder <scratch>/root for the next input, with <scratch>/secret
// restored; and whether an input left the scratch as it found it (only
// "root" and an untouched "secret" in it).
std::string fresh_layer_dir(const std::string& scratch);
bool scratch_intact(const std::string& scratch, std::string& what);

}  // namespace mydocker::fuzz
