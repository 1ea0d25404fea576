package retryafter_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/internal/retryafter"
)

var now = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

func TestParse(t *testing.T) {
	tests := []struct {
		name  string
		v     string
		limit time.Duration
		want  time.Duration
	}{
		{"empty", "", 0, 0},
		{"blank", "   ", 0, 0},
		{"seconds", "120", 0, 2 * time.Minute},
		{"seconds with spaces", " 7 ", 0, 7 * time.Second},
		{"zero", "0", 0, 0},
		{"fraction (Shopify)", "2.0", 0, 2 * time.Second},
		{"half second", "0.5", 0, 500 * time.Millisecond},
		{"negative", "-5", 0, 0},
		{"plus sign", "+5", 0, 0},
		{"exponent", "1e3", 0, 0},
		{"hex", "0x10", 0, 0},
		{"infinity", "Inf", 0, 0},
		{"nan", "NaN", 0, 0},
		{"trailing dot", "5.", 0, 0},
		{"leading dot", ".5", 0, 0},
		{"two dots", "1.2.3", 0, 0},
		{"garbage", "soon", 0, 0},
		{"unit suffix", "10s", 0, 0},
		{"capped seconds", "3600", time.Minute, time.Minute},
		{"under the cap", "30", time.Minute, 30 * time.Second},
		{"huge seconds saturate", strings.Repeat("9", 400), 0, time.Duration(1<<63 - 1)},
		{"huge seconds capped", "99999999999999999999", time.Hour, time.Hour},
		{"IMF date", now.Add(90 * time.Second).Format(http.TimeFormat), 0, 90 * time.Second},
		{"RFC 850 date", now.Add(time.Hour).Format(time.RFC850), 0, time.Hour},
		{"asctime date", now.Add(time.Minute).Format(time.ANSIC), 0, time.Minute},
		{"date capped", now.Add(time.Hour).Format(http.TimeFormat), 10 * time.Second, 10 * time.Second},
		{"date in the past", now.Add(-time.Minute).Format(http.TimeFormat), 0, 0},
		{"date now", now.Format(http.TimeFormat), 0, 0},
		{"ISO date is not an HTTP date", now.Add(time.Hour).Format(time.RFC3339), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := retryafter.Parse(tt.v, now, tt.limit); got != tt.want {
				t.Errorf("Parse(%q, limit %v) = %v, want %v", tt.v, tt.limit, got, tt.want)
			}
		})
	}
}

// FuzzParse: whatever the header says, the wait is never negative, never beyond the limit, and a
// value that is neither delta-seconds nor an HTTP date gives 0.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"", "0", "5", "2.0", "-1", "1e9", "Inf", "Wed, 21 Oct 2015 07:28:00 GMT",
		now.Add(time.Hour).Format(http.TimeFormat), "99999999999999999999999", "\x00", "1.5.5"} {
		f.Add(s, int64(0))
		f.Add(s, int64(time.Minute))
	}
	f.Fuzz(func(t *testing.T, v string, limit int64) {
		got := retryafter.Parse(v, now, time.Duration(limit))
		if got < 0 {
			t.Fatalf("Parse(%q) = %v < 0", v, got)
		}
		if limit > 0 && got > time.Duration(limit) {
			t.Fatalf("Parse(%q, %v) = %v beyond the limit", v, time.Duration(limit), got)
		}
		if got > 0 && !looksLikeSeconds(v) {
			if _, err := http.ParseTime(strings.TrimSpace(v)); err != nil {
				t.Fatalf("Parse(%q) = %v from neither seconds nor a date", v, got)
			}
		}
	})
}

func looksLikeSeconds(v string) bool {
	v = strings.TrimSpace(v)
	return v != "" && strings.Trim(v, "0123456789.") == ""
}
