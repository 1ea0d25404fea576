package sandbox

// HoldCommits makes every PlaceOrder of s wait, its customer order number in flight, until release
// is called: a test then sees the 400/92 race however slowly its requests arrive. Call it before
// serving.
func HoldCommits(s *Sandbox) (release func()) {
	s.commitGate = make(chan struct{})
	return func() { close(s.commitGate) }
}
