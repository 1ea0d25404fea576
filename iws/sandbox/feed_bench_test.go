package sandbox

import (
	"net/http"
	"syscall"
	"testing"
	"time"
)

// processCPU is the user+system CPU time of the whole process, the garbage collector's included.
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkFeeds50k renders each feed a 50,000-SKU sync reads, through its handler, into a writer
// that drops the body. cpu-ms/op is the process CPU per feed, garbage collection included, which is
// what competes with the connector on a small machine.
//
//	go test -run '^$' -bench Feeds50k -benchtime 3x ./iws/sandbox/
func BenchmarkFeeds50k(b *testing.B) {
	s := newFeedSandbox(b, feedConfig{cfg: Config{SKUs: 50_000, Seed: 1}})
	for _, bc := range []struct {
		name string
		fr   feedRequest
	}{
		{"catalog-es", feedRequest{"getcatalog", "locale=es"}},
		{"catalog-en", feedRequest{"getcatalog", "locale=en"}},
		{"pricelist", feedRequest{"getpricelist", ""}},
		{"inventory", feedRequest{"getinventory", ""}},
		{"extended", feedRequest{"downloadextendedcatalog", "locale=es"}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			start := processCPU(b)
			for b.Loop() {
				serveFeed(b, s, bc.fr, &discardWriter{h: make(http.Header)})
			}
			b.ReportMetric(float64(processCPU(b)-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
		})
	}
}
