package shopify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// imageFilename is the file name of an image uploaded from src: its ImageTag
// and the extension of src's path (Shopify refuses a file name whose
// extension differs from the source's), or "" when src has no extension.
func imageFilename(src string) string {
	u, err := url.Parse(src)
	if err != nil {
		return ""
	}
	ext := strings.ToLower(path.Ext(u.Path))
	if ext == "" || len(ext) > 5 {
		return ""
	}
	return platforms.ImageTag(src) + ext
}

// fileInput is one FileSetInput: the file by id, or a new one from src.
func fileInput(im platforms.Image, alt string) map[string]any {
	if im.MediaID != "" {
		return map[string]any{"id": im.MediaID}
	}
	f := map[string]any{"originalSource": im.URL, "contentType": "IMAGE", "alt": alt}
	if name := imageFilename(im.URL); name != "" {
		f["filename"] = name
	}
	return f
}

type productSetFilesPayload struct {
	Product *struct {
		ID    string `json:"id"`
		Media struct {
			Nodes []struct {
				ID string `json:"id"`
			} `json:"nodes"`
		} `json:"media"`
	} `json:"product"`
	UserErrors []UserError `json:"userErrors"`
}

// result maps a ProductSetFiles answer to the set's result.
func (p *productSetFilesPayload) result(ref platforms.ProductRef, n int) platforms.ImageResult {
	r := platforms.ImageResult{Ref: ref}
	if err := userErrorsErr(p.UserErrors); err != nil {
		r.Err = fmt.Errorf("shopify: images of %s: %w", ref.SKU, err)
		return r
	}
	if p.Product == nil {
		r.Err = fmt.Errorf("shopify: images of %s: no product in answer: %w", ref.SKU, ErrUnavailable)
		return r
	}
	if len(p.Product.Media.Nodes) != n {
		r.Err = fmt.Errorf("shopify: images of %s: %d media answered for %d files: %w", ref.SKU, len(p.Product.Media.Nodes), n, ErrUnavailable)
		return r
	}
	r.MediaIDs = make([]string, n)
	for i, m := range p.Product.Media.Nodes {
		r.MediaIDs[i] = m.ID
	}
	return r
}

// SetImages implements platforms.Storefront with productSet (ProductSetFiles):
// input {files: […]} only, so nothing else of the product changes, one call
// per product or, from BulkThreshold sets on, bulk operations. A file the shop
// has is referenced by id, a new one by originalSource with a file name made
// of platforms.ImageTag (FindImages recognises it by that). The call is never
// resent after a lost answer (it may have made files): the set fails, and its
// uploads are for the caller to look for (FindImages) before sending again.
func (c *Client) SetImages(ctx context.Context, sets []platforms.ImageSet) ([]platforms.ImageResult, error) {
	if err := checkBatch(len(sets), c.cfg.BatchSize); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("shopify: images: %w", err)
	}
	results := make([]platforms.ImageResult, len(sets))
	refs := make([]*platforms.ProductRef, len(sets))
	for i, set := range sets {
		results[i].Ref = set.Ref
		refs[i] = &results[i].Ref
	}
	if err := c.resolveRefs(ctx, refs, func(r platforms.ProductRef) bool { return r.ProductID == "" }); err != nil {
		return nil, err
	}
	vars := make([]*productSetVars, len(sets))
	for i, set := range sets {
		if results[i].Ref.ProductID == "" {
			results[i].Err = fmt.Errorf("shopify: images of %s: %w", set.Ref.SKU, platforms.ErrNotFound)
			continue
		}
		files := make([]map[string]any, 0, len(set.Images))
		for _, im := range set.Images {
			if im.MediaID == "" && im.URL == "" {
				results[i].Err = fmt.Errorf("shopify: images of %s: image without URL or file id: %w", set.Ref.SKU, platforms.ErrInvalid)
				break
			}
			files = append(files, fileInput(im, set.Alt))
		}
		if results[i].Err != nil {
			continue
		}
		vars[i] = &productSetVars{Identifier: map[string]any{"id": results[i].Ref.ProductID},
			Input: map[string]any{"files": files}, Synchronous: true}
	}
	if c.cfg.BulkThreshold > 0 && len(sets) >= c.cfg.BulkThreshold {
		lines := make([]any, len(vars))
		for i, v := range vars {
			if v != nil {
				lines[i] = v
			}
		}
		err := c.bulkRun(ctx, OpProductSetFiles, lines, func(i int, data json.RawMessage, err error) {
			if err != nil {
				results[i].Err = fmt.Errorf("shopify: images of %s: %w", results[i].Ref.SKU, err)
				return
			}
			var d struct {
				ProductSet productSetFilesPayload `json:"productSet"`
			}
			if err := json.Unmarshal(data, &d); err != nil {
				results[i].Err = fmt.Errorf("shopify: images of %s: decode result: %w", results[i].Ref.SKU, err)
				return
			}
			results[i] = d.ProductSet.result(results[i].Ref, len(sets[i].Images))
		})
		if err != nil {
			return nil, err
		}
		c.uploadGoneFiles(ctx, sets, vars, results)
		return results, nil
	}
	applied := false
	for i, v := range vars {
		if v == nil {
			continue
		}
		var d struct {
			ProductSet productSetFilesPayload `json:"productSet"`
		}
		if err := c.Do(ctx, OpProductSetFiles, v, &d); err != nil {
			if !applied {
				return nil, err
			}
			for j := i; j < len(results); j++ {
				if vars[j] != nil && results[j].Err == nil {
					results[j].Err = err
				}
			}
			return results, nil
		}
		applied = true
		results[i] = d.ProductSet.result(results[i].Ref, len(sets[i].Images))
	}
	c.uploadGoneFiles(ctx, sets, vars, results)
	return results, nil
}

// uploadGoneFiles sends again, one productSet each, the sets refused because a file they
// referenced by id is gone from the shop (FILE_DOES_NOT_EXIST: the merchant deleted it, or it
// went with a deleted product), with those images uploaded from their URLs instead, as the
// WooCommerce adapter does with a deleted attachment. A set that fails again keeps its error.
func (c *Client) uploadGoneFiles(ctx context.Context, sets []platforms.ImageSet, vars []*productSetVars, results []platforms.ImageResult) {
	for i, r := range results {
		gone := goneFiles(r.Err)
		if vars[i] == nil || len(gone) == 0 {
			continue
		}
		files, _ := vars[i].Input["files"].([]map[string]any)
		again := make([]map[string]any, len(files))
		copy(again, files)
		replaced := false
		for _, k := range gone {
			if k < len(sets[i].Images) && k < len(again) && sets[i].Images[k].URL != "" {
				c.log.InfoContext(ctx, "shopify: file gone, uploading the image again", "sku", sets[i].Ref.SKU, "file", sets[i].Images[k].MediaID)
				again[k] = fileInput(platforms.Image{URL: sets[i].Images[k].URL}, sets[i].Alt)
				replaced = true
			}
		}
		if !replaced {
			continue
		}
		v := &productSetVars{Identifier: vars[i].Identifier, Input: map[string]any{"files": again}, Synchronous: true}
		var d struct {
			ProductSet productSetFilesPayload `json:"productSet"`
		}
		if err := c.Do(ctx, OpProductSetFiles, v, &d); err != nil {
			results[i].Err = fmt.Errorf("shopify: images of %s: %w", r.Ref.SKU, err)
			continue
		}
		results[i] = d.ProductSet.result(r.Ref, len(sets[i].Images))
	}
}

// goneFiles returns the indexes of the files input FILE_DOES_NOT_EXIST user errors in err name.
func goneFiles(err error) []int {
	var out []int
	var walk func(error)
	walk = func(e error) {
		switch t := e.(type) {
		case nil:
		case *UserError:
			if k, ok := fieldIndex(t.Field, "files"); ok && t.Code == "FILE_DOES_NOT_EXIST" {
				out = append(out, k)
			}
		case interface{ Unwrap() []error }:
			for _, x := range t.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(t.Unwrap())
		}
	}
	walk(err)
	return out
}

// FindImages implements platforms.Storefront: the products' media are read
// (ProductsMedia, 250 products a query) and an image is found when its file
// name carries the URL's ImageTag.
func (c *Client) FindImages(ctx context.Context, queries []platforms.ImageQuery) ([]platforms.ImageResult, error) {
	if err := checkBatch(len(queries), c.cfg.BatchSize); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("shopify: find images: %w", err)
	}
	results := make([]platforms.ImageResult, len(queries))
	refs := make([]*platforms.ProductRef, len(queries))
	for i, q := range queries {
		results[i].Ref = q.Ref
		refs[i] = &results[i].Ref
	}
	if err := c.resolveRefs(ctx, refs, func(r platforms.ProductRef) bool { return r.ProductID == "" }); err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range results {
		if r.Ref.ProductID != "" {
			ids = append(ids, r.Ref.ProductID)
		}
	}
	media := map[string][]mediaNode{}
	for start := 0; start < len(ids); start += MaxInputItems {
		var d struct {
			Nodes []*struct {
				ID    string `json:"id"`
				Media struct {
					Nodes []mediaNode `json:"nodes"`
				} `json:"media"`
			} `json:"nodes"`
		}
		if err := c.Do(ctx, OpProductsMedia, map[string]any{"ids": ids[start:min(start+MaxInputItems, len(ids))]}, &d); err != nil {
			return nil, err
		}
		for _, n := range d.Nodes {
			if n != nil && n.ID != "" {
				media[n.ID] = n.Media.Nodes
			}
		}
	}
	for i, q := range queries {
		have, ok := media[results[i].Ref.ProductID]
		if !ok {
			results[i].Err = fmt.Errorf("shopify: product %s: %w", q.Ref.SKU, platforms.ErrNotFound)
			continue
		}
		results[i].MediaIDs = make([]string, len(q.URLs))
		for j, u := range q.URLs {
			tag := platforms.ImageTag(u)
			for _, m := range have {
				if m.Image != nil && strings.Contains(imageName(m.Image.URL), tag) {
					results[i].MediaIDs[j] = m.ID
					break
				}
			}
		}
	}
	return results, nil
}

type mediaNode struct {
	ID    string `json:"id"`
	Image *struct {
		URL string `json:"url"`
	} `json:"image"`
}

// imageName is the file name in a CDN URL (Shopify may have added a suffix
// to keep it unique, which keeps the tag in it).
func imageName(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	name, err := url.PathUnescape(path.Base(u.Path))
	if err != nil {
		return path.Base(u.Path)
	}
	return name
}

// DeleteMedia implements platforms.Storefront with fileDelete, 250 files a
// call. Shopify deletes all or nothing; when a call is refused each of its
// files is deleted alone, and one the shop no longer has counts as deleted.
func (c *Client) DeleteMedia(ctx context.Context, ids []string) ([]platforms.MediaResult, error) {
	if err := checkBatch(len(ids), c.cfg.BatchSize); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("shopify: delete media: %w", err)
	}
	results := make([]platforms.MediaResult, len(ids))
	for i, id := range ids {
		results[i].MediaID = id
	}
	applied := false
	for start := 0; start < len(ids); start += MaxInputItems {
		part := ids[start:min(start+MaxInputItems, len(ids))]
		ues, err := c.fileDelete(ctx, part)
		if err != nil {
			if !applied {
				return nil, err
			}
			for j := start; j < len(ids); j++ {
				results[j].Err = err
			}
			return results, nil
		}
		applied = true
		if len(ues) == 0 {
			continue
		}
		for k, id := range part {
			one, err := c.fileDelete(ctx, []string{id})
			switch {
			case err != nil:
				results[start+k].Err = err
			case len(one) == 1 && one[0].Code == "FILE_DOES_NOT_EXIST":
			case len(one) > 0:
				results[start+k].Err = fmt.Errorf("shopify: delete file %s: %w", id, userErrorsErr(one))
			}
		}
	}
	return results, nil
}

func (c *Client) fileDelete(ctx context.Context, ids []string) ([]UserError, error) {
	var d struct {
		FileDelete struct {
			DeletedFileIDs []string    `json:"deletedFileIds"`
			UserErrors     []UserError `json:"userErrors"`
		} `json:"fileDelete"`
	}
	if err := c.Do(ctx, OpFileDelete, map[string]any{"fileIds": ids}, &d); err != nil {
		return nil, err
	}
	return d.FileDelete.UserErrors, nil
}

// UpdatePriceStock implements platforms.Storefront. Shopify keeps the price
// on the variant and the quantity on the inventory level, so each item is two
// writes (UpdatePrices, then UpdateStock for the items whose price went
// through) but one item: it fails if either does.
func (c *Client) UpdatePriceStock(ctx context.Context, updates []platforms.PriceStockUpdate) ([]platforms.ItemResult, error) {
	prices := make([]platforms.PriceUpdate, len(updates))
	for i, u := range updates {
		prices[i] = platforms.PriceUpdate{Ref: u.Ref, Price: u.Price, Currency: u.Currency}
	}
	results, err := c.UpdatePrices(ctx, prices)
	if err != nil {
		return nil, err
	}
	var stock []platforms.StockUpdate
	var idx []int
	for i, u := range updates {
		if results[i].Err == nil {
			stock = append(stock, platforms.StockUpdate{Ref: results[i].Ref, ManageStock: u.ManageStock, Stock: u.Stock, Status: u.Status})
			idx = append(idx, i)
		}
	}
	if len(stock) == 0 {
		return results, nil
	}
	sres, err := c.UpdateStock(ctx, stock)
	if err != nil {
		// The prices went through: the stock half fails per item.
		for _, i := range idx {
			results[i].Err = err
		}
		return results, nil
	}
	for k, i := range idx {
		if sres[k].Err != nil {
			results[i].Err = sres[k].Err
		} else {
			results[i].Ref = sres[k].Ref
		}
	}
	return results, nil
}
