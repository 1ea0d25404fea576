package listing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// Defaults of the image pass.
const (
	// DefaultImageConcurrency is how many SetImages calls run at once: enough to keep a small
	// store's PHP workers busy (WooCommerce downloads each image inside the request) without
	// queueing behind them.
	DefaultImageConcurrency = 3
	// DefaultImageSettle is how long an upload whose answer was lost may still be running on the
	// storefront: longer than an adapter's request timeout (WooCommerce: 60 s).
	DefaultImageSettle = 2 * time.Minute
)

// ImageSummary counts what the image pass of a push did.
type ImageSummary struct {
	Attached int // products whose image list was set
	Uploaded int // images sent by URL (uploaded once each)
	Reused   int // images referenced by the media id the shop already had
	Failed   int // products whose image list failed (kept pending with the error)
	// Deferred products wait for a later push: an upload of one of their images whose answer
	// was lost may still be running on the storefront.
	Deferred int
	// Recovered images an interrupted push had uploaded were found on the storefront (not sent
	// again); Lost were not there and will be uploaded.
	Recovered, Lost int
	// OrphansDeleted images the connector uploaded and no listing shows any more were deleted
	// from the shop; OrphansKept could not be (the platform cannot delete media with the shop's
	// credentials) and stay recorded, reused if a listing wants them again.
	OrphansDeleted, OrphansKept int
	// Throttled answers (429, 5xx) slowed the pass down; Concurrency is the lowest number of
	// calls in flight it allowed.
	Throttled, Concurrency int
}

// imageURLs is the image list of a desired listing: no empty URL, no URL twice, in order.
func imageURLs(images []string) []string {
	out := make([]string, 0, len(images))
	for _, u := range images {
		if u = strings.TrimSpace(u); u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

// ImagesHash identifies an image list (hex SHA-256 of its URLs in order; "" for none).
func ImagesHash(urls []string) string {
	if len(urls) == 0 {
		return ""
	}
	h := sha256.New()
	for _, u := range urls {
		h.Write([]byte(u))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// pendingImages is the document of store.Listing.DesiredImages: the URLs to attach and the
// alternative text of the images to upload (the product's title when planned).
type pendingImages struct {
	URLs []string `json:"urls"`
	Alt  string   `json:"alt,omitempty"`
}

// PendingImageURLs returns the image URLs waiting to be attached to l's product (none when its
// image list is attached).
func PendingImageURLs(l store.Listing) ([]string, error) {
	if l.DesiredImages == "" {
		return nil, nil
	}
	var p pendingImages
	if err := json.Unmarshal([]byte(l.DesiredImages), &p); err != nil {
		return nil, fmt.Errorf("listing: %s: desired images: %w", l.SKU, err)
	}
	return p.URLs, nil
}

func encodePending(urls []string, alt string) string {
	b, err := json.Marshal(pendingImages{URLs: urls, Alt: alt})
	if err != nil {
		panic(fmt.Sprintf("listing: encode image URLs: %v", err)) // strings only: cannot fail
	}
	return string(b)
}

// planImages sets l's pending image list for desired (nil: not listed, nothing to attach).
func planImages(l *store.Listing, desired *Desired) {
	l.DesiredImages = ""
	if desired == nil {
		return
	}
	urls := imageURLs(desired.Images)
	h := ImagesHash(urls)
	switch {
	case l.ImagesHash == store.ImagesLegacy:
		// Pushed before images were tracked: they went with the product, as planned.
		l.ImagesHash = h
	case h != l.ImagesHash:
		l.DesiredImages = encodePending(urls, desired.Title)
	}
}

// imageJob is one listing of the image pass.
type imageJob struct {
	l    store.Listing
	urls []string
	alt  string
}

// imageCall is one SetImages call: its jobs, the sets sent, which URLs it uploads.
type imageCall struct {
	jobs    []imageJob
	sets    []platforms.ImageSet
	uploads map[string]bool
	res     []platforms.ImageResult
	err     error
}

// imagePass attaches pending image lists; see pushImages.
type imagePass struct {
	s       *Syncer
	sf      platforms.Storefront
	shopID  int64
	sum     *PushSummary
	lim     *limiter
	batch   int
	claimed map[string]bool // URLs an unfinished call uploads
	// unsettled URLs were sent by a push whose answer never came, too recently to look for them.
	unsettled map[string]bool
	done      chan *imageCall
	inflight  int
	failed    error // the first call error: no new call starts after it
	// failures are logged once per run and kind of failure, when the pass ends.
	failures pushFailures
}

// pushImages is the image pass of Push: it first settles the uploads an interrupted push left
// (reconcileUploads), then sends every listing's pending image list in SetImages calls of
// Capabilities().ImageBatchSize, up to ImageConcurrency at once, each image by its media id when
// the shop's map has one and by URL otherwise (once: two lists sharing a new URL go in turn),
// and finally deletes the images no listing uses any more (sweepOrphans). Each upload is recorded
// (uploading) before its call goes out, and each outcome when it comes back, so that an
// interrupted pass leaves nothing that could be uploaded twice.
func (s *Syncer) pushImages(ctx context.Context, shopID int64, sf platforms.Storefront, sum *PushSummary) error {
	caps := sf.Capabilities()
	batch := caps.ImageBatchSize
	if batch <= 0 || batch > caps.BatchSize {
		batch = caps.BatchSize
	}
	concurrency := s.ImageConcurrency
	if concurrency <= 0 {
		concurrency = DefaultImageConcurrency
	}
	ip := &imagePass{s: s, sf: sf, shopID: shopID, sum: sum, lim: newLimiter(concurrency, time.Now),
		batch: max(batch, 1), claimed: map[string]bool{}, unsettled: map[string]bool{},
		done: make(chan *imageCall, concurrency)}
	defer func() {
		sum.Images.Throttled, sum.Images.Concurrency = ip.lim.stats()
		ip.failures.log(ctx, s.logger(), shopID)
	}()
	if err := ip.reconcileUploads(ctx); err != nil {
		return err
	}
	err := ip.attachAll(ctx)
	if err == nil {
		err = ip.sweepOrphans(ctx)
	}
	return err
}

// reconcileUploads settles the shop's uploads still marked uploading: an upload older than
// ImageSettle is looked for on its product (FindImages) and recorded ready when found, forgotten
// (to be uploaded again) when not; a younger one may still be running and is left for a later
// push, with the lists that need it.
func (ip *imagePass) reconcileUploads(ctx context.Context) error {
	settle := ip.s.ImageSettle
	if settle <= 0 {
		settle = DefaultImageSettle
	}
	cutoff := ip.s.now().Add(-settle)
	batch := max(ip.sf.Capabilities().BatchSize, 1)
	var after int64
	for {
		rows, err := ip.s.Store.ShopImagesPage(ctx, ip.shopID, store.ImageUploading, after, DefaultPageSize)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		var queries []platforms.ImageQuery
		var rowsOf [][]store.ShopImage
		byProduct := map[string]int{}
		var forget []string
		for _, r := range rows {
			switch {
			case r.UpdatedAt.After(cutoff):
				ip.unsettled[r.URL] = true
				continue
			case r.ProductID == "":
				forget = append(forget, r.URL)
				continue
			}
			key := r.SKU + "\x00" + r.ProductID
			i, ok := byProduct[key]
			if !ok {
				i = len(queries)
				byProduct[key] = i
				queries = append(queries, platforms.ImageQuery{Ref: platforms.ProductRef{SKU: r.SKU, ProductID: r.ProductID}})
				rowsOf = append(rowsOf, nil)
			}
			queries[i].URLs = append(queries[i].URLs, r.URL)
			rowsOf[i] = append(rowsOf[i], r)
		}
		var ready []store.ShopImage
		for start := 0; start < len(queries); start += batch {
			part := queries[start:min(start+batch, len(queries))]
			ip.sum.Calls++
			res, err := ip.sf.FindImages(ctx, part)
			if err == nil && len(res) != len(part) {
				err = fmt.Errorf("storefront returned %d results for %d queries", len(res), len(part))
			}
			if err != nil {
				return fmt.Errorf("find interrupted uploads: %w", err)
			}
			for k, r := range res {
				found := rowsOf[start+k]
				if r.Err != nil && !errors.Is(r.Err, platforms.ErrNotFound) {
					// Cannot tell: keep the rows (and the lists needing them) for a later push.
					ip.s.logger().WarnContext(ctx, "listing: cannot look for interrupted uploads", "shop", ip.shopID, "sku", r.Ref.SKU, "err", r.Err)
					for _, row := range found {
						ip.unsettled[row.URL] = true
					}
					continue
				}
				for j, row := range found {
					if r.Err == nil && j < len(r.MediaIDs) && r.MediaIDs[j] != "" {
						row.MediaID, row.State, row.UpdatedAt = r.MediaIDs[j], store.ImageReady, time.Time{}
						ready = append(ready, row)
						ip.sum.Images.Recovered++
					} else {
						forget = append(forget, row.URL)
						ip.sum.Images.Lost++
					}
				}
			}
		}
		if err := ip.s.Store.SaveImageBatch(ctx, store.ImageBatch{ShopID: ip.shopID, Images: ready, Forget: forget}); err != nil {
			return err
		}
		if len(rows) < DefaultPageSize {
			return nil
		}
	}
}

// attachAll runs the SetImages calls: pages of listings with images pending, then the lists put
// off because another call was uploading one of their URLs.
func (ip *imagePass) attachAll(ctx context.Context) error {
	ctx = platforms.WithPacer(ctx, ip.lim)
	var deferred []imageJob
	var after int64
	for ip.failed == nil {
		page, err := ip.s.Store.ListingsWithImagesPending(ctx, ip.shopID, after, ip.batch)
		if err != nil {
			ip.wait(ctx)
			return err
		}
		if len(page) == 0 {
			break
		}
		after = page[len(page)-1].ID
		jobs := make([]imageJob, 0, len(page))
		for _, l := range page {
			var p pendingImages
			if err := json.Unmarshal([]byte(l.DesiredImages), &p); err != nil {
				ip.wait(ctx)
				return fmt.Errorf("%s: desired images: %w", l.SKU, err)
			}
			jobs = append(jobs, imageJob{l: l, urls: p.URLs, alt: p.Alt})
		}
		later, err := ip.send(ctx, jobs)
		deferred = append(deferred, later...)
		if err != nil {
			ip.wait(ctx)
			return err
		}
		if len(page) < ip.batch {
			break
		}
	}
	// The put-off lists: their URLs are recorded by now, or free to upload.
	for ip.failed == nil && len(deferred) > 0 {
		if err := ip.wait(ctx); err != nil {
			return err
		}
		jobs := deferred
		deferred = nil
		for start := 0; start < len(jobs) && ip.failed == nil; start += ip.batch {
			later, err := ip.send(ctx, jobs[start:min(start+ip.batch, len(jobs))])
			deferred = append(deferred, later...)
			if err != nil {
				ip.wait(ctx)
				return err
			}
		}
		if len(deferred) == len(jobs) && ip.inflight == 0 {
			ip.sum.Images.Deferred += len(deferred) // nothing moved: leave them for a later push
			break
		}
	}
	if err := ip.wait(ctx); err != nil {
		return err
	}
	return ip.failed
}

// send waits for a free slot, builds one call of jobs and starts it. It returns the jobs that
// must wait for another call uploading one of their URLs.
func (ip *imagePass) send(ctx context.Context, jobs []imageJob) (later []imageJob, err error) {
	// The slot first: finished calls are recorded while waiting, so the sets are built from
	// the latest map, and nothing is marked uploading for a call that never goes out.
	for {
		ok, pause, wake := ip.lim.tryAcquire()
		if ok {
			break
		}
		if err := waitDone(ctx, pause, wake, ip.done, func(c *imageCall) error {
			ip.inflight--
			return ip.record(ctx, c)
		}); err != nil {
			return nil, err
		}
	}
	if ip.failed != nil {
		ip.lim.unused()
		return nil, nil
	}
	var urls []string
	for _, j := range jobs {
		urls = append(urls, j.urls...)
	}
	known, err := ip.s.Store.ShopImages(ctx, ip.shopID, urls)
	if err != nil {
		ip.lim.unused()
		return nil, err
	}
	call := &imageCall{uploads: map[string]bool{}}
	var uploading []store.ShopImage
	for _, j := range jobs {
		set := platforms.ImageSet{Ref: ref(j.l), Alt: j.alt, Images: make([]platforms.Image, 0, len(j.urls))}
		var mine []string
		wait, skip := false, false
		for _, u := range j.urls {
			k, ok := known[u]
			switch {
			case ip.unsettled[u]:
				skip = true
			case ok && k.State != store.ImageUploading:
				set.Images = append(set.Images, platforms.Image{URL: u, MediaID: k.MediaID})
			case ip.claimed[u] || call.uploads[u] || ok:
				wait = true
			default:
				set.Images = append(set.Images, platforms.Image{URL: u})
				mine = append(mine, u)
			}
		}
		switch {
		case skip:
			ip.sum.Images.Deferred++
		case wait:
			later = append(later, j)
		default:
			for _, u := range mine {
				call.uploads[u] = true
				uploading = append(uploading, store.ShopImage{URL: u, State: store.ImageUploading, SKU: j.l.SKU, ProductID: j.l.ProductID,
					UpdatedAt: ip.s.now()})
			}
			call.jobs = append(call.jobs, j)
			call.sets = append(call.sets, set)
		}
	}
	if len(call.jobs) == 0 {
		ip.lim.unused()
		return later, nil
	}
	// Recorded before the call goes out: if the process dies with the call in flight, the next
	// push knows these URLs may be on the storefront already.
	if err := ip.s.Store.SaveImageBatch(ctx, store.ImageBatch{ShopID: ip.shopID, Images: uploading}); err != nil {
		ip.lim.unused()
		return later, err
	}
	for u := range call.uploads {
		ip.claimed[u] = true
	}
	ip.inflight++
	ip.sum.Calls++
	go func() {
		call.res, call.err = ip.sf.SetImages(ctx, call.sets)
		if call.err == nil && len(call.res) != len(call.sets) {
			call.err = fmt.Errorf("storefront returned %d results for %d image sets", len(call.res), len(call.sets))
		}
		ip.done <- call // record releases the slot, so no call starts before a failure is seen
	}()
	return later, nil
}

// waitDone waits for a limiter change (wake, or pause elapsed) or a finished call on done
// (nil: none), which it hands to onDone.
func waitDone(ctx context.Context, pause time.Duration, wake <-chan struct{}, done <-chan *imageCall, onDone func(*imageCall) error) error {
	var timeout <-chan time.Time
	if pause > 0 {
		t := time.NewTimer(pause)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case c := <-done:
		return onDone(c)
	case <-wake:
	case <-timeout:
	}
	return nil
}

// wait records every call still in flight; it returns the first error recording gave.
func (ip *imagePass) wait(ctx context.Context) error {
	var first error
	for ip.inflight > 0 {
		c := <-ip.done
		ip.inflight--
		if err := ip.record(ctx, c); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// record writes a finished call's outcome: per set, the media ids (the uploads now ready), the
// images the listing shows and the listing itself; a failed set keeps its list pending with the
// error. The uploads of a failed set or call stay marked uploading, for the next push to look
// for; a failed call stops the pass.
func (ip *imagePass) record(ctx context.Context, c *imageCall) error {
	// What came back is written even when the push is being cancelled (Ctrl-C): an outcome
	// not recorded would have to be looked for on the storefront next time.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	ip.lim.release(c.err == nil)
	for u := range c.uploads {
		delete(ip.claimed, u)
	}
	if c.err != nil {
		for u := range c.uploads {
			ip.unsettled[u] = true
		}
		ip.s.logger().WarnContext(ctx, "listing: image call failed", "shop", ip.shopID, "sets", len(c.sets), "err", c.err)
		ip.sum.Images.Failed += len(c.jobs)
		if ip.failed == nil {
			ip.failed = c.err
		}
		return nil
	}
	b := store.ImageBatch{ShopID: ip.shopID, Uses: map[string][]string{}}
	now := ip.s.now()
	var gone []store.Listing
	var events []store.ListingEvent
	for i, j := range c.jobs {
		r := c.res[i]
		l := j.l
		if r.Err == nil && len(r.MediaIDs) != len(c.sets[i].Images) {
			r.Err = fmt.Errorf("storefront returned %d media ids for %d images", len(r.MediaIDs), len(c.sets[i].Images))
		}
		if errors.Is(r.Err, platforms.ErrNotFound) && l.PendingChange == "" {
			// The product was deleted in the store: the next plan creates it again, with its
			// images (a media id the store lost is uploaded again by the adapters).
			for u := range c.uploads {
				ip.unsettled[u] = true
			}
			next, err := ip.s.forgetProduct(ctx, ip.shopID, l, ip.sf.Capabilities())
			if err != nil {
				return err
			}
			next.State, next.LastError, next.Attempts = store.ListingPending, "", 0
			gone = append(gone, next)
			events = append(events, store.ListingEvent{ShopID: ip.shopID, SKU: l.SKU, Kind: EventGone,
				Detail: fmt.Sprintf("images: product %s was deleted in the store; the next sync creates it again", l.ProductID)})
			ip.sum.Images.Failed++
			continue
		}
		if r.Err != nil {
			// Its uploads stay marked: whether the storefront made any of them is not known
			// for every adapter (a request that failed midway), so the next push looks for
			// them before sending them again; the lists needing them wait until then.
			ip.sum.Images.Failed++
			for u := range c.uploads {
				ip.unsettled[u] = true
			}
			ip.failures.add(l.SKU, "images", r.Err, false)
			if l.PendingChange == "" {
				l.LastError = truncate("images: "+r.Err.Error(), 2000)
			}
			b.Listings = append(b.Listings, l)
			continue
		}
		for k, im := range c.sets[i].Images {
			id := r.MediaIDs[k]
			if c.uploads[im.URL] {
				ip.sum.Images.Uploaded++
			} else {
				ip.sum.Images.Reused++
			}
			b.Images = append(b.Images, store.ShopImage{URL: im.URL, MediaID: id, State: store.ImageReady, SKU: l.SKU, ProductID: l.ProductID})
		}
		ip.sum.Images.Attached++
		b.Uses[l.SKU] = j.urls
		l.ImagesHash, l.DesiredImages = ImagesHash(j.urls), ""
		if l.PendingChange == "" && strings.HasPrefix(l.LastError, "images: ") {
			l.LastError = ""
		}
		l.PushedAt = now
		b.Listings = append(b.Listings, l)
	}
	if err := ip.s.Store.SaveImageBatch(ctx, b); err != nil {
		return err
	}
	return ip.s.Store.SaveListingChanges(ctx, gone, events)
}

// sweepOrphans deletes from the shop the images the connector uploaded that no listing shows
// any more (only those: the map holds nothing else), and forgets them. Where the platform
// cannot delete media, they are marked orphan instead: detached from every product, kept on the
// storefront and in the map, and reused if a listing wants the URL again.
func (ip *imagePass) sweepOrphans(ctx context.Context) error {
	caps := ip.sf.Capabilities()
	wanted, err := ip.wantedURLs(ctx)
	if err != nil {
		return err
	}
	var after int64
	for {
		rows, err := ip.s.Store.UnusedShopImages(ctx, ip.shopID, after, max(caps.BatchSize, 1))
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		after = rows[len(rows)-1].ID
		// An image a list still waiting to be attached wants is no orphan.
		rows = slices.DeleteFunc(rows, func(r store.ShopImage) bool { return wanted[r.URL] })
		if len(rows) == 0 {
			continue
		}
		if !caps.DeleteMedia {
			kept := make([]store.ShopImage, len(rows))
			for i, r := range rows {
				r.State = store.ImageOrphan
				kept[i] = r
			}
			ip.sum.Images.OrphansKept += len(rows)
			ip.s.logger().InfoContext(ctx, "listing: images no listing shows are kept: this shop's API cannot delete media",
				"shop", ip.shopID, "images", len(rows))
			if err := ip.s.Store.SaveImageBatch(ctx, store.ImageBatch{ShopID: ip.shopID, Images: kept}); err != nil {
				return err
			}
			continue
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.MediaID
		}
		ip.sum.Calls++
		res, err := ip.sf.DeleteMedia(ctx, ids)
		if err == nil && len(res) != len(ids) {
			err = fmt.Errorf("storefront returned %d results for %d media", len(res), len(ids))
		}
		if err != nil {
			return fmt.Errorf("delete orphan images: %w", err)
		}
		var forget []string
		var kept []store.ShopImage
		for i, r := range res {
			if r.Err != nil {
				ip.s.logger().WarnContext(ctx, "listing: orphan image not deleted", "shop", ip.shopID, "media", ids[i], "err", r.Err)
				row := rows[i]
				row.State = store.ImageOrphan
				kept = append(kept, row)
				ip.sum.Images.OrphansKept++
				continue
			}
			forget = append(forget, rows[i].URL)
			ip.sum.Images.OrphansDeleted++
		}
		if err := ip.s.Store.SaveImageBatch(ctx, store.ImageBatch{ShopID: ip.shopID, Images: kept, Forget: forget}); err != nil {
			return err
		}
	}
}

// wantedURLs returns the URLs of the image lists still pending (failed or put off).
func (ip *imagePass) wantedURLs(ctx context.Context) (map[string]bool, error) {
	wanted := map[string]bool{}
	var after int64
	for {
		page, err := ip.s.Store.ListingsWithImagesPending(ctx, ip.shopID, after, DefaultPageSize)
		if err != nil {
			return nil, err
		}
		for _, l := range page {
			var p pendingImages
			if err := json.Unmarshal([]byte(l.DesiredImages), &p); err != nil {
				return nil, fmt.Errorf("%s: desired images: %w", l.SKU, err)
			}
			for _, u := range p.URLs {
				wanted[u] = true
			}
		}
		if len(page) < DefaultPageSize {
			return wanted, nil
		}
		after = page[len(page)-1].ID
	}
}
