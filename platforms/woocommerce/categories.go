package woocommerce

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
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

// EnsureCategories implements platforms.Storefront. Nodes are created parent first; a node whose
// name and parent already exist in the store is reused (the store is listed once per client, and
// WooCommerce's term_exists answer is honoured), so a new client never duplicates a category.
func (c *Client) EnsureCategories(ctx context.Context, paths []platforms.CategoryPath) (map[string]string, error) {
	c.catMu.Lock()
	defer c.catMu.Unlock()
	out := map[string]string{}
	for _, path := range paths {
		parent := 0
		for _, node := range path {
			if node.ID == "" || strings.TrimSpace(node.Name) == "" {
				return nil, fmt.Errorf("woocommerce: EnsureCategories: node %q without id or name: %w", node.ID, platforms.ErrInvalid)
			}
			id, ok := c.categories[node.ID]
			if !ok {
				var err error
				if id, err = c.ensureTerm(ctx, parent, node.Name); err != nil {
					return nil, fmt.Errorf("woocommerce: EnsureCategories %s: %w", node.ID, err)
				}
				c.categories[node.ID] = id
			}
			out[node.ID] = strconv.Itoa(id)
			parent = id
		}
	}
	return out, nil
}

// ensureTerm returns the term (parent, name), creating it when missing. c.catMu is held.
func (c *Client) ensureTerm(ctx context.Context, parent int, name string) (int, error) {
	if c.terms == nil {
		list, err := getPages[wireCategory](ctx, c, "/products/categories", nil)
		if err != nil {
			return 0, err
		}
		c.terms = make(map[termKey]int, len(list))
		for _, t := range list {
			c.terms[newTermKey(t.Parent, t.Name)] = t.ID
		}
	}
	key := newTermKey(parent, name)
	if id, ok := c.terms[key]; ok {
		return id, nil
	}
	body, err := json.Marshal(struct {
		Name   string `json:"name"`
		Parent int    `json:"parent,omitempty"`
	}{name, parent})
	if err != nil {
		return 0, err
	}
	// Retrying is safe: a create that went through answers term_exists with its id next time.
	resp, err := c.do(ctx, call{method: http.MethodPost, path: "/products/categories", idempotent: true,
		body: func() ([]byte, error) { return body, nil }})
	var apiErr *APIError
	switch {
	case errors.As(err, &apiErr) && apiErr.Code == "term_exists" && apiErr.ResourceID != 0:
		c.terms[key] = apiErr.ResourceID
		return apiErr.ResourceID, nil
	case err != nil:
		return 0, err
	}
	var created wireCategory
	if err := json.Unmarshal(resp.body, &created); err != nil || created.ID == 0 {
		return 0, fmt.Errorf("woocommerce: POST /products/categories: bad answer: %v", err)
	}
	c.terms[key] = created.ID
	return created.ID, nil
}

// EnsureBrands implements platforms.Storefront. Brands travel as a local product attribute (see
// the package doc), so there is nothing to create: it returns an empty map.
func (c *Client) EnsureBrands(ctx context.Context, brands []platforms.Brand) (map[string]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("woocommerce: EnsureBrands: %w", err)
	}
	return map[string]string{}, nil
}
