package iws

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func decodeInto[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
	return v
}

// collect runs the stream decoder over body.
func collect[T any](t *testing.T, body []byte) ([]T, pageMeta) {
	t.Helper()
	var out []T
	meta, err := decodeStream(strings.NewReader(string(body)), func(item *T) error {
		out = append(out, *item)
		return nil
	})
	if err != nil {
		t.Fatalf("decodeStream: %v", err)
	}
	return out, meta
}

// Every quirk of NOTES §11 that touches decoding, on the spec's own example bodies where it has one.
func TestQuirksSpecExamples(t *testing.T) {
	t.Run("catalog without pagination", func(t *testing.T) {
		got, meta := collect[Product](t, specExample(t, "getcatalog__catalog_data_without_pagination"))
		if len(got) != 1 || meta.paged {
			t.Fatalf("got %d, paged %v", len(got), meta.paged)
		}
		p := got[0]
		if p.Sku != "SE001MSE01" || p.Mpn != "AAA-01148" || p.InStock == nil || *p.InStock != 203 || p.Type != TypeDownloadable {
			t.Errorf("product = %+v", p)
		}
		if path := p.Category.Path(); len(path) != 2 || path[1] != "Business & Office Applications" || p.Category.Leaf().CategoryID != "sfw.business" {
			t.Errorf("category path = %v", path)
		}
		if p.RealStockValue == nil || !*p.RealStockValue || p.Brand.BrandID != "msf" {
			t.Errorf("product = %+v", p)
		}
	})
	t.Run("catalog pagination wrapped in an array", func(t *testing.T) {
		got, meta := collect[Product](t, specExample(t, "getcatalog__catalog_data_with_pagination"))
		if len(got) != 1 || !meta.paged || meta.page != 1 || meta.pageSize != 5 || meta.totalRows != 9 || meta.totalPages != 2 {
			t.Fatalf("got %d, meta %+v", len(got), meta)
		}
	})
	t.Run("inventory MPN and InStock as string", func(t *testing.T) {
		got, _ := collect[InventoryData](t, specExample(t, "getinventory__inventory_data_without_pagination"))
		if len(got) != 2 || got[0].Mpn != "120-40201" || got[0].InStock != 4 || got[1].InStock != 10 {
			t.Fatalf("got %+v", got)
		}
		if got[0].Locations != nil {
			t.Errorf("locations = %v", got[0].Locations)
		}
	})
	t.Run("inventory paginated, InStock as number", func(t *testing.T) {
		got, meta := collect[InventoryData](t, specExample(t, "getinventory__inventory_data_with_pagination"))
		if len(got) != 1 || got[0].InStock != 4 || meta.totalPages != 2 {
			t.Fatalf("got %+v meta %+v", got, meta)
		}
	})
	t.Run("price list nested, MPN, currency US", func(t *testing.T) {
		got, _ := collect[PriceListItem](t, specExample(t, "getpricelist__example"))
		if len(got) != 2 || got[1].Mpn != "883-26764" || got[1].Price == nil {
			t.Fatalf("got %+v", got)
		}
		if !got[1].Price.UnitPrice.Equal(dec("1.5789")) || got[1].Price.Currency() != "USD" {
			t.Errorf("price = %s %s", got[1].Price.UnitPrice, got[1].Price.Currency())
		}
		if !got[0].Price.UnitPrice.IsZero() {
			t.Errorf("zero price = %s", got[0].Price.UnitPrice)
		}
	})
	t.Run("sales order", func(t *testing.T) {
		o := decodeInto[SalesOrder](t, specExample(t, "placeorder__example"))
		if o.OrderNumber != "999055" || o.Status.StatusCode != StatusOpen || !o.OnHold || o.HoldID == nil || *o.HoldID != "MGNO" {
			t.Errorf("order = %+v", o)
		}
		if !o.Total.Value().Equal(dec("42.72")) || !o.Tax.Value().Equal(dec("5.13")) || o.Tax.HomeAmount == nil {
			t.Errorf("money = %s %s", o.Total.Value(), o.Tax.Value())
		}
		it := o.Items[0]
		if it.Product.Sku != "SE001MSE08" || it.LocationID != "xecq1" || !it.ExtendedPrice.Value().Equal(dec("42.72")) {
			t.Errorf("item = %+v", it)
		}
		if it.Discounts == nil || it.Discounts.Amount != nil {
			t.Errorf("null-valued discount = %+v", it.Discounts)
		}
		if NormalizeCurrency(o.Currency.CurrencyID) != "USD" || NormalizeCurrency(o.Customer.Currency.CurrencyID) != "USD" {
			t.Errorf("currency = %s", o.Currency.CurrencyID)
		}
		sh := o.Shipments[0]
		if sh.FreightShipmentID != "260868" || sh.TrackingID != "202333413" || !sh.FreightCost.Equal(dec("20700")) {
			t.Errorf("shipment = %+v", sh)
		}
		if o.TotalPayments == nil || !o.TotalPayments.IsZero() {
			t.Errorf("TotalPaymentsAmount not read: %v", o.TotalPayments)
		}
		if len(o.ShipAddress) != 5 || o.ShipAddress[0] != "VICTORIA SUBERCASEAUX 121 OF 101" || o.AddressNo == nil || *o.AddressNo != 30 {
			t.Errorf("address = %v %v", o.ShipAddress, o.AddressNo)
		}
		if len(o.Attachments) != 2 || o.Attachments[0].FileName != "waybilldoc1.pdf" {
			t.Errorf("attachments = %+v", o.Attachments)
		}
		if o.OrderDate == nil || o.OrderDate.Year() != 2019 {
			t.Errorf("date = %v", o.OrderDate)
		}
	})
	t.Run("Ship-Address spelling", func(t *testing.T) {
		o := decodeInto[SalesOrder](t, []byte(`{"OrderNumber":1,"Ship-Address":["A","B"],"TotalPayments":5.5}`))
		if o.OrderNumber != "1" || len(o.ShipAddress) != 2 || !o.TotalPayments.Equal(dec("5.5")) {
			t.Errorf("order = %+v", o)
		}
	})
	t.Run("orders list", func(t *testing.T) {
		got, _ := collect[SalesOrder](t, specExample(t, "getorders__example"))
		if len(got) == 0 || got[0].OrderNumber == "" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("order status as string", func(t *testing.T) {
		s := decodeInto[OrderStatus](t, specExample(t, "getorderstatus__example"))
		if s.Status.StatusCode != 1 || s.Status.Description != "Open" {
			t.Errorf("status = %+v", s)
		}
	})
	t.Run("invoice", func(t *testing.T) {
		inv := decodeInto[Invoice](t, specExample(t, "getinvoice__example"))
		if inv.InvoiceNumber != "174999" || !inv.SalesAmount.Value().Equal(dec("-172.05")) || inv.InvoiceURL == "" || inv.Status.StatusCode != 0 {
			t.Errorf("invoice = %+v", inv)
		}
	})
	t.Run("process PascalCase", func(t *testing.T) {
		p := decodeInto[Process](t, specExample(t, "processorder__example"))
		if p.ID != 1234 || p.Status != ProcessActive || p.Event() != "Starting order processing..." || p.LatestUpdate == nil {
			t.Errorf("process = %+v", p)
		}
		if done, _ := p.Done(); done {
			t.Error("active process done")
		}
	})
	t.Run("process successful, userData string, Sucessful spelling", func(t *testing.T) {
		p := decodeInto[Process](t, specExample(t, "getprocess__request_a_sucessful_placed_order"))
		done, ok := p.Done()
		if !done || !ok || p.UserData == nil || p.UserData.OrderNumber != "56548" {
			t.Errorf("process = %+v", p)
		}
	})
	t.Run("process failed, userData object with lower-case type", func(t *testing.T) {
		p := decodeInto[Process](t, specExample(t, "getprocess__request_a_failed_placed_order"))
		done, ok := p.Done()
		if !done || ok || p.UserData.Type != "GeneralError" || !strings.HasPrefix(p.UserData.Message, "Missing product identifier") {
			t.Errorf("process = %+v", p)
		}
	})
	t.Run("process lower-camel schema keys", func(t *testing.T) {
		p := decodeInto[Process](t, []byte(`{"id":"77","reference":"r","description":"Place a Sales Order","progress":"100",
			"status":"Successful","lastEvent":"done","lastUpdated":"2023-11-17T15:21:45.0100000Z","userData":12345}`))
		done, ok := p.Done()
		if p.ID != 77 || p.Progress != 100 || !done || !ok || p.Event() != "done" || p.LastUpdated == nil || p.UserData.OrderNumber != "12345" {
			t.Errorf("process = %+v", p)
		}
	})
	t.Run("currency", func(t *testing.T) {
		c := decodeInto[CurrencyInfo](t, specExample(t, "getcurrency__get_the_currency_for_a_specific_country"))
		if NormalizeCurrency(c.CurrencyID) != "COP" || !c.UsdExchangeRate.SellRate.Equal(dec("0.0002898551")) {
			t.Errorf("currency = %+v", c)
		}
	})
	t.Run("shipping rates", func(t *testing.T) {
		got, _ := collect[ShippingRate](t, specExample(t, "calculateshippingrates__example"))
		if len(got) == 0 || got[0].ID == 0 || got[0].ServiceType == "" {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("get product", func(t *testing.T) {
		p := decodeInto[Product](t, specExample(t, "getproduct__example"))
		if p.Sku != "SE001MSE01" || p.Price == nil || p.Price.Currency() != "USD" {
			t.Fatalf("got %+v", p)
		}
	})
}

func TestQuirksBeyondTheSpec(t *testing.T) {
	tests := []struct {
		name string
		body string
		test func(t *testing.T, p Product)
	}{
		{"Price null", `{"Sku":"A","Mpn":"M","Price":null,"InStock":null}`, func(t *testing.T, p Product) {
			if p.Price != nil || p.InStock != nil {
				t.Errorf("p = %+v", p)
			}
		}},
		{"MPN upper-case", `{"Sku":"A","MPN":"M-1"}`, func(t *testing.T, p Product) {
			if p.Mpn != "M-1" {
				t.Errorf("Mpn = %q", p.Mpn)
			}
		}},
		{"price as string, currency lower", `{"Sku":"A","Price":{"UnitPrice":"35.90","CurrencyId":"us"}}`, func(t *testing.T, p Product) {
			if !p.Price.UnitPrice.Equal(dec("35.9")) || p.Price.Currency() != "USD" {
				t.Errorf("price = %+v", p.Price)
			}
		}},
		{"exact decimal beyond float64", `{"Sku":"A","Price":{"UnitPrice":12345678901234567.8901,"CurrencyId":"US"}}`, func(t *testing.T, p Product) {
			if p.Price.UnitPrice.String() != "12345678901234567.8901" {
				t.Errorf("price = %s", p.Price.UnitPrice)
			}
		}},
		{"locations with string stock", `{"Sku":"A","InStock":"7","Locations":[{"Id":"xclq1","Stock":"5"},{"Id":"xclq2","Stock":2}]}`, func(t *testing.T, p Product) {
			if len(p.Locations) != 2 || p.Locations[0].Stock != 5 || p.Locations[1].Stock != 2 || *p.InStock != 7 {
				t.Errorf("locations = %+v", p.Locations)
			}
		}},
		{".NET timestamp with seven digits", `{"Sku":"A","CompilationDate":"2023-11-13T18:40:12.6191757Z","PrePurchaseStartDate":null}`, func(t *testing.T, p Product) {
			if p.CompilationDate == nil || p.CompilationDate.Nanosecond() != 619175700 || p.PrePurchaseStartDate != nil {
				t.Errorf("dates = %v %v", p.CompilationDate, p.PrePurchaseStartDate)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.test(t, decodeInto[Product](t, []byte(tt.body))) })
	}

	t.Run("price list top-level form and Price null", func(t *testing.T) {
		got, _ := collect[PriceListItem](t, []byte(`[{"Sku":"A","Mpn":"M","UnitPrice":10.5,"CurrencyId":"us"},{"Sku":"B","Price":null}]`))
		if got[0].Price == nil || !got[0].Price.UnitPrice.Equal(dec("10.5")) || got[0].Price.Currency() != "USD" {
			t.Errorf("top-level price = %+v", got[0].Price)
		}
		if got[1].Price != nil {
			t.Errorf("null price = %+v", got[1].Price)
		}
	})
	t.Run("2015 money shape", func(t *testing.T) {
		m := decodeInto[Money](t, []byte(`{"UsAmount": 2050.25, "HomeAmount": 2050.25, "HomeCurrencyId": "US"}`))
		if !m.Value().Equal(dec("2050.25")) || m.Currency == nil || NormalizeCurrency(*m.Currency) != "USD" {
			t.Errorf("money = %+v", m)
		}
	})
	t.Run("quantity as string in an order item", func(t *testing.T) {
		var items []RequestOrderItem
		if err := json.Unmarshal([]byte(`[{"Sku":"SE001MSE09","Quantity":"10"},{"Sku":"SE001MSE12","Quantity":"5"}]`), &items); err != nil {
			t.Fatal(err)
		}
		if items[0].Quantity != 10 || items[1].Quantity != 5 {
			t.Errorf("items = %+v", items)
		}
	})
}

func TestOrderStatusUpdateShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"single object", `{"CallId":"c","WebhookType":"OrderStatusUpdate","TimeStamp":"2023-12-04T23:07:21.513",
			"Data":{"OrderNumber":"2020997","Status":{"StatusCode":5,"Description":"Invoiced/Closed"}}}`},
		{"array with status as JSON string", `{"CallId":"c","WebhookType":"OrderStatusUpdate","TimeStamp":"2023-12-04T23:07:21.513",
			"Data":[{"OrderNumber":2020997,"Status":"{\"StatusCode\":\"5\",\"Description\":\"Invoiced/Closed\"}"}]}`},
		{"array with status list", `{"CallId":"c","WebhookType":"OrderStatusUpdate","TimeStamp":"2023-12-04T23:07:21.513",
			"Data":[{"OrderNumber":"2020997","Status":[{"StatusCode":4,"Description":"Ready to deliver"},{"StatusCode":5,"Description":"Invoiced/Closed"}]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := decodeInto[OrderStatusUpdate](t, []byte(tt.body))
			got, err := u.Updates()
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].OrderNumber != "2020997" || got[0].Status.StatusCode != StatusInvoiced {
				t.Errorf("updates = %+v", got)
			}
		})
	}
}
