package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Set at build time: go build -ldflags "-X main.version=1.2.3 -X main.commit=abc1234 -X main.date=2024-06-01".
var (
	version = "dev"
	commit  = "unknown"
	date    = ""
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version of this binary",
		Long: `Version prints the release version, the source commit and build date (set at build time with
-ldflags "-X main.version=... -X main.commit=... -X main.date=..."), and the Go toolchain and
platform the binary was built for. It reads no configuration.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionString())
			return err
		},
	}
}

func versionString() string {
	v, c := version, commit
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "unknown" {
				c = s.Value
			}
		}
	}
	s := fmt.Sprintf("connector %s (commit %s", v, c)
	if date != "" {
		s += ", built " + date
	}
	return s + fmt.Sprintf(") %s %s/%s", runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
