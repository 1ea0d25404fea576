package shops

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with what a person asked for, by the name of the setting it is
// about as the CLI's flags and the admin's form call it ("fx-rate", "url"). Message reads after
// that name: `"0": must be greater than 0`, `takes true or false, not "maybe"`.
type Problem struct {
	Field   string
	Message string
}

func (p Problem) String() string { return "--" + p.Field + " " + p.Message }

// ProblemsError lists every problem found at once, so one round of fixes is enough. It wraps
// ErrInvalid.
type ProblemsError struct {
	Problems []Problem
}

func (e *ProblemsError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return fmt.Sprintf("%d problems:\n  - %s", len(lines), strings.Join(lines, "\n  - "))
}

func (e *ProblemsError) Unwrap() error { return ErrInvalid }

// problems collects Problems.
type problems []Problem

func (ps *problems) add(field, format string, args ...any) {
	*ps = append(*ps, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err is nil without problems, else a *ProblemsError.
func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ProblemsError{Problems: ps}
}
