//go:build !race

package sandbox

// feedTestSKUs is the catalog size of the feed equivalence tests.
const feedTestSKUs = 2000
