#include "runtime/container/terminal.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "oci/error.hpp"

namespace rampart::container {

static_assert(sizeof(termios) <= 64, "termios storage too small");

UniqueFd connect_console_socket(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw oci::Error("--console-socket " + path + ": path too long");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) throw oci::SysError("--console-socket: socket");
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw oci::SysError("--console-socket " + path);
    return fd;
}

void setup_terminal(int console_sock, const std::optional<oci::ConsoleSize>& size,
                    bool bind_console) {
    UniqueFd master(::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master.valid()) throw oci::SysError("terminal: open /dev/ptmx");
    if (::unlockpt(master.get()) != 0) throw oci::SysError("terminal: unlockpt");
    char name[128];
    if (::ptsname_r(master.get(), name, sizeof name) != 0) throw oci::SysError("terminal: ptsname");
    UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) throw oci::SysError(std::string("terminal: open ") + name);
    if (size && (size->height || size->width)) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(size->height);
        ws.ws_col = static_cast<unsigned short>(size->width);
        if (::ioctl(master.get(), TIOCSWINSZ, &ws) != 0) throw oci::SysError("terminal: set size");
    }
    // /dev/console in the container is the pty slave (as runc does).
    if (bind_console) {
        struct stat st;
        if (::lstat("/dev/console", &st) != 0) {
            UniqueFd f(::open("/dev/console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600));
        }
        if (::mount(name, "/dev/console", nullptr, MS_BIND, nullptr) != 0)
            throw oci::SysError(std::string("terminal: bind ") + name + " on /dev/console");
    }

    // Send the master with its name as payload (go-runc's console receiver reads both).
    iovec iov{name, std::strlen(name)};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    int mfd = master.get();
    std::memcpy(CMSG_DATA(c), &mfd, sizeof(int));
    while (::sendmsg(console_sock, &mh, MSG_NOSIGNAL) < 0)
        if (errno != EINTR) throw oci::SysError("terminal: send the pty master over the console socket");
    ::close(console_sock);
    master.reset();

    if (::ioctl(slave.get(), TIOCSCTTY, 0) != 0) throw oci::SysError("terminal: set controlling terminal");
    for (int i = 0; i < 3; ++i)
        if (::dup3(slave.get(), i, 0) < 0) throw oci::SysError("terminal: dup to stdio");
}

UniqueFd receive_fd(int sock) {
    char data[256];
    iovec iov{data, sizeof data};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = ::recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0)
        if (errno != EINTR) throw oci::SysError("terminal: receive the pty master");
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            return UniqueFd(fd);
        }
    throw oci::Error("terminal: the container sent no pty master");
}

RawMode::RawMode(int fd) : fd_(fd) {
    termios t;
    if (::tcgetattr(fd, &t) != 0) return;
    std::memcpy(saved_, &t, sizeof t);
    ::cfmakeraw(&t);
    if (::tcsetattr(fd, TCSANOW, &t) == 0) active_ = true;
}

RawMode::~RawMode() {
    if (!active_) return;
    termios t;
    std::memcpy(&t, saved_, sizeof t);
    ::tcsetattr(fd_, TCSANOW, &t);
}

void copy_window_size(int from, int to) {
    winsize ws{};
    if (::ioctl(from, TIOCGWINSZ, &ws) == 0) ::ioctl(to, TIOCSWINSZ, &ws);
}

void open_console_channel(const std::string& console_socket, UniqueFd& console, UniqueFd& peer) {
    if (!console_socket.empty()) {
        console = connect_console_socket(console_socket);
        return;
    }
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) throw oci::SysError("socketpair");
    console = UniqueFd(sv[1]);
    peer = UniqueFd(sv[0]);
}

}  // namespace rampart::container
