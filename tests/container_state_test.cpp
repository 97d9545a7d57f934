#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "oci/error.hpp"
#include "runtime/container/sha256.hpp"
#include "runtime/container/state.hpp"

using namespace rampart::container;

namespace {

struct TempRoot {
    std::string path;
    TempRoot() {
        char tmpl[] = "/tmp/rampart-state-test-XXXXXX";
        path = ::mkdtemp(tmpl);
    }
    ~TempRoot() { std::system(("rm -rf " + path).c_str()); }
};

}  // namespace

TEST(StateStore, WriteReadRoundTrip) {
    TempRoot t;
    Store s(t.path + "/root");
    Handle h = s.create("c1");
    Record r;
    r.oci_version = "1.2.0";
    r.id = "c1";
    r.status = "created";
    r.pid = 1234;
    r.pid_start = 987654321;
    r.bundle = "/b";
    r.rootfs = "/b/rootfs";
    r.created = rfc3339_now();
    r.cgroups_path = "/x/y";
    r.has_poststop = true;
    r.annotations["a"] = "b";
    h.write(r);
    Record back = s.open("c1", false).read();
    EXPECT_EQ(back.id, "c1");
    EXPECT_EQ(back.pid, 1234);
    EXPECT_EQ(back.pid_start, 987654321u);
    EXPECT_EQ(back.bundle, "/b");
    EXPECT_EQ(back.cgroups_path, "/x/y");
    EXPECT_TRUE(back.has_poststop);
    EXPECT_FALSE(back.has_poststart);
    EXPECT_EQ(back.annotations.at("a"), "b");
    struct stat st;
    ASSERT_EQ(::stat((t.path + "/root/c1").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(StateStore, ExistingIdIsRefused) {
    TempRoot t;
    Store s(t.path);
    Handle h = s.create("dup");
    try {
        s.create("dup");
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "container dup already exists");
    }
}

TEST(StateStore, BadIdsAreRefused) {
    TempRoot t;
    Store s(t.path);
    EXPECT_THROW(s.create("a/b"), oci::Error);
    EXPECT_THROW(s.create(".."), oci::Error);
    EXPECT_THROW(s.create(""), oci::Error);
    EXPECT_THROW(s.create(std::string(2000, 'a')), oci::Error);
    EXPECT_THROW(s.open("../etc", false), oci::Error);
}

TEST(StateStore, MissingContainer) {
    TempRoot t;
    Store s(t.path);
    try {
        s.open("nope", true);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "container nope does not exist");
    }
}

TEST(StateStore, ConcurrentCreatesOfOneIdNeverBothSucceed) {
    TempRoot t;
    for (int round = 0; round < 20; ++round) {
        Store s(t.path);
        const std::string id = "race" + std::to_string(round);
        std::atomic<int> wins{0}, losses{0};
        std::atomic<bool> go{false};
        std::vector<std::thread> threads;
        for (int i = 0; i < 4; ++i)
            threads.emplace_back([&] {
                while (!go) {
                }
                try {
                    Handle h = s.create(id);
                    ++wins;
                } catch (const oci::Error&) {
                    ++losses;
                }
            });
        go = true;
        for (auto& th : threads) th.join();
        EXPECT_EQ(wins, 1);
        EXPECT_EQ(losses, 3);
    }
}

TEST(StateStore, LockSerializesAndRemovalIsSeen) {
    TempRoot t;
    Store s(t.path);
    Handle h = s.create("locked");
    Record r;
    r.id = "locked";
    r.status = "created";
    h.write(r);
    pid_t child = ::fork();
    if (child == 0) {
        // Blocks on the lock until the parent removed the directory, then must see it gone.
        // (The inherited descriptor shares the parent's lock: drop it first.)
        ::close(h.fd());
        try {
            Store(t.path).open("locked", true);
            ::_exit(1);
        } catch (const oci::Error&) {
            ::_exit(0);
        }
    }
    ::usleep(100000);
    int st;
    EXPECT_EQ(::waitpid(child, &st, WNOHANG), 0) << "open(lock) did not wait for the lock";
    h.remove();
    Handle gone = std::move(h);  // keeps the fd (and lock) until here
    { Handle drop = std::move(gone); }
    ASSERT_EQ(::waitpid(child, &st, 0), child);
    EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

TEST(StateStore, ListIsSortedAndSkipsHiddenEntries) {
    TempRoot t;
    Store s(t.path);
    { Handle a = s.create("b"); }
    { Handle b = s.create("a"); }
    ::mkdir((t.path + "/.seccomp-cache").c_str(), 0700);
    EXPECT_EQ(s.list(), (std::vector<std::string>{"a", "b"}));
}

TEST(StateStore, ProcessStartTimeDetectsDeadAndReused) {
    uint64_t mine = process_start_time(::getpid());
    EXPECT_GT(mine, 0u);
    EXPECT_TRUE(process_matches(::getpid(), mine));
    EXPECT_FALSE(process_matches(::getpid(), mine + 1));
    pid_t child = ::fork();
    if (child == 0) ::_exit(0);
    ::usleep(50000);  // a zombie now
    EXPECT_EQ(process_start_time(child), 0u);
    int st;
    ::waitpid(child, &st, 0);
    EXPECT_FALSE(process_matches(child, 0));
}

TEST(StateStore, Rfc3339) {
    std::string t = rfc3339_now();
    ASSERT_EQ(t.size(), 30u) << t;
    EXPECT_EQ(t[4], '-');
    EXPECT_EQ(t[10], 'T');
    EXPECT_EQ(t.back(), 'Z');
}

TEST(Sha256, KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// A record without a start time matches no process: its pid may be any host process now.
TEST(StateStore, NoStartTimeMatchesNothing) {
    EXPECT_FALSE(rampart::container::process_matches(::getpid(), 0));
}
