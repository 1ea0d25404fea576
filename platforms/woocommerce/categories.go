package woocommerce

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/platforms"
)

// termKey finds a product_cat term by parent and name, as WordPress keeps them unique.
type termKey struct {
	parent int
	name   string // html-unescaped, lower case
}

func newTermKey(parent int, name string) termKey {
	return termKey{parent: parent, name: strings.ToLower(strings.TrimSpace(html.UnescapeString(name)))}
}

type wireCategory struct {
	ID     int    `json:"id"`
	Name   string `json:"name"`
	Parent int    `json:"parent"`
}

// EnsureCategories implements platforms.Storefront. The paths are walked level by level: the
// nodes of a level that the store lacks are created together through POST
// /products/categories/batch (BatchSize a request), under parents the level above resolved. A
// node whose name and parent already exist in the store is reused (the store is listed once per
// client, and the batch's term_exists answers are honoured), so a new client never duplicates a
// category.
func (c *Client) EnsureCategories(ctx context.Context, paths []platforms.CategoryPath) (map[string]string, error) {
	c.catMu.Lock()
	defer c.catMu.Unlock()
	depth := 0
	for _, path := range paths {
		depth = max(depth, len(path))
		for _, node := range path {
			if node.ID == "" || strings.TrimSpace(node.Name) == "" {
				return nil, fmt.Errorf("woocommerce: EnsureCategories: node %q without id or name: %w", node.ID, platforms.ErrInvalid)
			}
		}
	}
	for level := range depth {
		var missing []termKey
		names := map[termKey]string{}
		nodes := map[termKey][]string{} // IWS ids waiting for the term
		for _, path := range paths {
			if level >= len(path) {
				continue
			}
			node := path[level]
			if _, ok := c.categories[node.ID]; ok {
				continue
			}
			if err := c.listTerms(ctx); err != nil {
				return nil, fmt.Errorf("woocommerce: EnsureCategories: %w", err)
			}
			parent := 0
			if level > 0 {
				parent = c.categories[path[level-1].ID]
			}
			key := newTermKey(parent, node.Name)
			if id, ok := c.terms[key]; ok {
				c.categories[node.ID] = id
				continue
			}
			if _, ok := names[key]; !ok {
				missing = append(missing, key)
				names[key] = strings.TrimSpace(node.Name)
			}
			nodes[key] = append(nodes[key], node.ID)
		}
		for chunk := range slices.Chunk(missing, c.cfg.BatchSize) {
			if err := c.createTerms(ctx, chunk, names); err != nil {
				return nil, fmt.Errorf("woocommerce: EnsureCategories: %w", err)
			}
			for _, key := range chunk {
				for _, id := range nodes[key] {
					c.categories[id] = c.terms[key]
				}
			}
		}
	}
	out := map[string]string{}
	for _, path := range paths {
		for _, node := range path {
			out[node.ID] = strconv.Itoa(c.categories[node.ID])
		}
	}
	return out, nil
}

// listTerms reads every product category once per client. c.catMu is held.
func (c *Client) listTerms(ctx context.Context) error {
	if c.terms != nil {
		return nil
	}
	list, err := getPages[wireCategory](ctx, c, "/products/categories", nil)
	if err != nil {
		return err
	}
	c.terms = make(map[termKey]int, len(list))
	for _, t := range list {
		c.terms[newTermKey(t.Parent, t.Name)] = t.ID
	}
	return nil
}

// createTerms creates the terms keys (one level: their parents exist) in one batch request and
// records their ids in c.terms. c.catMu is held.
func (c *Client) createTerms(ctx context.Context, keys []termKey, names map[termKey]string) error {
	type termBody struct {
		Name   string `json:"name"`
		Parent int    `json:"parent,omitempty"`
	}
	var req struct {
		Create []termBody `json:"create"`
	}
	for _, k := range keys {
		req.Create = append(req.Create, termBody{Name: names[k], Parent: k.parent})
	}
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	// Retrying is safe: a create that went through answers term_exists with its id next time.
	resp, err := c.do(ctx, call{method: http.MethodPost, path: "/products/categories/batch", idempotent: true,
		body: func() ([]byte, error) { return body, nil }})
	if err != nil {
		return err
	}
	var ans struct {
		Create []struct {
			ID    int        `json:"id"`
			Error *wireError `json:"error"`
		} `json:"create"`
	}
	if err := json.Unmarshal(resp.body, &ans); err != nil {
		return fmt.Errorf("POST /products/categories/batch: decode: %w", err)
	}
	if len(ans.Create) != len(keys) {
		return fmt.Errorf("POST /products/categories/batch: %d answers for %d categories", len(ans.Create), len(keys))
	}
	for i, it := range ans.Create {
		switch {
		case it.Error != nil && it.Error.Code == "term_exists" && it.Error.Data.ResourceID != 0:
			c.terms[keys[i]] = it.Error.Data.ResourceID
		case it.Error != nil:
			return fmt.Errorf("category %q: %w", names[keys[i]], it.Error.apiError(http.StatusBadRequest))
		case it.ID == 0:
			return fmt.Errorf("category %q: no id in the answer", names[keys[i]])
		default:
			c.terms[keys[i]] = it.ID
		}
	}
	return nil
}

// EnsureBrands implements platforms.Storefront. Brands travel as a local product attribute (see
// the package doc), so there is nothing to create: it returns an empty map.
func (c *Client) EnsureBrands(ctx context.Context, brands []platforms.Brand) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("woocommerce: EnsureBrands: %w", err)
	}
	return map[string]string{}, nil
}
