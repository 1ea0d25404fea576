//go:build race

package sandbox

// feedTestSKUs is the catalog size of the feed equivalence tests: they run on one goroutine, so the
// race detector only slows them down.
const feedTestSKUs = 200
