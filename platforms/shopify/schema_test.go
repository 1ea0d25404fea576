package shopify_test

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

// loadSchema is the schema the fake embeds, parsed once per test binary.
func loadSchema(t *testing.T) *ast.Schema {
	t.Helper()
	s, err := shopifytest.Schema()
	if err != nil {
		t.Fatalf("load schema: %v", err)
	}
	return s
}

func validate(s *ast.Schema, name, text string) error {
	doc, err := parser.ParseQuery(&ast.Source{Name: name, Input: text})
	if err != nil {
		return err
	}
	if errs := validator.ValidateWithRules(s, doc, rules.NewDefaultRules()); len(errs) > 0 {
		return errs
	}
	return nil
}

func TestDocumentsValidateAgainstSchema(t *testing.T) {
	s := loadSchema(t)
	names := shopify.OperationNames()
	if len(names) < 20 {
		t.Fatalf("only %d embedded documents", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			text := shopify.Document(name)
			if err := validate(s, name, text); err != nil {
				t.Fatalf("%s does not validate against %s:\n%v", name, shopify.APIVersion, err)
			}
			doc, _ := parser.ParseQuery(&ast.Source{Input: text})
			if len(doc.Operations) != 1 || doc.Operations[0].Name != name {
				t.Fatalf("want exactly one operation named %s", name)
			}
		})
	}
}

// Schema validation cannot see that inventorySetQuantities requires
// @idempotent(key:) from 2026-04 on, nor changeFromQuantity being sent.
func TestInventorySetQuantitiesCarriesIdempotent(t *testing.T) {
	found := 0
	for name, text := range shopify.Documents() {
		if !strings.Contains(text, "inventorySetQuantities") {
			continue
		}
		found++
		if !strings.Contains(text, "@idempotent(key:") {
			t.Errorf("%s uses inventorySetQuantities without @idempotent(key:)", name)
		}
	}
	if found == 0 {
		t.Fatal("no document uses inventorySetQuantities")
	}
}

func TestBrokenDocumentsFailValidation(t *testing.T) {
	s := loadSchema(t)
	broken := map[string]string{
		"unknown field":       `query Shop { shop { currencyCode plan { nope } } }`,
		"removed field":       `query O($id: ID!) { order(id: $id) { financialStatus } }`,
		"wrong argument type": `mutation P($id: String!, $status: ProductStatus!) { productUpdate(product: {id: $id, status: $status}) { product { id } } }`,
		"removed input field": `mutation I { inventorySetQuantities(input: {name: "available", reason: "correction", ignoreCompareQuantity: true, quantities: []}) @idempotent(key: "k") { userErrors { message } } }`,
		"bad enum":            `mutation W { webhookSubscriptionCreate(topic: ORDERS_PAYED, webhookSubscription: {uri: "https://x"}) { userErrors { message } } }`,
		"syntax":              `query { shop { id `,
		"undeclared":          `query V { productVariants(first: 10, query: $q) { nodes { id } } }`,
	}
	for name, text := range broken {
		t.Run(name, func(t *testing.T) {
			if err := validate(s, name, text); err == nil {
				t.Fatalf("broken document validated:\n%s", text)
			}
		})
	}
}

// Deprecated fields still validate; the documents should not use them.
func TestDocumentsUseNoDeprecatedFields(t *testing.T) {
	s := loadSchema(t)
	for _, name := range shopify.OperationNames() {
		doc, errs := gqlparser.LoadQueryWithRules(s, shopify.Document(name), rules.NewDefaultRules())
		if errs != nil {
			t.Fatalf("%s: %v", name, errs)
		}
		var walk func(ast.SelectionSet)
		walk = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch f := sel.(type) {
				case *ast.Field:
					if f.Definition != nil && f.Definition.Directives.ForName("deprecated") != nil {
						t.Errorf("%s selects deprecated field %s.%s", name, f.ObjectDefinition.Name, f.Name)
					}
					walk(f.SelectionSet)
				case *ast.InlineFragment:
					walk(f.SelectionSet)
				}
			}
		}
		for _, op := range doc.Operations {
			walk(op.SelectionSet)
		}
	}
}
