package iwscode_test

import (
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/internal/iwscode"
)

func TestCodes(t *testing.T) {
	long := strings.Repeat("a", iwscode.MaxLen+1)
	tests := []struct {
		name  string
		check func(string) error
		good  []string
		bad   []string
	}{
		{"category", iwscode.CheckCategory,
			[]string{"cpt", "cpt.nb", "cco.case", "sfw.business", "CPT.NB", "acc.kb_2"},
			[]string{"", "cpt.", ".nb", "cpt..nb", "cpt nb", "cpt/nb", "cpt,acc", long}},
		{"brand", iwscode.CheckBrand,
			[]string{"hpe", "msf", "HP Inc.", "Western Digital", "TP-Link"},
			[]string{"", " hpe", "hpe ", "a,b", "bad\x00", long}},
		{"warehouse", iwscode.CheckWarehouse,
			[]string{"xclq1", "xecq1", "MIA_2"},
			[]string{"", "x clq", "xclq1,xclq2", "xclq.1", long}},
	}
	for _, tt := range tests {
		for _, v := range tt.good {
			if err := tt.check(v); err != nil {
				t.Errorf("%s %q: %v", tt.name, v, err)
			}
		}
		for _, v := range tt.bad {
			if err := tt.check(v); err == nil {
				t.Errorf("%s %q accepted", tt.name, v)
			}
		}
	}
}
