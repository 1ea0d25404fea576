#!/bin/sh
# Order webhook intake benchmark (docs/BENCHMARKS.md, "Order webhook intake"): signed WooCommerce
# and Shopify order webhooks sent over loopback HTTP to the real intake at 1000 deliveries per
# second for ten seconds, on SQLite and, when CONNECTOR_TEST_MYSQL_DSN is set, on MySQL/MariaDB.
# Fails when a delivery is refused or its webhook_events row is missing.
#
#   CONNECTOR_TEST_MYSQL_DSN=mysql://root@127.0.0.1:3306/test scripts/bench-intake.sh
#   CONNECTOR_BENCH_INTAKE_RATE=0 scripts/bench-intake.sh   # unpaced: the most it takes
#   DELIVERIES=30000 scripts/bench-intake.sh                # thirty sustained seconds
set -eu
cd "$(dirname "$0")/.."
exec go test ./webhooks -run '^$' -bench '^BenchmarkIntake$' -benchtime "${DELIVERIES:-10000}x" -count 1
