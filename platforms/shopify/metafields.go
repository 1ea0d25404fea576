package shopify

import (
	"context"
	"fmt"

	"github.com/intcomex-connector/connector/platforms"
)

type definitionNode struct {
	ID           string                `json:"id"`
	Type         struct{ Name string } `json:"type"`
	Capabilities struct {
		UniqueValues struct {
			Enabled bool `json:"enabled"`
		} `json:"uniqueValues"`
	} `json:"capabilities"`
}

// skuDefinition reads intcomex.sku's definition; found is false when the
// shop has none.
func (c *Client) skuDefinition(ctx context.Context) (def definitionNode, found bool, err error) {
	var d struct {
		MetafieldDefinitions struct {
			Nodes []definitionNode `json:"nodes"`
		} `json:"metafieldDefinitions"`
	}
	vars := map[string]any{"ownerType": "PRODUCT", "namespace": MetafieldNamespace, "key": MetafieldSKU}
	if err := c.Do(ctx, OpMetafieldDefinitions, vars, &d); err != nil {
		return definitionNode{}, false, err
	}
	if len(d.MetafieldDefinitions.Nodes) == 0 {
		return definitionNode{}, false, nil
	}
	return d.MetafieldDefinitions.Nodes[0], true, nil
}

// EnsureSKUDefinition makes sure the shop has the product metafield
// definition intcomex.sku (single_line_text_field) with unique values,
// which productSet's identifier.customId needs to find a product by SKU.
// It creates it when missing and is a no-op afterwards. A definition that
// exists without unique values (made by hand) wraps ErrInvalid: turning the
// capability on fails while duplicates exist, which a person must resolve.
func (c *Client) EnsureSKUDefinition(ctx context.Context) error {
	def, found, err := c.skuDefinition(ctx)
	if err != nil {
		return err
	}
	if !found {
		var d struct {
			MetafieldDefinitionCreate struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"metafieldDefinitionCreate"`
		}
		vars := map[string]any{"definition": map[string]any{
			"name": "Intcomex SKU", "namespace": MetafieldNamespace, "key": MetafieldSKU, "ownerType": "PRODUCT",
			"type": "single_line_text_field", "description": "The Intcomex SKU the connector identifies the product by.",
			"capabilities": map[string]any{"uniqueValues": map[string]any{"enabled": true}},
		}}
		if err := c.Do(ctx, OpMetafieldDefinitionCreate, vars, &d); err != nil {
			return err
		}
		ues := d.MetafieldDefinitionCreate.UserErrors
		if len(ues) == 0 {
			return nil
		}
		// TAKEN: another worker created it meanwhile; check what it made.
		if ues[0].Code != "TAKEN" {
			return fmt.Errorf("shopify: EnsureSKUDefinition: %w", userErrorsErr(ues))
		}
		if def, found, err = c.skuDefinition(ctx); err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("shopify: EnsureSKUDefinition: %w", userErrorsErr(ues))
		}
	}
	if !def.Capabilities.UniqueValues.Enabled || def.Type.Name != "single_line_text_field" {
		return fmt.Errorf("shopify: EnsureSKUDefinition: %s.%s exists as %s without unique values: %w",
			MetafieldNamespace, MetafieldSKU, def.Type.Name, platforms.ErrInvalid)
	}
	return nil
}
