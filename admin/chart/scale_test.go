package chart

import (
	"math"
	"testing"
)

func TestNiceScale(t *testing.T) {
	t.Parallel()
	tests := []struct {
		max, top, step float64
	}{
		{0, 1, 0.25},
		{-3, 1, 0.25},
		{math.NaN(), 1, 0.25},
		{1, 1, 0.25},
		{3, 3, 1},
		{7.5, 8, 2},
		{12, 15, 5}, // a raw step of 3 becomes 5
		{100, 100, 25},
		{147, 150, 50},
		{0.03, 0.03, 0.01},
		{86400, 100000, 25000},
	}
	for _, tt := range tests {
		top, step := niceScale(tt.max)
		if math.Abs(top-tt.top) > 1e-9 || math.Abs(step-tt.step) > 1e-9 {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.max, top, step, tt.top, tt.step)
		}
		if top < tt.max {
			t.Errorf("niceScale(%v): top %v below the max", tt.max, top)
		}
	}
}
