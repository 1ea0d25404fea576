package schedule

import "context"

// OnAttempt makes s call f after each attempt of its loop to lead and, as leader, the tick that
// followed it; f gets the loop's context. Set it before Start.
func OnAttempt(s *Scheduler, f func(ctx context.Context, leader bool)) { s.attempted = f }
