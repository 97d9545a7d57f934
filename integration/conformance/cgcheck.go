// cgcheck CONFIG.JSON PID: compares linux.resources of CONFIG.JSON with what the cgroup
// v1 hierarchies hold for the container (PID, linux.cgroupsPath), read through Debian's
// runtime-tools cgroups package (the reader the upstream linux_cgroups_* validation
// programs use). Prints "ok - WHAT" / "not ok - WHAT: detail" lines.
// Every field set in the config must read back equal; list entries must be present.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/cgroups"
)

func report(what string, err error) {
	if err != nil {
		fmt.Printf("not ok - %s: %v\n", what, err)
	} else {
		fmt.Printf("ok - %s\n", what)
	}
}

func toMap(v interface{}) map[string]interface{} {
	b, _ := json.Marshal(v)
	m := map[string]interface{}{}
	_ = json.Unmarshal(b, &m)
	return m
}

func jsonEq(a, b interface{}) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// compare: every key of want must be in got with an equal value; for lists, every
// element of want must be in got.
func compare(prefix string, want, got interface{}) {
	wm := toMap(want)
	gm := toMap(got)
	for k, wv := range wm {
		gv, present := gm[k]
		what := prefix + "." + k
		if wl, ok := wv.([]interface{}); ok {
			gl, _ := gv.([]interface{})
			for i, e := range wl {
				found := false
				for _, g := range gl {
					if jsonEq(e, g) {
						found = true
						break
					}
				}
				if found {
					report(fmt.Sprintf("%s[%d]", what, i), nil)
				} else {
					report(fmt.Sprintf("%s[%d]", what, i), fmt.Errorf("%v not among %v", jsonStr(e), jsonStr(gl)))
				}
			}
			continue
		}
		if !present {
			report(what, fmt.Errorf("not readable from the cgroup"))
		} else if !jsonEq(wv, gv) {
			report(what, fmt.Errorf("expected %s, got %s", jsonStr(wv), jsonStr(gv)))
		} else {
			report(what, nil)
		}
	}
}

func jsonStr(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: cgcheck CONFIG.JSON PID")
		os.Exit(2)
	}
	data, err := os.ReadFile(os.Args[1])
	if err != nil {
		report("read config", err)
		return
	}
	var spec rspec.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		report("parse config", err)
		return
	}
	pid, _ := strconv.Atoi(os.Args[2])
	if spec.Linux == nil || spec.Linux.Resources == nil {
		return
	}
	r := spec.Linux.Resources
	path := spec.Linux.CgroupsPath
	cg, err := cgroups.FindCgroup()
	if err != nil {
		report("find the cgroup v1 mount", err)
		return
	}
	if r.Pids != nil {
		got, err := cg.GetPidsData(pid, path)
		if err != nil {
			report("linux.resources.pids", err)
		} else {
			compare("linux.resources.pids", r.Pids, got)
		}
	}
	if r.Memory != nil {
		got, err := cg.GetMemoryData(pid, path)
		if err != nil {
			report("linux.resources.memory", err)
		} else {
			compare("linux.resources.memory", r.Memory, got)
		}
	}
	if r.CPU != nil {
		got, err := cg.GetCPUData(pid, path)
		if err != nil {
			report("linux.resources.cpu", err)
		} else {
			compare("linux.resources.cpu", r.CPU, got)
		}
	}
	if r.BlockIO != nil {
		got, err := cg.GetBlockIOData(pid, path)
		if err != nil {
			report("linux.resources.blockIO", err)
		} else {
			compare("linux.resources.blockIO", r.BlockIO, got)
		}
	}
	if r.Network != nil {
		got, err := cg.GetNetworkData(pid, path)
		if err != nil {
			report("linux.resources.network", err)
		} else {
			compare("linux.resources.network", r.Network, got)
		}
	}
	var allowed []rspec.LinuxDeviceCgroup
	for _, d := range r.Devices {
		if d.Allow && d.Major != nil && d.Minor != nil && d.Type != "" && d.Type != "a" {
			allowed = append(allowed, d)
		}
	}
	if len(allowed) > 0 {
		got, err := cg.GetDevicesData(pid, path)
		if err != nil {
			report("linux.resources.devices", err)
		} else {
			compare("linux.resources", map[string]interface{}{"devices": allowed},
				map[string]interface{}{"devices": got})
		}
	}
}
