// Resource writers and stats against fake cgroup directories (regular files in a temp dir),
// for layouts this host cannot offer (pure v2 with every controller, v1 without swap
// accounting ...).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "oci/error.hpp"
#include "oci/json.hpp"
#include "runtime/cgroups/cgroups.hpp"
#include "runtime/cgroups/fs.hpp"
#include "runtime/cgroups/stats.hpp"

using namespace rampart::cgroups;
namespace fs = std::filesystem;

namespace {

class FakeTree {
public:
    FakeTree() {
        char tmpl[] = "/tmp/rampart-fakecg-XXXXXX";
        root_ = mkdtemp(tmpl);
    }
    ~FakeTree() { fs::remove_all(root_); }
    const std::string& root() const { return root_; }
    void file(const std::string& rel, const std::string& content = "") {
        fs::create_directories(fs::path(root_ + "/" + rel).parent_path());
        std::ofstream(root_ + "/" + rel) << content;
    }
    std::string read(const std::string& rel) const { return read_file(root_ + "/" + rel).value_or("<missing>"); }

private:
    std::string root_;
};

oci::Resources full_resources() {
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 256 << 20;
    r.memory->swap = 512 << 20;
    r.memory->reservation = 128 << 20;
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->cpus = "0";
    r.pids = oci::PidsResources{100};
    r.block_io = oci::BlockIOResources{};
    r.block_io->weight = 500;
    r.block_io->throttle_read_bps_device.push_back({8, 0, 1048576});
    r.hugepage_limits.push_back({"2MB", 4194304});
    return r;
}

}  // namespace

TEST(CgroupsFakeV2, CreateEnablesControllersAndApplyWritesV2Files) {
    FakeTree t;
    t.file("cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
    t.file("cgroup.subtree_control", "");
    // the leaf's files must exist beforehand (regular files are not made by mkdir)
    for (auto f : {"memory.max", "memory.swap.max", "memory.low", "cpu.weight", "cpu.max", "cpuset.cpus", "pids.max",
                   "io.weight", "io.max", "hugetlb.2MB.max", "cgroup.subtree_control", "cgroup.controllers"})
        t.file(std::string("grp/c1/") + f, "");
    t.file("grp/cgroup.controllers", "cpuset cpu io memory hugetlb pids\n");
    t.file("grp/cgroup.subtree_control", "");
    Layout l{Mode::V2, t.root(), {}, {"cpuset", "cpu", "io", "memory", "hugetlb", "pids"}};
    auto m = Manager::open("/grp/c1", "c1", l, "");
    m->create();
    EXPECT_EQ(t.read("cgroup.subtree_control"), "+cpuset +cpu +io +memory +hugetlb +pids");
    EXPECT_EQ(t.read("grp/cgroup.subtree_control"), "+cpuset +cpu +io +memory +hugetlb +pids");
    EXPECT_EQ(t.read("grp/c1/cgroup.subtree_control"), "");  // never on the leaf
    m->apply(full_resources());
    EXPECT_EQ(t.read("grp/c1/memory.max"), std::to_string(256 << 20));
    EXPECT_EQ(t.read("grp/c1/memory.swap.max"), std::to_string(256 << 20));  // swap - limit
    EXPECT_EQ(t.read("grp/c1/memory.low"), std::to_string(128 << 20));
    EXPECT_EQ(t.read("grp/c1/cpu.weight"), "39");
    EXPECT_EQ(t.read("grp/c1/cpu.max"), "50000 100000");
    EXPECT_EQ(t.read("grp/c1/cpuset.cpus"), "0");
    EXPECT_EQ(t.read("grp/c1/pids.max"), "100");
    EXPECT_EQ(t.read("grp/c1/io.weight"), "default 4950");
    EXPECT_EQ(t.read("grp/c1/io.max"), "8:0 rbps=1048576");
    EXPECT_EQ(t.read("grp/c1/hugetlb.2MB.max"), "4194304");

    // update: quota -1 -> "max", pids -1 -> "max"
    oci::Resources u;
    u.cpu = oci::CpuResources{};
    u.cpu->quota = -1;
    u.pids = oci::PidsResources{-1};
    m->apply(u);
    EXPECT_EQ(t.read("grp/c1/cpu.max"), "max");
    EXPECT_EQ(t.read("grp/c1/pids.max"), "max");
}

TEST(CgroupsFakeV2, ZeroValuesAreUnsetAndNeverWritten) {
    FakeTree t;
    t.file("c/memory.max", "untouched");
    t.file("c/cpu.weight", "untouched");
    t.file("c/io.weight", "untouched");
    Layout l{Mode::V2, t.root(), {}, {}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 0;
    r.memory->disable_oom_killer = false;  // Docker always sends this
    r.cpu = oci::CpuResources{};
    r.cpu->shares = 0;
    r.block_io = oci::BlockIOResources{};
    r.block_io->weight = 0;
    m->apply(r);  // no controller needed: nothing to write
    EXPECT_EQ(t.read("c/memory.max"), "untouched");
    EXPECT_EQ(t.read("c/cpu.weight"), "untouched");
    EXPECT_EQ(t.read("c/io.weight"), "untouched");
}

TEST(CgroupsFakeV2, UnsupportedValuesNameFieldAndController) {
    FakeTree t;
    t.file("c/memory.max", "");
    Layout l{Mode::V2, t.root(), {}, {"memory", "cpu"}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->disable_oom_killer = true;
    try {
        m->apply(r);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(), "linux.resources.memory.disableOOMKiller: memory controller: not supported on cgroup v2");
    }
    oci::Resources n;
    n.network = oci::NetworkResources{};
    n.network->class_id = 7;
    try {
        m->apply(n);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.resources.network.classID: net_cls controller"), std::string::npos)
            << e.what();
    }
    oci::Resources p;
    p.pids = oci::PidsResources{10};
    try {
        m->apply(p);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.resources.pids.limit: pids controller"), std::string::npos) << e.what();
    }
}

TEST(CgroupsFakeV2, UnifiedKeys) {
    FakeTree t;
    t.file("c/memory.high", "");
    Layout l{Mode::V2, t.root(), {}, {"memory"}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.unified["memory.high"] = "1000000";
    m->apply(r);
    EXPECT_EQ(t.read("c/memory.high"), "1000000");
    r.unified = {{"../escape", "1"}};
    EXPECT_THROW(m->apply(r), oci::Error);
    r.unified = {{"memory.nosuchfile", "1"}};
    EXPECT_THROW(m->apply(r), oci::Error);
    r.unified = {{"bogus.max", "1"}};
    EXPECT_THROW(m->apply(r), oci::Error);
}

TEST(CgroupsFakeHybrid, V1ControllersOnV1AndUnifiedRefusesThem) {
    FakeTree t;
    t.file("memory/c/memory.limit_in_bytes", "");
    t.file("memory/c/memory.memsw.limit_in_bytes", "");
    t.file("unified/c/hugetlb.2MB.max", "");
    t.file("unified/cgroup.subtree_control", "");
    t.file("unified/c/cgroup.subtree_control", "");
    Layout l{Mode::Hybrid, t.root() + "/unified", {{"memory", t.root() + "/memory"}}, {"hugetlb", "memory"}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 1 << 20;
    r.memory->swap = 2 << 20;
    r.hugepage_limits.push_back({"2MB", 2097152});
    m->apply(r);
    EXPECT_EQ(t.read("memory/c/memory.limit_in_bytes"), std::to_string(1 << 20));
    EXPECT_EQ(t.read("memory/c/memory.memsw.limit_in_bytes"), std::to_string(2 << 20));
    EXPECT_EQ(t.read("unified/c/hugetlb.2MB.max"), "2097152");
    EXPECT_EQ(t.read("unified/cgroup.subtree_control"), "+hugetlb");  // enabled on demand
    EXPECT_EQ(t.read("unified/c/cgroup.subtree_control"), "");
    oci::Resources u;
    u.unified["memory.high"] = "1";
    try {
        m->apply(u);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_NE(std::string(e.what()).find("mounted on cgroup v1"), std::string::npos) << e.what();
    }
}

TEST(CgroupsFakeV1, SwapWithoutAccountingIsAClearError) {
    FakeTree t;
    t.file("memory/c/memory.limit_in_bytes", "");
    Layout l{Mode::V1, "", {{"memory", t.root() + "/memory"}}, {}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 1 << 20;
    r.memory->swap = 2 << 20;
    try {
        m->apply(r);
        FAIL();
    } catch (const oci::Error& e) {
        EXPECT_STREQ(e.what(),
                     "linux.resources.memory.swap: memory controller: memory.memsw.limit_in_bytes not available "
                     "(swap accounting disabled)");
    }
    oci::Resources k;  // kernel memory: silently ignored where the kernel dropped it
    k.memory = oci::MemoryResources{};
    k.memory->kernel = 1 << 20;
    EXPECT_NO_THROW(m->apply(k));
    oci::Resources u;
    u.unified["memory.high"] = "1";
    EXPECT_THROW(m->apply(u), oci::Error);  // v1-only host
}

TEST(CgroupsFakeV1, DevicesDenyAllThenRulesInOrder) {
    FakeTree t;
    t.file("devices/c/devices.allow", "");
    t.file("devices/c/devices.deny", "");
    Layout l{Mode::V1, "", {{"devices", t.root() + "/devices"}}, {}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    oci::DeviceCgroupRule deny_all;
    deny_all.access = "rwm";
    oci::DeviceCgroupRule null_dev{true, "c", 1, 3, "rwm"};
    oci::DeviceCgroupRule fuse{false, "c", 10, 229, "rwm"};
    r.devices = {deny_all, null_dev, fuse};
    m->apply(r);
    // The fake keeps the last write only: the final deny is the fuse rule, the final allow
    // the last of runc's always-allowed devices.
    EXPECT_EQ(t.read("devices/c/devices.allow"), "c 10:200 rwm");
    EXPECT_EQ(t.read("devices/c/devices.deny"), "c 10:229 rwm");
}

TEST(CgroupsStats, ShapeFromV1Files) {
    FakeTree t;
    t.file("cpuacct/cpuacct.usage", "123456789\n");
    t.file("cpuacct/cpuacct.usage_percpu", "100 200 \n");
    t.file("cpuacct/cpuacct.stat", "user 10\nsystem 5\n");
    t.file("cpu/cpu.stat", "nr_periods 4\nnr_throttled 2\nthrottled_time 999\n");
    t.file("memory/memory.usage_in_bytes", "4096\n");
    t.file("memory/memory.limit_in_bytes", "9223372036854771712\n");
    t.file("memory/memory.max_usage_in_bytes", "8192\n");
    t.file("memory/memory.failcnt", "0\n");
    t.file("memory/memory.stat", "cache 1024\nrss 2048\n");
    t.file("pids/pids.current", "3\n");
    t.file("pids/pids.max", "max\n");
    t.file("blkio/blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
    auto v = oci::json::serialize(cpu_stats_v1(t.root() + "/cpuacct", t.root() + "/cpu"));
    EXPECT_EQ(v,
              "{\"usage\":{\"total\":123456789,\"percpu\":[100,200],\"kernel\":50000000,\"user\":100000000},"
              "\"throttling\":{\"periods\":4,\"throttledPeriods\":2,\"throttledTime\":999}}");
    auto mem = memory_stats_v1(t.root() + "/memory");
    EXPECT_EQ(oci::json::serialize(*mem.find("usage")),
              "{\"limit\":9223372036854771712,\"usage\":4096,\"max\":8192,\"failcnt\":0}");
    EXPECT_EQ(mem.find("cache")->as_uint(), 1024u);
    EXPECT_EQ(mem.find("raw")->find("rss")->as_uint(), 2048u);
    EXPECT_EQ(oci::json::serialize(pids_stats(t.root() + "/pids")), "{\"current\":3}");
    EXPECT_EQ(oci::json::serialize(blkio_stats_v1(t.root() + "/blkio")),
              "{\"ioServiceBytesRecursive\":[{\"major\":8,\"op\":\"Read\",\"value\":4096},{\"major\":8,\"op\":\"Write\"}]}");
}

TEST(CgroupsStats, ShapeFromV2Files) {
    FakeTree t;
    t.file("c/cpu.stat", "usage_usec 1000\nuser_usec 600\nsystem_usec 400\nnr_periods 0\n");
    t.file("c/memory.current", "4096\n");
    t.file("c/memory.max", "max\n");
    t.file("c/memory.stat", "anon 100\nfile 200\n");
    t.file("c/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    t.file("c/pids.current", "2\n");
    t.file("c/pids.max", "50\n");
    t.file("c/io.stat", "8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0\n");
    t.file("c/hugetlb.2MB.current", "0\n");
    EXPECT_EQ(oci::json::serialize(cpu_stats_v2(t.root() + "/c")),
              "{\"usage\":{\"total\":1000000,\"kernel\":400000,\"user\":600000},\"throttling\":{}}");
    auto mem = memory_stats_v2(t.root() + "/c");
    EXPECT_EQ(mem.find("usage")->find("failcnt")->as_uint(), 3u);
    EXPECT_EQ(mem.find("cache")->as_uint(), 200u);
    EXPECT_EQ(oci::json::serialize(pids_stats(t.root() + "/c")), "{\"current\":2,\"limit\":50}");
    auto io = io_stats_v2(t.root() + "/c");
    EXPECT_EQ(io.find("ioServiceBytesRecursive")->as_array().size(), 2u);
    EXPECT_EQ(io.find("ioServicedRecursive")->as_array()[1].find("value")->as_uint(), 4u);
    t.file("c/hugetlb.2MB.max", "max\n");
    EXPECT_EQ(oci::json::serialize(hugetlb_stats(t.root() + "/c", true, {"2MB", "1GB"})), "{\"2MB\":{\"failcnt\":0}}");
    // a whole v2 manager: every top-level key runc prints is there
    Layout l{Mode::V2, t.root(), {}, {"cpu", "memory", "pids", "io", "hugetlb"}};
    auto m = Manager::open("/c", "c", l, "");
    auto s = m->stats();
    for (auto k : {"cpu", "memory", "pids", "blkio", "hugetlb"}) EXPECT_NE(s.find(k), nullptr) << k;
    EXPECT_EQ(m->oom_kills(), 1u);
}

TEST(CgroupsStats, HugepageSizes) {
    FakeTree t;
    t.file("hugepages-2048kB/nr_hugepages", "0");
    t.file("hugepages-1048576kB/nr_hugepages", "0");
    t.file("other/x", "");
    auto s = hugepage_sizes(t.root());
    std::sort(s.begin(), s.end());
    EXPECT_EQ(s, (std::vector<std::string>{"1GB", "2MB"}));
}

TEST(CgroupsFakeV1, CheckBeforeUpdateRefusesLimitBelowUsage) {
    FakeTree t;
    t.file("memory/c/memory.limit_in_bytes", "");
    t.file("memory/c/memory.usage_in_bytes", "10485760\n");
    Layout l{Mode::V1, "", {{"memory", t.root() + "/memory"}}, {}};
    auto m = Manager::open("/c", "c", l, "");
    oci::Resources r;
    r.memory = oci::MemoryResources{};
    r.memory->limit = 1 << 20;
    r.memory->check_before_update = true;
    EXPECT_THROW(m->apply(r), oci::Error);
    EXPECT_EQ(t.read("memory/c/memory.limit_in_bytes"), "");
    r.memory->limit = 20 << 20;
    m->apply(r);
    EXPECT_EQ(t.read("memory/c/memory.limit_in_bytes"), std::to_string(20 << 20));
}

TEST(CgroupsDevices, ResourcesForAddsLinuxDevicesAndDenyAll) {
    oci::Linux linux;
    oci::Device d;
    d.type = "c";
    d.path = "/dev/fuse";
    d.major = 10;
    d.minor = 229;
    linux.devices.push_back(d);
    auto r = resources_for(linux);
    ASSERT_EQ(r.devices.size(), 2u);
    EXPECT_FALSE(r.devices[0].allow);  // no rules given: deny everything first
    EXPECT_EQ(r.devices[0].type, "a");
    EXPECT_TRUE(r.devices[1].allow);
    EXPECT_EQ(r.devices[1].major, 10);
    EXPECT_EQ(r.devices[1].minor, 229);
    EXPECT_EQ(default_allowed_devices().size(), 11u);
}

TEST(CgroupsStats, CpusetAndPerCpuSplit) {
    FakeTree t;
    t.file("cpuset/cpuset.cpus", "0-2,5\n");
    t.file("cpuset/cpuset.mems", "0\n");
    t.file("cpuset/cpuset.cpu_exclusive", "0\n");
    t.file("cpuset/cpuset.sched_load_balance", "1\n");
    EXPECT_EQ(oci::json::serialize(cpuset_stats(t.root() + "/cpuset", false)),
              "{\"cpus\":[0,1,2,5],\"mems\":[0],\"cpu_exclusive\":0,\"sched_load_balance\":1}");
    EXPECT_EQ(parse_cpu_list("3"), (std::vector<uint64_t>{3}));
    EXPECT_TRUE(parse_cpu_list("").empty());
    t.file("acct/cpuacct.usage_all", "cpu user system\n0 10 20\n1 30 40\n");
    auto cpu = cpu_stats_v1(t.root() + "/acct", "");
    EXPECT_EQ(oci::json::serialize(*cpu.find("usage")->find("percpu_kernel")), "[20,40]");
    EXPECT_EQ(oci::json::serialize(*cpu.find("usage")->find("percpu_user")), "[10,30]");
}
