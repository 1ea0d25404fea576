package iws_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime/metrics"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// The environment of BenchmarkGetCatalog50kLoopback. With IWS_BENCH_URL set the benchmark calls that
// sandbox (started by scripts/bench-iws-catalog.sh in its own process, so that peak RSS is the
// client's alone); without it, it starts one in this process.
const (
	envBenchURL       = "IWS_BENCH_URL"        // base URL with /v1/, e.g. http://127.0.0.1:18199/v1/
	envBenchAPIKey    = "IWS_BENCH_API_KEY"    // the sandbox's --api-key
	envBenchAccessKey = "IWS_BENCH_ACCESS_KEY" // the sandbox's --access-key
	envBenchSKUs      = "IWS_BENCH_SKUS"       // catalog size to expect (and to generate in process); default 50000
)

// BenchmarkGetCatalog50kLoopback decodes a whole 50,000-product GetCatalog answer served by the sandbox
// over loopback HTTP, as the catalog mirror does: one unpaginated request, every product decoded.
//
//	stream   StreamCatalog, one product at a time (what the mirror uses)
//	collect  GetCatalog, every product kept in a slice
//
// Besides ns/op it reports products/op, body-MB/op, peak-heap-MB (the highest Go heap in use seen while
// decoding, sampled through runtime/metrics every millisecond) and peak-rss-MB (getrusage ru_maxrss:
// the process's peak since it started, so run one sub-benchmark per process to attribute it; with the
// in-process sandbox it includes the sandbox and its generated catalog). The target is under
// 2 s and under 150 MB peak RSS on the 2-core CI machine; see docs/BENCHMARKS.md. There is no timing
// assertion anywhere: `go test ./...` never runs benchmarks.
func BenchmarkGetCatalog50kLoopback(b *testing.B) {
	want := 50_000
	if s := os.Getenv(envBenchSKUs); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q is not a positive number", envBenchSKUs, s)
		}
		want = n
	}
	base, apiKey, accessKey := os.Getenv(envBenchURL), os.Getenv(envBenchAPIKey), os.Getenv(envBenchAccessKey)
	if base == "" {
		apiKey, accessKey = itAPIKey, itAccessKey
		sb, err := sandbox.New(sandbox.Config{APIKey: apiKey, AccessKey: accessKey, SKUs: want, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		srv := httptest.NewServer(sb)
		b.Cleanup(func() {
			srv.Close()
			_ = sb.Close()
		})
		base = srv.URL + "/v1/"
		b.Logf("sandbox in this process (peak-rss-MB includes it); set %s to measure the client alone", envBenchURL)
	}
	counter := &bodyCounter{next: http.DefaultTransport.(*http.Transport).Clone()}
	c, err := iws.New(iws.Config{
		BaseURL: base, APIKey: apiKey, AccessKey: accessKey,
		HTTPClient: &http.Client{Transport: counter},
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()

	run := func(b *testing.B, decode func() (int, error)) {
		peak := watchHeap()
		counter.n.Store(0)
		products := 0
		for b.Loop() {
			n, err := decode()
			if err != nil {
				b.Fatal(err)
			}
			if n != want {
				b.Fatalf("decoded %d products, want %d", n, want)
			}
			products += n
		}
		heap := peak()
		b.ReportMetric(float64(products)/float64(b.N), "products/op")
		b.ReportMetric(float64(counter.n.Load())/float64(b.N)/(1<<20), "body-MB/op")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
		b.ReportMetric(float64(maxRSS())/(1<<20), "peak-rss-MB")
	}
	b.Run("stream", func(b *testing.B) {
		run(b, func() (int, error) {
			n := 0
			_, err := c.StreamCatalog(ctx, nil, func(p *iws.Product) error {
				if p.Sku != "" {
					n++
				}
				return nil
			})
			return n, err
		})
	})
	b.Run("collect", func(b *testing.B) {
		run(b, func() (int, error) {
			ps, err := c.GetCatalog(ctx, nil)
			return len(ps), err
		})
	})
}

// maxRSS returns the process's peak resident set size in bytes (ru_maxrss is in KiB on Linux).
func maxRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss) << 10
}

// watchHeap samples the bytes of heap objects (live and not yet swept) every millisecond until the
// returned function is called, which reports the highest sample.
func watchHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return sample[0].Value.Uint64()
	}
	var (
		mu   sync.Mutex
		peak = read()
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				v := read()
				mu.Lock()
				peak = max(peak, v)
				mu.Unlock()
			}
		}
	}()
	return func() uint64 {
		close(done)
		wg.Wait()
		return max(peak, read())
	}
}

// bodyCounter counts the response bytes read through it.
type bodyCounter struct {
	next http.RoundTripper
	n    atomic.Int64
}

func (c *bodyCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(r)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.n}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
