// ocigen: prints the default config.json of the OCI runtime-tools generator (the one
// the upstream validation programs start from), with root.path "." (the bundle is the
// rootfs, as upstream lays it out) and process.args = the command-line arguments.
// Built by integration/conformance/run.sh against Debian's
// golang-github-opencontainers-runtime-tools-dev (GOPATH mode).
package main

import (
	"fmt"
	"os"

	"github.com/opencontainers/runtime-tools/generate"
)

func main() {
	g, err := generate.New("linux")
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocigen:", err)
		os.Exit(1)
	}
	g.SetRootPath(".")
	if len(os.Args) > 1 {
		g.SetProcessArgs(os.Args[1:])
	}
	if err := g.Save(os.Stdout, generate.ExportOptions{}); err != nil {
		fmt.Fprintln(os.Stderr, "ocigen:", err)
		os.Exit(1)
	}
}
