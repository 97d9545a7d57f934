#include "runtime/container/sealed_exe.hpp"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "runtime/container/fd.hpp"

extern char** environ;

namespace rampart::container {

namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

// open_tree(2) / mount_setattr(2) (linux/mount.h, which clashes with sys/mount.h).
constexpr unsigned kOpenTreeClone = 1;
constexpr unsigned kOpenTreeCloexec = O_CLOEXEC;
constexpr uint64_t kMountAttrRdonly = 0x00000001;
struct MountAttr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};

// End of the part of the ELF file the kernel loads (program headers and PT_LOAD
// segments); the debug sections after it are not needed to run. 0 when unsure.
off_t loaded_size(int fd) {
    Elf64_Ehdr eh;
    if (::pread(fd, &eh, sizeof eh, 0) != static_cast<ssize_t>(sizeof eh)) return 0;
    if (std::string(reinterpret_cast<const char*>(eh.e_ident), 4) != ELFMAG || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 || eh.e_phnum > 256)
        return 0;
    off_t end = static_cast<off_t>(eh.e_phoff + uint64_t(eh.e_phnum) * sizeof(Elf64_Phdr));
    for (int i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph;
        if (::pread(fd, &ph, sizeof ph, static_cast<off_t>(eh.e_phoff + uint64_t(i) * sizeof ph)) !=
            static_cast<ssize_t>(sizeof ph))
            return 0;
        off_t e = static_cast<off_t>(ph.p_offset + ph.p_filesz);
        if (e > end) end = e;
    }
    return end;
}

// Re-executes the binary through a detached, read-only bind mount of itself: no copy,
// nothing attached to any mount namespace (so nothing left on the host), one execve.
// /proc/PID/exe then names a file on a read-only mount: reopening it for writing fails
// with EROFS. Returns only when the kernel or our privileges do not allow it.
void reexec_readonly_mount(int self, char** argv) {
    const int tree = static_cast<int>(
        ::syscall(SYS_open_tree, self, "", kOpenTreeClone | kOpenTreeCloexec | AT_EMPTY_PATH));
    if (tree < 0) return;
    MountAttr attr{};
    attr.attr_set = kMountAttrRdonly;
    if (::syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) == 0)
        ::syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
    ::close(tree);
}

}  // namespace

void reexec_sealed(char** argv) {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self.valid()) return;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    if (seals >= 0 && (seals & F_SEAL_WRITE)) return;  // already the sealed copy
    struct statvfs sv;
    if (::fstatvfs(self.get(), &sv) == 0 && (sv.f_flag & ST_RDONLY)) return;  // cannot be written
    reexec_readonly_mount(self.get(), argv);
    // Fallback: a write-sealed memfd copy (costs a copy of the loadable part).
    off_t size = loaded_size(self.get());
    if (size <= 0) size = ::lseek(self.get(), 0, SEEK_END);
    if (size <= 0) return;
    UniqueFd mem(::memfd_create(kSealedExeName, MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem.valid()) return;
    off_t off = 0;
    while (off < size) {
        ssize_t n = ::sendfile(mem.get(), self.get(), &off, static_cast<size_t>(size - off));
        if (n <= 0) return;
    }
    if (::fcntl(mem.get(), F_ADD_SEALS, kSeals) != 0) return;
    ::fexecve(mem.get(), argv, environ);
    // fexecve failed (e.g. no /proc for the fd path): go on from the file.
}

bool is_sealed_runtime_exe(int pid) {
    char buf[256];
    std::string link = "/proc/" + std::to_string(pid) + "/exe";
    ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
    if (n <= 0) return false;
    buf[n] = 0;
    const std::string want = std::string("/memfd:") + kSealedExeName + " ";
    return std::string(buf).rfind(want, 0) == 0;
}

}  // namespace rampart::container
