package sandbox

import "sync"

// HoldCommits makes every PlaceOrder of s wait, its customer order number in flight, until release
// is called (any number of times): a test then sees the 400/92 race however slowly its requests
// arrive. Call it before serving, and release before closing.
func HoldCommits(s *Sandbox) (release func()) {
	s.commitGate = make(chan struct{})
	return sync.OnceFunc(func() { close(s.commitGate) })
}
