// Package shopify holds the Shopify Admin GraphQL documents the adapter sends,
// embedded from graphql/*.graphql and validated against the 2026-07 schema by
// schema_test.go. The adapter sends them with variables only; nothing is
// built by string concatenation.
package shopify

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
)

// APIVersion is the Admin API version the documents are written and
// validated against.
const APIVersion = "2026-07"

// Operation names of the embedded documents.
const (
	OpShop                      = "Shop"
	OpLocations                 = "Locations"
	OpVariantsBySKU             = "VariantsBySKU"
	OpProductsList              = "ProductsList"
	OpProductByIdentifier       = "ProductByIdentifier"
	OpProductSet                = "ProductSet"
	OpProductSetFiles           = "ProductSetFiles"
	OpProductsMedia             = "ProductsMedia"
	OpFileDelete                = "FileDelete"
	OpProductVariantsBulkUpdate = "ProductVariantsBulkUpdate"
	OpInventorySetQuantities    = "InventorySetQuantities"
	OpProductUpdateStatus       = "ProductUpdateStatus"
	OpStagedUploadsCreate       = "StagedUploadsCreate"
	OpBulkOperationRunMutation  = "BulkOperationRunMutation"
	OpBulkOperation             = "BulkOperation"
	OpOrder                     = "Order"
	OpOrders                    = "Orders"
	OpOrderUpdate               = "OrderUpdate"
	OpTagsAdd                   = "TagsAdd"
	OpFulfillmentOrders         = "FulfillmentOrders"
	OpFulfillmentCreate         = "FulfillmentCreate"
	OpOrderClose                = "OrderClose"
	OpOrderCancel               = "OrderCancel"
	OpWebhookSubscriptionCreate = "WebhookSubscriptionCreate"
	OpWebhookSubscriptions      = "WebhookSubscriptions"
)

// MaxInputItems is Shopify's limit on the items of one input list
// (inventorySetQuantities quantities, productVariantsBulkUpdate variants).
const MaxInputItems = 250

// Fragments live in graphql/fragments, one per file; a document gets
// every fragment it spreads (transitively) appended when it is loaded, so
// queries returning the same object share one selection and one decoder.
//
//go:embed graphql/*.graphql graphql/fragments/*.graphql
var documentFS embed.FS

var (
	opNameRE   = regexp.MustCompile(`(?m)^\s*(?:query|mutation)\s+([_A-Za-z][_0-9A-Za-z]*)`)
	fragNameRE = regexp.MustCompile(`(?m)^\s*fragment\s+([_A-Za-z][_0-9A-Za-z]*)\s+on\s`)
	spreadRE   = regexp.MustCompile(`\.\.\.\s*([_A-Za-z][_0-9A-Za-z]*)`)
	documents  = mustLoadDocuments()
)

func mustLoadDocuments() map[string]string {
	files, err := fs.Glob(documentFS, "graphql/*.graphql")
	if err != nil {
		panic(fmt.Sprintf("shopify: documents: %v", err))
	}
	frags, err := loadFragments()
	if err != nil {
		panic(fmt.Sprintf("shopify: documents: %v", err))
	}
	docs := make(map[string]string, len(files))
	for _, f := range files {
		b, err := documentFS.ReadFile(f)
		if err != nil {
			panic(fmt.Sprintf("shopify: documents: %v", err))
		}
		m := opNameRE.FindStringSubmatch(string(b))
		if m == nil {
			panic(fmt.Sprintf("shopify: documents: %s has no named operation", path.Base(f)))
		}
		if _, dup := docs[m[1]]; dup {
			panic(fmt.Sprintf("shopify: documents: operation %s defined twice", m[1]))
		}
		text, err := withFragments(strings.TrimSpace(string(b))+"\n", frags)
		if err != nil {
			panic(fmt.Sprintf("shopify: documents: %s: %v", path.Base(f), err))
		}
		docs[m[1]] = text
	}
	return docs
}

// loadFragments reads graphql/fragments/*.graphql, one named fragment each.
func loadFragments() (map[string]string, error) {
	files, err := fs.Glob(documentFS, "graphql/fragments/*.graphql")
	if err != nil {
		return nil, err
	}
	frags := make(map[string]string, len(files))
	for _, f := range files {
		b, err := documentFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		m := fragNameRE.FindAllStringSubmatch(string(b), -1)
		if len(m) != 1 {
			return nil, fmt.Errorf("%s must define exactly one fragment", path.Base(f))
		}
		if _, dup := frags[m[0][1]]; dup {
			return nil, fmt.Errorf("fragment %s defined twice", m[0][1])
		}
		frags[m[0][1]] = strings.TrimSpace(string(b)) + "\n"
	}
	return frags, nil
}

// withFragments appends to doc every fragment it spreads, directly or
// through another fragment, each once and in a stable order.
func withFragments(doc string, frags map[string]string) (string, error) {
	added := map[string]bool{}
	var b strings.Builder
	b.WriteString(doc)
	pending := []string{doc}
	for len(pending) > 0 {
		text := pending[0]
		pending = pending[1:]
		for _, m := range spreadRE.FindAllStringSubmatch(text, -1) {
			name := m[1]
			if name == "on" || added[name] { // "... on Type" is an inline fragment
				continue
			}
			f, ok := frags[name]
			if !ok {
				return "", fmt.Errorf("unknown fragment %s", name)
			}
			added[name] = true
			b.WriteString("\n" + f)
			pending = append(pending, f)
		}
	}
	return b.String(), nil
}

// Document returns the text of the embedded document whose operation is
// named op (one of the Op* constants). It panics on an unknown name: the set
// is fixed at build time and covered by tests.
func Document(op string) string {
	d, ok := documents[op]
	if !ok {
		panic("shopify: no embedded document for operation " + op)
	}
	return d
}

// Documents returns every embedded document by operation name.
func Documents() map[string]string {
	out := make(map[string]string, len(documents))
	for k, v := range documents {
		out[k] = v
	}
	return out
}

// OperationNames returns the operation names of the embedded documents, sorted.
func OperationNames() []string {
	names := make([]string, 0, len(documents))
	for k := range documents {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}
