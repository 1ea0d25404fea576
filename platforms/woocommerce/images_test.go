package woocommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func imageSets(refs []platforms.ProductRef, per int) []platforms.ImageSet {
	sets := make([]platforms.ImageSet, len(refs))
	for i, r := range refs {
		sets[i] = platforms.ImageSet{Ref: r, Alt: "Product " + r.SKU}
		for k := range per {
			sets[i].Images = append(sets[i].Images, platforms.Image{URL: platformtest.ImageURL(r.SKU, k)})
		}
	}
	return sets
}

func TestSetImagesTagsUploads(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("T", 2))
	res, err := c.SetImages(context.Background(), imageSets(refs, 2))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || len(r.MediaIDs) != 2 {
			t.Fatalf("%s: %+v", r.Ref.SKU, r)
		}
		p, _ := s.ProductBySKU(refs[i].SKU)
		for k, im := range p.Images {
			url := platformtest.ImageURL(refs[i].SKU, k)
			if strconv.Itoa(im.ID) != r.MediaIDs[k] || im.Name != platforms.ImageTag(url) || im.Alt != "Product "+refs[i].SKU {
				t.Errorf("%s image %d: %+v (media %s)", refs[i].SKU, k, im, r.MediaIDs[k])
			}
		}
	}
	if n := s.Sideloads(); n != 4 {
		t.Errorf("%d sideloads, want 4", n)
	}
}

// TestSetImagesRecoversLostAnswer: a batch that went through but whose answer was lost (a
// gateway timeout after PHP finished) is not resent blindly: the images already on the products
// are found by their tag and sent by id.
func TestSetImagesRecoversLostAnswer(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("R", 3))
	s.ResetCounters()
	s.InjectFault(wootest.Fault{Method: http.MethodPost, Path: batchPath, Status: http.StatusGatewayTimeout, Applied: true})
	res, err := c.SetImages(context.Background(), imageSets(refs, 2))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Err != nil || len(r.MediaIDs) != 2 {
			t.Fatalf("%s: %+v", r.Ref.SKU, r)
		}
	}
	if n, a := s.Sideloads(), s.Attachments(); n != 6 || a != 6 {
		t.Errorf("%d sideloads, %d attachments; want 6 (nothing downloaded twice)", n, a)
	}
	if got := s.Count(http.MethodPost, batchPath); got != 2 {
		t.Errorf("%d batch requests, want 2", got)
	}
	if got := s.Count(http.MethodGet, "/wp-json/wc/v3/products"); got != 1 {
		t.Errorf("%d product reads, want 1 (the recovery)", got)
	}
}

// TestSetImagesAttachmentGone: an attachment the merchant deleted is uploaded again.
func TestSetImagesAttachmentGone(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("G", 1))
	url := platformtest.ImageURL("G00000", 1)
	res, err := c.SetImages(context.Background(), []platforms.ImageSet{{Ref: refs[0], Images: []platforms.Image{{URL: url, MediaID: "987654"}}}})
	if err != nil || res[0].Err != nil || len(res[0].MediaIDs) != 1 || res[0].MediaIDs[0] == "987654" {
		t.Fatalf("%+v, %v", res, err)
	}
	if p, _ := s.ProductBySKU("G00000"); len(p.Images) != 1 || p.Images[0].Name != platforms.ImageTag(url) {
		t.Fatalf("images %+v", p.Images)
	}
}

// TestUpdatePriceStockOneItem: price and stock travel in one update item of one batch.
func TestUpdatePriceStockOneItem(t *testing.T) {
	var mu sync.Mutex
	var bodies [][]byte
	record := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == batchPath {
				b, _ := io.ReadAll(r.Body)
				mu.Lock()
				bodies = append(bodies, b)
				mu.Unlock()
				r.Body = io.NopCloser(bytes.NewReader(b))
			}
			next.ServeHTTP(w, r)
		})
	}
	s, c := startWrapped(t, wootest.Config{}, record, nil)
	refs := push(t, c, products("P", 1))
	mu.Lock()
	bodies = nil
	mu.Unlock()
	res, err := c.UpdatePriceStock(context.Background(), []platforms.PriceStockUpdate{
		{Ref: refs[0], Price: "33.10", Currency: "USD", ManageStock: true, Stock: 4, Status: platforms.StatusPublish},
	})
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if len(bodies) != 1 {
		t.Fatalf("%d batch requests, want 1", len(bodies))
	}
	var req struct {
		Update []map[string]json.RawMessage `json:"update"`
	}
	if err := json.Unmarshal(bodies[0], &req); err != nil {
		t.Fatal(err)
	}
	if len(req.Update) != 1 || string(req.Update[0]["regular_price"]) != `"33.10"` || string(req.Update[0]["stock_quantity"]) != "4" {
		t.Fatalf("request %s", bodies[0])
	}
	if _, ok := req.Update[0]["images"]; ok {
		t.Fatalf("a price and stock write carries images: %s", bodies[0])
	}
	if p, _ := s.ProductBySKU("P00000"); p.RegularPrice != "33.10" || p.StockQuantity == nil || *p.StockQuantity != 4 {
		t.Fatalf("product %+v", p)
	}
}

// TestCategoriesBatchedByLevel: every missing category of a level is created in one batch
// request, parents first; a new client reuses them.
func TestCategoriesBatchedByLevel(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	var paths []platforms.CategoryPath
	for i := range 5 {
		for j := range 3 {
			paths = append(paths, platforms.CategoryPath{
				{ID: "cpt", Name: "Computadores"},
				{ID: "cpt.l" + strconv.Itoa(i), Name: "Línea " + strconv.Itoa(i)},
				{ID: "cpt.l" + strconv.Itoa(i) + "." + strconv.Itoa(j), Name: "Serie " + strconv.Itoa(j)},
			})
		}
	}
	s.ResetCounters()
	ids, err := c.EnsureCategories(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(http.MethodPost, "/wp-json/wc/v3/products/categories/batch"); got != 3 {
		t.Errorf("%d category batches, want 3 (one per level)", got)
	}
	if got := s.Count(http.MethodPost, "/wp-json/wc/v3/products/categories"); got != 0 {
		t.Errorf("%d single category creates, want 0", got)
	}
	cats := map[int]wootest.Category{}
	for _, cat := range s.Categories() {
		cats[cat.ID] = cat
	}
	if len(cats) != 1+1+5+15 { // Uncategorized, the root, 5 lines, 15 series
		t.Fatalf("%d categories", len(cats))
	}
	leaf, _ := strconv.Atoi(ids["cpt.l3.2"])
	line, _ := strconv.Atoi(ids["cpt.l3"])
	if cats[leaf].Name != "Serie 2" || cats[leaf].Parent != line || cats[line].Name != "Línea 3" || strconv.Itoa(cats[line].Parent) != ids["cpt"] {
		t.Fatalf("tree: leaf %+v, line %+v, ids %v", cats[leaf], cats[line], ids)
	}
	// A new client (a restart) creates nothing: it finds every name under its parent.
	s.ResetCounters()
	again, err := newClient(t, c.cfg.BaseURL, c.http, nil).EnsureCategories(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Count(http.MethodPost, "/wp-json/wc/v3/products/categories/batch"); got != 0 || again["cpt.l3.2"] != ids["cpt.l3.2"] {
		t.Fatalf("second client: %d batches, ids %v", got, again)
	}
	// A category created behind the client's back is a term_exists item, adopted.
	s.ResetCounters()
	fresh := newClient(t, c.cfg.BaseURL, c.http, nil)
	fresh.terms = map[termKey]int{} // as if listed before the other client created them
	if got, err := fresh.EnsureCategories(context.Background(), paths[:1]); err != nil || got["cpt.l0.0"] != ids["cpt.l0.0"] {
		t.Fatalf("adopted: %v, %v", got, err)
	}
}

type recordingPacer struct {
	mu        sync.Mutex
	waits     int
	throttled []time.Duration
}

func (p *recordingPacer) Wait(ctx context.Context) error {
	p.mu.Lock()
	p.waits++
	p.mu.Unlock()
	return ctx.Err()
}

func (p *recordingPacer) Throttled(d time.Duration) {
	p.mu.Lock()
	p.throttled = append(p.throttled, d)
	p.mu.Unlock()
}

// TestPacerHearsOverload: with a Pacer in the context, every attempt waits for it and every
// 429 or 5xx is reported with its Retry-After.
func TestPacerHearsOverload(t *testing.T) {
	s, c := startTLS(t, wootest.Config{}, nil)
	refs := push(t, c, products("Z", 1))
	s.InjectFault(wootest.Fault{Method: http.MethodPost, Path: batchPath, Status: http.StatusTooManyRequests, RetryAfter: "7"})
	s.InjectFault(wootest.Fault{Method: http.MethodPost, Path: batchPath, Status: http.StatusServiceUnavailable})
	p := &recordingPacer{}
	res, err := c.SetImages(platforms.WithPacer(context.Background(), p), imageSets(refs, 1))
	if err != nil || res[0].Err != nil {
		t.Fatal(err, res)
	}
	if len(p.throttled) != 2 || p.throttled[0] != 7*time.Second || p.throttled[1] != 0 || p.waits < 3 {
		t.Fatalf("pacer: throttled %v, waits %d", p.throttled, p.waits)
	}
	if n := s.Sideloads(); n != 1 {
		t.Fatalf("%d sideloads", n)
	}
}

// TestOAuthSignsCommaLists: over plain HTTP (OAuth 1.0a) a query value with commas (include,
// sku lists) signs the way WooCommerce checks it; a real WooCommerce 11 refused the earlier,
// once-encoded signature with "provided signature does not match".
func TestOAuthSignsCommaLists(t *testing.T) {
	_, c := startWrapped(t, wootest.Config{}, func(h http.Handler) http.Handler { return h }, nil)
	refs := push(t, c, products("O", 2))
	sets := imageSets(refs, 1)
	set, err := c.SetImages(context.Background(), sets)
	if err != nil || set[0].Err != nil || set[1].Err != nil {
		t.Fatal(err, set)
	}
	res, err := c.FindImages(context.Background(), []platforms.ImageQuery{
		{Ref: refs[0], URLs: []string{sets[0].Images[0].URL}},
		{Ref: platforms.ProductRef{SKU: refs[1].SKU}, URLs: []string{sets[1].Images[0].URL}}, // by SKU
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Err != nil || r.MediaIDs[0] != set[i].MediaIDs[0] {
			t.Fatalf("query %d: %+v", i, r)
		}
	}
}
