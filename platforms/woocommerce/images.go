package woocommerce

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// DefaultImageBatchSize is Capabilities().ImageBatchSize by default: WooCommerce downloads every
// image sent by URL inside the request (about 0.1 s each on a small store), so ten products (a
// dozen images or so) keep one request to a second or two, and several requests can keep the
// store's PHP workers busy side by side.
const DefaultImageBatchSize = 10

// uploads reports whether o sends an image by URL.
func (o *op) uploads() bool {
	return o.body.Images != nil && slices.ContainsFunc(*o.body.Images, func(r imageRef) bool { return r.Src != "" })
}

// SetImages implements platforms.Storefront: one update item per set whose images are
// {id} for a known attachment and {src, name: ImageTag, alt} for a new one, which WooCommerce
// downloads. An attachment the store no longer has (woocommerce_product_invalid_image_id: the
// merchant deleted it) is uploaded again from its URL in one follow-up batch.
func (c *Client) SetImages(ctx context.Context, sets []platforms.ImageSet) ([]platforms.ImageResult, error) {
	if len(sets) > c.cfg.ImageBatchSize {
		return nil, fmt.Errorf("woocommerce: SetImages: %d sets, at most %d: %w", len(sets), c.cfg.ImageBatchSize, platforms.ErrInvalid)
	}
	ops := make([]*op, len(sets))
	for i, set := range sets {
		o := &op{sku: set.Ref.SKU, alt: set.Alt}
		o.id, o.lookup = c.updateID(set.Ref, o)
		imgs := make([]imageRef, 0, len(set.Images))
		for _, im := range set.Images {
			switch {
			case im.MediaID != "":
				id, err := strconv.Atoi(im.MediaID)
				if err != nil || id <= 0 {
					o.err = fmt.Errorf("woocommerce: attachment id %q: %w", im.MediaID, platforms.ErrInvalid)
				}
				imgs = append(imgs, imageRef{ID: id})
			case im.URL != "":
				imgs = append(imgs, uploadRef(im.URL, set.Alt))
			default:
				o.err = fmt.Errorf("woocommerce: image without URL or attachment id: %w", platforms.ErrInvalid)
			}
			o.images = append(o.images, im.URL)
		}
		o.body.Images = &imgs
		ops[i] = o
	}
	if err := c.runOps(ctx, "SetImages", ops); err != nil {
		return nil, err
	}
	var again []*op
	for _, o := range ops {
		if o.apiErr == nil || o.apiErr.Code != "woocommerce_product_invalid_image_id" || o.retried {
			continue
		}
		gone := invalidImageID(o.apiErr.Message)
		imgs := *o.body.Images
		for k := range imgs {
			if imgs[k].ID != 0 && imgs[k].ID == gone && o.images[k] != "" {
				c.log.InfoContext(ctx, "woocommerce: attachment gone, uploading the image again", "sku", o.sku, "attachment", gone)
				imgs[k] = uploadRef(o.images[k], o.alt)
				o.retried = true
			}
		}
		if o.retried {
			again = append(again, o)
		}
	}
	if len(again) > 0 {
		if err := c.sendBatch(ctx, again); err != nil {
			for _, o := range again {
				o.err = err
			}
		}
	}
	out := make([]platforms.ImageResult, len(ops))
	for i, o := range ops {
		r := o.result()
		out[i] = platforms.ImageResult{Ref: r.Ref, Err: r.Err}
		if r.Err != nil {
			continue
		}
		if len(o.media) != len(o.images) {
			out[i].Err = fmt.Errorf("woocommerce: %s: %d images answered for %d sent", o.sku, len(o.media), len(o.images))
			continue
		}
		out[i].MediaIDs = make([]string, len(o.media))
		for k, id := range o.media {
			out[i].MediaIDs[k] = strconv.Itoa(id)
		}
	}
	return out, nil
}

// uploadRef sends an image by URL, tagged so that it can be recognised later.
func uploadRef(src, alt string) imageRef {
	return imageRef{Src: src, Name: platforms.ImageTag(src), Alt: alt}
}

var invalidImageRE = regexp.MustCompile(`#(\d+) is an invalid image ID`)

// invalidImageID reads the attachment id out of woocommerce_product_invalid_image_id's message
// ("#%s is an invalid image ID."); 0 when it is not there.
func invalidImageID(msg string) int {
	m := invalidImageRE.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// FindImages implements platforms.Storefront: the products are read (GET /products?include=…,
// 100 a request) and an image is found when its name is the URL's ImageTag, the name SetImages
// gave it.
func (c *Client) FindImages(ctx context.Context, queries []platforms.ImageQuery) ([]platforms.ImageResult, error) {
	if err := c.checkBatch("FindImages", len(queries)); err != nil {
		return nil, err
	}
	out := make([]platforms.ImageResult, len(queries))
	ids := make([]int, len(queries))
	var lookup []string
	for i, q := range queries {
		out[i].Ref = q.Ref
		id, bad := parseID(q.Ref)
		if id == 0 || bad {
			lookup = append(lookup, q.Ref.SKU)
		}
		ids[i] = id
	}
	if len(lookup) > 0 {
		found, err := c.idsBySKU(ctx, lookup)
		if err != nil {
			return nil, fmt.Errorf("woocommerce: FindImages: %w", err)
		}
		for i, q := range queries {
			if ids[i] == 0 {
				ids[i] = found[q.Ref.SKU]
			}
		}
	}
	images, err := c.productImages(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("woocommerce: FindImages: %w", err)
	}
	for i, q := range queries {
		have, ok := images[ids[i]]
		if ids[i] == 0 || !ok {
			out[i].Err = fmt.Errorf("woocommerce: product %s: %w", q.Ref.SKU, platforms.ErrNotFound)
			continue
		}
		out[i].Ref.ProductID = strconv.Itoa(ids[i])
		out[i].MediaIDs = make([]string, len(q.URLs))
		for j, u := range q.URLs {
			if id := tagged(have, u); id != 0 {
				out[i].MediaIDs[j] = strconv.Itoa(id)
			}
		}
	}
	return out, nil
}

// tagged returns the id of the image of have uploaded from u (named ImageTag(u)), or 0.
func tagged(have []wireImage, u string) int {
	tag := platforms.ImageTag(u)
	for _, im := range have {
		if im.Name == tag {
			return im.ID
		}
	}
	return 0
}

// productImages reads the images of products by id (0s skipped): GET /products?include=…
// with every status, 100 ids a request.
func (c *Client) productImages(ctx context.Context, ids []int) (map[int][]wireImage, error) {
	var ask []string
	seen := map[int]bool{}
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			ask = append(ask, strconv.Itoa(id))
		}
	}
	out := make(map[int][]wireImage, len(ask))
	for chunk := range slices.Chunk(ask, 100) {
		q := url.Values{"include": {strings.Join(chunk, ",")}, "status": {"any"}, "_fields": {"id,sku,type,images"}}
		items, err := getPages[wireItem](ctx, c, "/products", q)
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			if it.Type != "variation" {
				out[it.ID] = it.Images
			}
		}
	}
	return out, nil
}

// recoverUploads runs after a batch answer carrying uploads was lost: the images sent by URL
// that the products already show (the batch went through) are sent by id instead, so that the
// retry downloads nothing twice.
func (c *Client) recoverUploads(ctx context.Context, ops []*op) error {
	var ids []int
	for _, o := range ops {
		if o.id != 0 && o.uploads() {
			ids = append(ids, o.id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	images, err := c.productImages(ctx, ids)
	if err != nil {
		return err
	}
	for _, o := range ops {
		if o.id == 0 || !o.uploads() {
			continue
		}
		imgs := *o.body.Images
		for k := range imgs {
			if imgs[k].Src == "" {
				continue
			}
			if id := tagged(images[o.id], imgs[k].Src); id != 0 {
				c.log.InfoContext(ctx, "woocommerce: image uploaded before the answer was lost", "sku", o.sku, "attachment", id)
				imgs[k] = imageRef{ID: id}
			}
		}
	}
	return nil
}

// DeleteMedia implements platforms.Storefront; WooCommerce cannot. Its REST API has no media
// endpoint, and WordPress's (/wp/v2/media) does not accept WooCommerce consumer keys:
// WC_REST_Authentication authenticates only routes under the wc/ and wc- namespaces (11.1 even
// refuses a key on any other route). Deleting a product does not delete its attachments either.
// The connector therefore detaches such images from its products and keeps them recorded as
// orphans; removing them needs a WordPress user (Media library, or an application password),
// which the shop's keys are not.
func (c *Client) DeleteMedia(ctx context.Context, ids []string) ([]platforms.MediaResult, error) {
	return nil, fmt.Errorf("woocommerce: DeleteMedia: the REST API cannot delete media with consumer keys: %w", platforms.ErrUnsupported)
}
