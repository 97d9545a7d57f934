// Error types shared by every library module. Library code throws; only cli/ prints.
#pragma once

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace oci {

// A failure with a message that already names the file, the field and the problem.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& msg) : std::runtime_error(msg) {}
};

// A failed system call: "<what>: <strerror(errno)>", errno kept for callers that branch on it.
class SysError : public Error {
public:
    SysError(const std::string& what, int err)
        : Error(what + ": " + std::strerror(err)), err_(err) {}
    explicit SysError(const std::string& what) : SysError(what, errno) {}
    int code() const noexcept { return err_; }

private:
    int err_;
};

}  // namespace oci
