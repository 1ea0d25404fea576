package iws

import (
	"slices"
	"testing"
	"time"
)

func TestErrorDetails(t *testing.T) {
	t.Parallel()
	two, zero := 2, 0
	tests := []struct {
		name string
		err  Error
		want []string
	}{
		{"none", Error{ErrorCode: 5, Message: "m", Reference: "r"}, nil},
		{"short stock", Error{Sku: "A1", LocationID: "xclq1", QuantityAttempted: &two, CurrentStock: &zero},
			[]string{"sku: A1", "location: xclq1", "quantity attempted: 2", "current stock: 0"}},
		{"throttled", Error{MessageDetail: "d", OrderNumber: "O1", RetryAfter: 3 * time.Second, Warning: "w"},
			[]string{"detail: d", "order number: O1", "retry after: 3s", "warning: w"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.err.Details(); !slices.Equal(got, tt.want) {
				t.Errorf("Details() = %q, want %q", got, tt.want)
			}
		})
	}
}
