#include "runtime/container/sealed_exe.hpp"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

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

// A detached, read-only bind mount of the binary (nothing attached to any mount
// namespace, so nothing is left on the host): an O_PATH fd, or -1.
int readonly_tree(int self) {
    const int tree = static_cast<int>(
        ::syscall(SYS_open_tree, self, "", kOpenTreeClone | kOpenTreeCloexec | AT_EMPTY_PATH));
    if (tree < 0) return -1;
    MountAttr attr{};
    attr.attr_set = kMountAttrRdonly;
    if (::syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        ::close(tree);
        return -1;
    }
    return tree;
}

struct Segment {
    uintptr_t start = 0, end = 0;  // page-aligned; the part backed by the file
    off_t offset = 0;
    int prot = 0;
    bool writable = false;  // relocated or written: its contents are not the file's
};

struct Layout {
    std::vector<Segment> segments;
    uintptr_t relro_start = 0, relro_end = 0;
};

int collect_layout(dl_phdr_info* info, size_t, void* data) {
    auto* out = static_cast<Layout*>(data);
    const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    const auto down = [page](uintptr_t v) { return v & ~(page - 1); };
    const auto up = [page](uintptr_t v) { return (v + page - 1) & ~(page - 1); };
    for (int i = 0; i < info->dlpi_phnum; ++i) {
        const ElfW(Phdr)& ph = info->dlpi_phdr[i];
        const uintptr_t at = info->dlpi_addr + ph.p_vaddr;
        if (ph.p_type == PT_GNU_RELRO) {
            out->relro_start = down(at);
            out->relro_end = down(at + ph.p_memsz);
        }
        if (ph.p_type != PT_LOAD || ph.p_filesz == 0) continue;
        Segment s;
        s.start = down(at);
        s.end = up(at + ph.p_filesz);
        s.offset = static_cast<off_t>(down(ph.p_offset));
        s.prot = ((ph.p_flags & PF_R) ? PROT_READ : 0) | ((ph.p_flags & PF_W) ? PROT_WRITE : 0) |
                 ((ph.p_flags & PF_X) ? PROT_EXEC : 0);
        s.writable = (ph.p_flags & PF_W) != 0;
        out->segments.push_back(s);
    }
    return 1;  // the first object is the program itself
}

// Points /proc/self/exe at `fd`. PR_SET_MM_EXE_FILE needs CAP_SYS_RESOURCE; where that
// is missing (e.g. dropped by the host), PR_SET_MM_MAP with CAP_SYS_ADMIN (or
// CAP_CHECKPOINT_RESTORE) does the same, given the memory layout as it is now.
bool set_exe_file(int fd) {
    if (::prctl(PR_SET_MM, PR_SET_MM_EXE_FILE, fd, 0, 0) == 0) return true;
    if (errno != EPERM) return false;
    char buf[1024];
    UniqueFd stat(::open("/proc/self/stat", O_RDONLY | O_CLOEXEC));
    if (!stat.valid()) return false;
    const ssize_t n = ::read(stat.get(), buf, sizeof buf - 1);
    if (n <= 0) return false;
    buf[n] = 0;
    // Fields after the command name (which may hold anything, up to the last ')'); the
    // first of them is field 3 of proc(5).
    const char* p = std::strrchr(buf, ')');
    if (!p) return false;
    std::vector<unsigned long long> f(3, 0);
    for (++p; *p;) {
        while (*p == ' ') ++p;
        if (!*p || *p == '\n') break;
        char* end = nullptr;
        f.push_back(std::strtoull(p, &end, 10));  // the state letter parses as 0
        p = end;
        while (*p && *p != ' ') ++p;
    }
    if (f.size() <= 51) return false;
    prctl_mm_map m{};
    m.start_code = f[26];
    m.end_code = f[27];
    m.start_stack = f[28];
    m.start_data = f[45];
    m.end_data = f[46];
    m.start_brk = f[47];
    m.brk = static_cast<uint64_t>(::syscall(SYS_brk, 0));
    m.arg_start = f[48];
    m.arg_end = f[49];
    m.env_start = f[50];
    m.env_end = f[51];
    m.exe_fd = static_cast<uint32_t>(fd);
    return ::prctl(PR_SET_MM, PR_SET_MM_MAP, &m, sizeof m, 0) == 0;
}

// Moves every mapping of the binary and /proc/self/exe onto the read-only mount without
// executing anything: the code and read-only data are mapped again from the read-only
// mount (the same page cache), the written data segment is moved into anonymous memory
// (mremap replaces it in one step, so there is no moment without it), and then
// PR_SET_MM_EXE_FILE points /proc/self/exe at the read-only file (the kernel refuses that
// while any mapping still comes from the old path). Costs a few syscalls instead of an
// execve and the C library's start-up, which is slow in VMs (CPUID traps). Anything
// unexpected returns false; what was remapped so far has the same contents and stays.
// Runs first thing in main(), while the process has one thread.
bool seal_in_place(int tree) {
    const std::string via = "/proc/self/fd/" + std::to_string(tree);
    UniqueFd ro(::open(via.c_str(), O_RDONLY | O_CLOEXEC));
    if (!ro.valid()) return false;
    Layout l;
    ::dl_iterate_phdr(collect_layout, &l);
    if (l.segments.empty()) return false;
    for (size_t i = 1; i < l.segments.size(); ++i)
        if (l.segments[i].start < l.segments[i - 1].end) return false;  // segments sharing a page
    for (const Segment& s : l.segments) {
        const size_t len = s.end - s.start;
        void* const at = reinterpret_cast<void*>(s.start);
        if (!s.writable) {
            if (::mmap(at, len, s.prot, MAP_PRIVATE | MAP_FIXED, ro.get(), s.offset) == MAP_FAILED) return false;
            continue;
        }
        void* copy = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (copy == MAP_FAILED) return false;
        std::memcpy(copy, at, len);
        if (::mremap(copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, at) == MAP_FAILED) {
            ::munmap(copy, len);
            return false;
        }
        if (s.prot != (PROT_READ | PROT_WRITE)) (void)::mprotect(at, len, s.prot);
        if (l.relro_end > l.relro_start && l.relro_start >= s.start && l.relro_end <= s.end)
            (void)::mprotect(reinterpret_cast<void*>(l.relro_start), l.relro_end - l.relro_start, PROT_READ);
    }
    return set_exe_file(ro.get());
}

// Re-executes the binary through the detached read-only mount `tree`: no copy, one execve
// (and the C library's start-up again). Returns only when the kernel refuses.
void reexec_readonly_mount(int tree, char** argv) {
    ::syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
}

}  // namespace

bool seal_exe_in_place() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self.valid()) return false;
    UniqueFd tree(readonly_tree(self.get()));
    return tree.valid() && seal_in_place(tree.get());
}

void reexec_sealed(char** argv) {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self.valid()) return;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    if (seals >= 0 && (seals & F_SEAL_WRITE)) return;  // already the sealed copy
    struct statvfs sv;
    if (::fstatvfs(self.get(), &sv) == 0 && (sv.f_flag & ST_RDONLY)) return;  // cannot be written
    {
        // In place first (no execve); then one execve through the read-only mount.
        UniqueFd tree(readonly_tree(self.get()));
        if (tree.valid()) {
            if (seal_in_place(tree.get())) return;
            reexec_readonly_mount(tree.get(), argv);
        }
    }
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
