#!/usr/bin/env bash
# bench-iws-catalog.sh measures the IWS client against the issue's target: decoding a 50,000-SKU
# GetCatalog served by the sandbox over loopback in under 2 s wall time and under 150 MB peak RSS.
#
# The sandbox runs as its own process (`connector sandbox`), so the peak RSS measured is the
# client's alone. Each run is a fresh process of the compiled iws test binary running one
# iteration of BenchmarkGetCatalog50kLoopback/<mode>, under /usr/bin/time -v when available.
#
#   scripts/bench-iws-catalog.sh                 # 5 runs of each mode
#   RUNS=3 MODES=stream scripts/bench-iws-catalog.sh
#
# Environment: SKUS (50000), RUNS (5), MODES ("stream collect"), PORT (18199), SEED (1).
set -euo pipefail

SKUS=${SKUS:-50000}
RUNS=${RUNS:-5}
MODES=${MODES:-stream collect}
PORT=${PORT:-18199}
SEED=${SEED:-1}
API_KEY=bench-api-key
ACCESS_KEY=bench-access-key

cd "$(dirname "$0")/.."
work=$(mktemp -d)
sandbox_pid=
cleanup() {
	if [[ -n $sandbox_pid ]]; then
		kill "$sandbox_pid" 2>/dev/null || true
		wait "$sandbox_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "building connector and the iws test binary..."
go build -o "$work/connector" ./cmd/connector
go test -c -o "$work/iws.test" ./iws

"$work/connector" sandbox --addr "127.0.0.1:$PORT" --skus "$SKUS" --seed "$SEED" \
	--api-key "$API_KEY" --access-key "$ACCESS_KEY" --status-interval 0 --control=false \
	>"$work/sandbox.log" 2>&1 &
sandbox_pid=$!

# The sandbox generates its catalog before it listens: once it answers, it is ready.
url="http://127.0.0.1:$PORT/v1/"
answers() {
	if command -v curl >/dev/null; then
		curl -s -o /dev/null "${url}authenticate"
	else
		(exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
	fi
}
for _ in $(seq 1 200); do
	answers && break
	if ! kill -0 "$sandbox_pid" 2>/dev/null; then
		cat "$work/sandbox.log" >&2
		exit 1
	fi
	sleep 0.05
done
answers || { echo "sandbox did not answer on $url" >&2; exit 1; }

# metric UNIT LINE prints the value reported with UNIT on a benchmark result line.
metric() { awk -v unit="$1" '{ for (i = 2; i <= NF; i++) if ($i == unit) print $(i-1) }' <<<"$2"; }

timer=()
if [[ -x /usr/bin/time ]]; then
	timer=(/usr/bin/time -v -o "$work/time.txt")
fi

bench() { # bench MODE: one iteration in a fresh process, output on stdout
	IWS_BENCH_URL=$url IWS_BENCH_API_KEY=$API_KEY IWS_BENCH_ACCESS_KEY=$ACCESS_KEY IWS_BENCH_SKUS=$SKUS \
		"${timer[@]}" "$work/iws.test" -test.run '^$' -test.bench "^BenchmarkGetCatalog50kLoopback/${1}\$" -test.benchtime 1x
}
# The sandbox's own first catalog answer is slower (its cold start, not the client's): warm it up.
bench stream >/dev/null

echo
echo "machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(go version | cut -d' ' -f3-)"
echo "catalog: $SKUS SKUs, seed $SEED, sandbox pid $sandbox_pid at $url"
echo "target:  < 2.00 s wall, < 150 MB peak RSS"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine skews the wall times)"
echo
printf '%-8s %4s %10s %12s %13s %15s %14s %8s\n' mode run decode_s peak_rss_MB peak_heap_MB process_wall_s process_cpu_s body_MB
for mode in $MODES; do
	for run in $(seq 1 "$RUNS"); do
		out=$(bench "$mode")
		line=$(grep "^BenchmarkGetCatalog50kLoopback/$mode" <<<"$out") || { echo "$out" >&2; exit 1; }
		ns=$(metric ns/op "$line")
		heap=$(metric peak-heap-MB "$line")
		body=$(metric body-MB/op "$line")
		rss=$(metric peak-rss-MB "$line")
		wall=- cpu=-
		if [[ ${#timer[@]} -gt 0 ]]; then
			rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }' "$work/time.txt")
			wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$work/time.txt")
			cpu=$(awk -F': ' '/(User|System) time \(seconds\)/ { s += $2 } END { printf "%.2f", s }' "$work/time.txt")
		fi
		printf '%-8s %4d %10.3f %12s %13s %15s %14s %8s\n' "$mode" "$run" "$(awk -v n="$ns" 'BEGIN { print n / 1e9 }')" "$rss" "$heap" "$wall" "$cpu" "$body"
	done
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "decode_s: ns/op of one StreamCatalog (stream) or GetCatalog (collect) call, request to last product"
echo "peak_rss_MB: $( [[ ${#timer[@]} -gt 0 ]] && echo '/usr/bin/time -v maximum resident set size' || echo 'getrusage ru_maxrss') of the client process"
