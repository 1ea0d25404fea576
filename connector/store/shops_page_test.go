package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestShopsWithoutCredentialsPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		first := newShop(t, st) // "Tienda", woocommerce, USD
		for _, s := range []store.Shop{
			{Name: "Bodega", Platform: store.PlatformMemory, Currency: "CLP", Locale: "es"},
			{Name: "Casa 100%", Platform: store.PlatformMemory, Currency: "EUR", Locale: "en"},
		} {
			s.IWSAccountID = first.IWSAccountID
			if _, err := st.SaveShop(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		names := func(p store.PageOf[store.Shop]) []string {
			var out []string
			for _, s := range p.Items {
				out = append(out, s.Name)
				if s.Credentials != "" {
					t.Errorf("shop %q came with its credentials", s.Name)
				}
			}
			return out
		}
		tests := []struct {
			name  string
			text  string
			page  store.Page
			want  []string
			total int64
		}{
			{"default: by name", "", store.Page{}, []string{"Bodega", "Casa 100%", "Tienda"}, 3},
			{"by id, descending", "", store.Page{Sort: "id", Desc: true}, []string{"Casa 100%", "Bodega", "Tienda"}, 3},
			{"by currency", "", store.Page{Sort: "currency"}, []string{"Bodega", "Casa 100%", "Tienda"}, 3},
			{"text in the name, any case", "TIEN", store.Page{}, []string{"Tienda"}, 1},
			{"text in the address", "shop.example", store.Page{}, []string{"Tienda"}, 1},
			{"a LIKE wildcard is literal", "100%", store.Page{}, []string{"Casa 100%"}, 1},
			{"second page", "", store.Page{Limit: 2, Offset: 2}, []string{"Tienda"}, 3},
		}
		for _, tt := range tests {
			got, err := st.ShopsWithoutCredentialsPage(ctx, tt.text, tt.page)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if !slices.Equal(names(got), tt.want) || got.Total != tt.total {
				t.Errorf("%s: %v of %d, want %v of %d", tt.name, names(got), got.Total, tt.want, tt.total)
			}
		}
		if _, err := st.ShopsWithoutCredentialsPage(ctx, "", store.Page{Sort: "credentials"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown sort: %v", err)
		}
	})
}
