// The runtime runs from its own binary in a form that cannot be written (CVE-2019-5736).
// In order of preference:
//  1. in place: a detached read-only bind mount of the binary (open_tree + mount_setattr,
//     attached to no mount namespace, so nothing is left on the host); the binary's
//     mappings are moved onto it and /proc/self/exe pointed at it with prctl(PR_SET_MM)
//     (no execve: the C library's start-up, slow in VMs, is not paid twice);
//  2. an execveat through that read-only mount;
//  3. an execve of a write-sealed memfd copy.
#pragma once

namespace rampart::container {

// Name of the memfd the runtime re-executes from ("/memfd:<name> (deleted)" in
// /proc/PID/exe).
inline constexpr const char* kSealedExeName = "rampart";

// When /proc/self/exe is neither on a read-only mount nor a write-sealed memfd: seals in
// place, else re-executes (same argv and environment) through the read-only mount or
// from a sealed memfd copy of the loadable part. A process in a container that gets hold
// of the runtime's /proc/PID/exe (e.g. through an image binary "#!/proc/self/exe") then
// holds a file it cannot write (EROFS, or a sealed memfd), never the host's binary.
// Returns (continuing from the file) only when none of the three is possible.
void reexec_sealed(char** argv);

// Step 1 alone: moves every file mapping of this binary and /proc/self/exe onto a
// read-only mount of it. Needs CAP_SYS_ADMIN (open_tree) and CAP_SYS_RESOURCE or
// CAP_SYS_ADMIN (prctl). False when that was not possible (the process runs on, from the
// file). Call only while the process has a single thread.
bool seal_exe_in_place();

// Whether /proc/PID/exe of `pid` is a sealed copy of the runtime made by reexec_sealed.
bool is_sealed_runtime_exe(int pid);

}  // namespace rampart::container
