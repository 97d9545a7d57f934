// The runtime runs from a copy of its own binary that cannot be written (CVE-2019-5736):
// preferably the binary itself through a detached read-only bind mount (open_tree +
// mount_setattr + execveat: one extra execve, nothing attached to any mount namespace),
// else a write-sealed memfd copy.
#pragma once

namespace rampart::container {

// Name of the memfd the runtime re-executes from ("/memfd:<name> (deleted)" in
// /proc/PID/exe).
inline constexpr const char* kSealedExeName = "rampart";

// When /proc/self/exe is neither on a read-only mount nor a write-sealed memfd:
// re-executes through a read-only bind mount of the binary, or (where that is not
// allowed) copies the loadable part of the binary into a sealed memfd and re-executes it,
// with the same argv and environment.
// A process in a container that gets hold of the runtime's /proc/PID/exe (e.g. through
// an image binary "#!/proc/self/exe") then holds a memfd it cannot write, not the host's
// binary. Returns (continuing from the file) only when memfds are unavailable.
void reexec_sealed(char** argv);

// Whether /proc/PID/exe of `pid` is a sealed copy of the runtime made by reexec_sealed.
bool is_sealed_runtime_exe(int pid);

}  // namespace rampart::container
