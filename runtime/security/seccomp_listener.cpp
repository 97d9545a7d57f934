// Handing the seccomp notify fd to linux.seccomp.listenerPath (runtime-spec
// "Seccomp notify"): one message, the container process state as JSON, the fd attached.
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "oci/bundle.hpp"
#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/security/seccomp.hpp"

namespace rampart::security {

void send_seccomp_listener(const std::string& listener_path, const std::string& metadata,
                           const oci::State& state, int listener_fd) {
    const std::string field = "linux.seccomp.listenerPath " + listener_path;
    oci::json::Value msg;
    msg.set("ociVersion", state.oci_version);
    oci::json::Array fds;
    fds.push_back(oci::json::Value("seccompFd"));
    msg.set("fds", oci::json::Value(std::move(fds)));
    msg.set("pid", state.pid);
    if (!metadata.empty()) msg.set("metadata", metadata);
    msg.set("state", oci::state_to_json(state));
    const std::string text = oci::json::serialize(msg);

    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listener_path.empty() || listener_path.size() >= sizeof(addr.sun_path))
        throw oci::Error(field + ": path empty or longer than " +
                         std::to_string(sizeof(addr.sun_path) - 1) + " bytes");
    std::memcpy(addr.sun_path, listener_path.data(), listener_path.size());
    int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sock < 0) throw oci::SysError(field + ": socket");
    struct Closer {
        int fd;
        ~Closer() { close(fd); }
    } closer{sock};
    if (connect(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0)
        throw oci::SysError(field + ": connect");

    iovec iov{const_cast<char*>(text.data()), text.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = control;
    mh.msg_controllen = sizeof(control);
    cmsghdr* cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cm), &listener_fd, sizeof(int));

    ssize_t sent;
    do sent = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent < 0) throw oci::SysError(field + ": sendmsg");
    // The fd went with the first byte; the rest of the JSON, if any, follows.
    size_t off = static_cast<size_t>(sent);
    while (off < text.size()) {
        ssize_t n = send(sock, text.data() + off, text.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw oci::SysError(field + ": send");
        off += n;
    }
}

}  // namespace rampart::security
