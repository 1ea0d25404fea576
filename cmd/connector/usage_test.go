package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Every command answers a missing, extra or mistyped argument or flag with what is wrong, its
// usage line and an example, in words (no "accepts 1 arg(s)" or strconv text), and exit status 2.
func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"sync"}, []string{"connector sync: an argument is missing", "Usage: connector sync catalog|prices|stock|content|all", "Example: connector sync all"}},
		{[]string{"sync", "all", "--json=maybe"}, []string{`connector sync: --json takes true or false, got "maybe"`, "Example: connector sync all"}},
		{[]string{"sync", "all", "--shop", "two"}, []string{`--shop takes a whole number, got "two"`}},
		{[]string{"products", "show"}, []string{"connector products show: an argument is missing", "Example: connector products show "}},
		{[]string{"rules", "import", "a.json", "b.json"}, []string{"too many arguments: it takes 1, got 2 (a.json b.json)", "Usage: connector rules import"}},
		{[]string{"serve", "now"}, []string{`connector serve: it takes no arguments, got "now"`, "Usage: connector serve"}},
		{[]string{"migrate", "status", "--no-such-flag"}, []string{"unknown flag: --no-such-flag", "Example: CONNECTOR_DATABASE_URL=sqlite:./data/connector.db connector migrate status"}},
		{[]string{"demo", "--skus", "many"}, []string{`--skus takes a whole number, got "many"`, "Example: "}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, _, err := runCmd(context.Background(), nil, tc.args...)
			var stderr bytes.Buffer
			if code := exitStatus(context.Background(), err, &stderr); code != exitUsage {
				t.Fatalf("exit status %d (%v), want %d", code, err, exitUsage)
			}
			msg := stderr.String()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message lacks %q:\n%s", w, msg)
				}
			}
			for _, bad := range []string{"arg(s)", "strconv", "ParseBool", "ParseInt"} {
				if strings.Contains(msg, bad) {
					t.Errorf("message speaks cobra or strconv (%q):\n%s", bad, msg)
				}
			}
		})
	}
}

// Every command with an argument validator gets the usage error, whichever validator it uses.
func TestEveryCommandGivesUsageOnBadArgs(t *testing.T) {
	t.Parallel()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Args != nil && c.Runnable() {
			// A hundred arguments is too many for every command of the tree.
			args := make([]string, 100)
			for i := range args {
				args[i] = fmt.Sprint("x", i)
			}
			err := c.Args(c, args)
			var usage usageError
			if err != nil && !errors.As(err, &usage) {
				t.Errorf("%s: %v is not a usage error", c.CommandPath(), err)
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(newApp()))
}

func TestUnknownCommandNamesItsParent(t *testing.T) {
	t.Parallel()
	_, _, err := runCmd(context.Background(), nil, "shop", "remove-all")
	var stderr bytes.Buffer
	code := exitStatus(context.Background(), err, &stderr)
	if code != exitUsage || !strings.Contains(stderr.String(), `"remove-all" is not one of its commands (add, `) ||
		!strings.Contains(stderr.String(), "connector shop --help") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr.String())
	}
}

func TestExitStatus(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		err    error
		code   int
		stderr string
	}{
		{"success", context.Background(), nil, 0, ""},
		{"failure", context.Background(), errors.New("sync: no IWS account"), 1, "connector: sync: no IWS account\n"},
		{"already reported", context.Background(), exitError{code: 1, err: errors.New("IWS error 10")}, 1, ""},
		// Whatever a command says after Ctrl-C is the interruption's echo: one line stands for it.
		{"interrupted", cancelled, fmt.Errorf("sync: iws: GetCatalog: malformed response: %w", context.Canceled), 130, "interrupted\n"},
		{"interrupted after an IWS error", cancelled, exitError{code: 1, err: errors.New("IWS error 100")}, 130, "interrupted\n"},
		// serve and demo stopped by a signal once running end normally.
		{"stopped", cancelled, nil, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			if code := exitStatus(tc.ctx, tc.err, &stderr); code != tc.code || stderr.String() != tc.stderr {
				t.Errorf("exitStatus = %d %q, want %d %q", code, stderr.String(), tc.code, tc.stderr)
			}
		})
	}
}
