#include "runtime/container/sync.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "oci/error.hpp"

namespace rampart::container {
namespace {

struct Header {
    uint32_t type;
    int32_t value;
};

constexpr size_t kMaxText = 16384;

}  // namespace

void send_msg(int sock, Msg type, int value, std::string_view text, int fd) {
    if (text.size() > kMaxText) text = text.substr(0, kMaxText);
    std::vector<char> buf(sizeof(Header) + text.size());
    Header h{static_cast<uint32_t>(type), value};
    std::memcpy(buf.data(), &h, sizeof h);
    if (!text.empty()) std::memcpy(buf.data() + sizeof h, text.data(), text.size());
    iovec iov{buf.data(), buf.size()};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    if (fd >= 0) {
        std::memset(cbuf, 0, sizeof cbuf);
        mh.msg_control = cbuf;
        mh.msg_controllen = sizeof cbuf;
        cmsghdr* c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    while (::sendmsg(sock, &mh, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) throw oci::SysError("sync: send");
    }
}

bool recv_msg(int sock, Message& out) {
    std::vector<char> buf(sizeof(Header) + kMaxText);
    iovec iov{buf.data(), buf.size()};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))];
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t n;
    while ((n = ::recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0) {
        if (errno != EINTR) throw oci::SysError("sync: receive");
    }
    if (n == 0) return false;
    if (static_cast<size_t>(n) < sizeof(Header)) throw oci::Error("sync: short message");
    Header h;
    std::memcpy(&h, buf.data(), sizeof h);
    out.type = static_cast<Msg>(h.type);
    out.value = h.value;
    out.text.assign(buf.data() + sizeof h, static_cast<size_t>(n) - sizeof h);
    out.fd = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            std::memcpy(&out.fd, CMSG_DATA(c), sizeof(int));
    return true;
}

}  // namespace rampart::container
