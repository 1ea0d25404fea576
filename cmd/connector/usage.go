package main

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// usageError is a missing or mistyped argument or flag: what is wrong, then the command's usage
// line and its first example, so the person sees at once how to call it. main prints it as is and
// exits with status 2.
type usageError struct {
	cmd     *cobra.Command
	problem string
}

func (e usageError) Error() string {
	var b strings.Builder
	use := e.cmd.UseLine()
	if e.cmd.HasAvailableSubCommands() {
		use = e.cmd.CommandPath() + " COMMAND"
	}
	fmt.Fprintf(&b, "%s: %s\nUsage: %s", e.cmd.CommandPath(), e.problem, use)
	if ex := firstExample(e.cmd); ex != "" {
		fmt.Fprintf(&b, "\nExample: %s", ex)
	}
	fmt.Fprintf(&b, "\nRun '%s --help' for more.", e.cmd.CommandPath())
	return b.String()
}

// firstExample is the first line of the command's Example, without its indentation.
func firstExample(cmd *cobra.Command) string {
	for _, l := range strings.Split(cmd.Example, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// withUsageErrors makes every command of the tree answer a bad flag or argument with a usageError:
// the root's flag error function (inherited by every command), and each command's Args validator
// wrapped. Commands without a validator keep cobra's own handling (a parent's "unknown command").
func withUsageErrors(root *cobra.Command) {
	root.SilenceUsage = true // the usageError carries the usage line; the rest is in --help
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usageError{cmd: cmd, problem: flagProblem(err)}
	})
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasSubCommands() && !c.Runnable() && c.HasParent() {
			// A group (shop, migrate, ...): alone it shows its help; a word it does not know is a
			// usage error naming its commands, rather than the help page and status 0.
			c.Args = cobra.ArbitraryArgs
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) == 0 {
					return cmd.Help()
				}
				var names []string
				for _, sub := range cmd.Commands() {
					if sub.IsAvailableCommand() {
						names = append(names, sub.Name())
					}
				}
				return usageError{cmd: cmd, problem: fmt.Sprintf("%q is not one of its commands (%s)", args[0], strings.Join(names, ", "))}
			}
			walkSubs(c, walk)
			return
		}
		if validate := c.Args; validate != nil {
			c.Args = func(cmd *cobra.Command, args []string) error {
				if err := validate(cmd, args); err != nil {
					return usageError{cmd: cmd, problem: argsProblem(err, args)}
				}
				return nil
			}
		}
		walkSubs(c, walk)
	}
	walk(root)
}

func walkSubs(c *cobra.Command, walk func(*cobra.Command)) {
	for _, sub := range c.Commands() {
		walk(sub)
	}
}

// flagProblem says what is wrong with a flag in words, without strconv's vocabulary.
func flagProblem(err error) string {
	var invalid *pflag.InvalidValueError
	if !errors.As(err, &invalid) {
		return err.Error() // "unknown flag: --x", "flag needs an argument: --shop": plain already
	}
	f := invalid.GetFlag()
	name := "--" + f.Name
	want := map[string]string{
		"bool":     "true or false",
		"int":      "a whole number",
		"int64":    "a whole number",
		"int32":    "a whole number",
		"uint":     "a whole number from 0",
		"float64":  "a number such as 0.3",
		"duration": "a duration such as 30s, 5m or 2h",
	}[f.Value.Type()]
	if want == "" {
		msg := err.Error()
		var num *strconv.NumError
		if errors.As(err, &num) {
			msg = num.Err.Error()
		}
		return fmt.Sprintf("%s: %q is not valid: %s", name, invalid.GetValue(), msg)
	}
	return fmt.Sprintf("%s takes %s, got %q", name, want, invalid.GetValue())
}

// cobraArgs matches the argument-count errors of cobra's validators.
var cobraArgs = regexp.MustCompile(`^(?:accepts (\d+) arg\(s\)|accepts between (\d+) and (\d+) arg\(s\)|requires at least (\d+) arg\(s\)|accepts at most (\d+) arg\(s\))`)

// argsProblem says what is wrong with the arguments in words: missing or extra ones, named.
func argsProblem(err error, args []string) string {
	m := cobraArgs.FindStringSubmatch(err.Error())
	if m == nil {
		if strings.HasPrefix(err.Error(), "unknown command ") { // cobra.NoArgs
			return fmt.Sprintf("it takes no arguments, got %q", strings.Join(args, " "))
		}
		return err.Error()
	}
	lo, hi := -1, -1
	atoi := func(s string) int { n, _ := strconv.Atoi(s); return n }
	switch {
	case m[1] != "":
		lo, hi = atoi(m[1]), atoi(m[1])
	case m[2] != "":
		lo, hi = atoi(m[2]), atoi(m[3])
	case m[4] != "":
		lo = atoi(m[4])
	case m[5] != "":
		lo, hi = 0, atoi(m[5])
	}
	switch {
	case len(args) < lo && len(args) == 0:
		return "an argument is missing"
	case len(args) < lo:
		return fmt.Sprintf("an argument is missing (got %d of %d: %s)", len(args), lo, strings.Join(args, " "))
	case hi == 0:
		return fmt.Sprintf("it takes no arguments, got %q", strings.Join(args, " "))
	case hi >= 0 && len(args) > hi:
		return fmt.Sprintf("too many arguments: it takes %d, got %d (%s)", hi, len(args), strings.Join(args, " "))
	}
	return err.Error()
}
