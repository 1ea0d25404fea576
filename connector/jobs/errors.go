package jobs

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrLeaseLost is the cause of a job context cancelled because another process rescued the
	// job after this process failed to extend its lease in time.
	ErrLeaseLost = errors.New("jobs: lease lost")
	// ErrCancelRequested is the cause of a job context cancelled by Client.Cancel.
	ErrCancelRequested = errors.New("jobs: cancel requested")
	// ErrInvalid reports a bad argument or configuration.
	ErrInvalid = errors.New("jobs: invalid")
)

type cancelError struct{ err error }

func (e *cancelError) Error() string {
	if e.err == nil {
		return "jobs: cancelled"
	}
	return "jobs: cancelled: " + e.err.Error()
}
func (e *cancelError) Unwrap() error { return e.err }

// Cancel wraps err so the job ends cancelled, without another attempt. Return it from Work.
func Cancel(err error) error { return &cancelError{err: err} }

type snoozeError struct{ d time.Duration }

func (e *snoozeError) Error() string { return fmt.Sprintf("jobs: snoozed for %s", e.d) }

// Snooze makes the job run again after d without using up an attempt. Return it from Work.
func Snooze(d time.Duration) error { return &snoozeError{d: max(d, 0)} }

// IsSnooze reports whether err asks to snooze (Snooze), and for how long.
func IsSnooze(err error) (time.Duration, bool) {
	var s *snoozeError
	if errors.As(err, &s) {
		return s.d, true
	}
	return 0, false
}
