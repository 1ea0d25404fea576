package shopifytest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
	"github.com/vektah/gqlparser/v2/ast"
)

// resolveRoot dispatches one root field; callers hold mu.
func (s *Server) resolveRoot(op *ast.OperationDefinition, f *ast.Field, args, vars map[string]any, hooks []delivery) (any, *gqlError, []delivery) {
	if op.Operation == ast.Query {
		switch f.Name {
		case "shop":
			return obj{"__typename": "Shop", "id": "gid://shopify/Shop/1", "name": strings.TrimSuffix(s.cfg.Shop, ".myshopify.com"),
				"currencyCode": s.cfg.Currency, "myshopifyDomain": s.cfg.Shop,
				"plan": obj{"publicDisplayName": s.cfg.PlanName, "displayName": s.cfg.PlanName, "partnerDevelopment": false, "shopifyPlus": s.cfg.PlanName == "Shopify Plus"},
			}, nil, hooks
		case "currentAppInstallation":
			// The scopes granted to the token that sent the request, as Shopify lists them.
			scopes := []any{}
			for _, h := range strings.Split(s.reqScope, ",") {
				if h = strings.TrimSpace(h); h != "" {
					scopes = append(scopes, obj{"__typename": "AccessScope", "handle": h, "description": h})
				}
			}
			return obj{"__typename": "AppInstallation", "id": "gid://shopify/AppInstallation/1", "accessScopes": scopes}, nil, hooks
		case "locations":
			c := conn{}
			for _, l := range s.st.locations {
				if l.Active || args["includeInactive"] == true {
					c = append(c, s.locationObj(l))
				}
			}
			return paginateArgs(c, args), nil, hooks
		case "productVariants":
			skus := skuQuery(str(args["query"]))
			type pv struct {
				p *Product
				v Variant
			}
			var list []pv
			for _, p := range s.st.products {
				for _, v := range p.Variants {
					if len(skus) == 0 || slices.Contains(skus, v.SKU) {
						list = append(list, pv{p, v})
					}
				}
			}
			switch str(args["sortKey"]) {
			case "ID":
				slices.SortStableFunc(list, func(a, b pv) int { return gidNumber(a.v.ID) - gidNumber(b.v.ID) })
			case "SKU":
				slices.SortStableFunc(list, func(a, b pv) int { return strings.Compare(a.v.SKU, b.v.SKU) })
			}
			if args["reverse"] == true {
				slices.Reverse(list)
			}
			c := conn{}
			for _, x := range list {
				c = append(c, s.variantObj(x.p, x.v))
			}
			return paginateArgs(c, args), nil, hooks
		case "nodes":
			var out []obj
			for _, id := range strs(args["ids"]) {
				switch {
				case s.product(id) != nil:
					out = append(out, s.productObj(s.product(id)))
				case s.st.files[id] != nil:
					out = append(out, s.fileObj(s.st.files[id]))
				default:
					out = append(out, nil)
				}
			}
			return out, nil, hooks
		case "product":
			if p := s.product(str(args["id"])); p != nil {
				return s.productObj(p), nil, hooks
			}
			return nil, nil, hooks
		case "productByIdentifier":
			if p := s.findProduct(args["identifier"]); p != nil {
				return s.productObj(p), nil, hooks
			}
			return nil, nil, hooks
		case "bulkOperation":
			if b := s.bulkByID(str(args["id"])); b != nil {
				return s.bulkObj(b), nil, hooks
			}
			return nil, nil, hooks
		case "currentBulkOperation":
			typ := str(args["type"])
			if typ == "" {
				typ = "QUERY"
			}
			for i := len(s.st.bulk) - 1; i >= 0; i-- {
				if s.st.bulk[i].typ == typ {
					return s.bulkObj(s.st.bulk[i]), nil, hooks
				}
			}
			return nil, nil, hooks
		case "order":
			if o := s.order(str(args["id"])); o != nil {
				return s.orderObj(o), nil, hooks
			}
			return nil, nil, hooks
		case "orders":
			return paginateArgs(s.ordersConn(str(args["query"]), str(args["sortKey"]), args["reverse"] == true), args), nil, hooks
		case "metafieldDefinitions":
			return s.metafieldDefinitions(args), nil, hooks
		case "webhookSubscriptions":
			c := conn{}
			for _, w := range s.st.webhooks {
				c = append(c, w.obj())
			}
			return paginateArgs(c, args), nil, hooks
		}
		return nil, notImplemented(f.Name), hooks
	}
	switch f.Name {
	case "productSet":
		return s.productSet(args), nil, hooks
	case "fileDelete":
		return s.fileDelete(args), nil, hooks
	case "productVariantsBulkUpdate":
		return s.variantsBulkUpdate(args), nil, hooks
	case "inventorySetQuantities":
		res, err := s.inventorySetQuantities(f, args, vars)
		return res, err, hooks
	case "productUpdate":
		return s.productUpdate(args), nil, hooks
	case "stagedUploadsCreate":
		return s.stagedUploadsCreate(args), nil, hooks
	case "bulkOperationRunMutation":
		return s.bulkRun(args), nil, hooks
	case "orderCreate":
		res, h := s.orderCreate(args)
		return res, nil, append(hooks, h...)
	case "orderUpdate":
		res, h := s.orderUpdate(args)
		return res, nil, append(hooks, h...)
	case "tagsAdd":
		res, h := s.tagsAdd(args)
		return res, nil, append(hooks, h...)
	case "fulfillmentCreate":
		res, h := s.fulfillmentCreate(args)
		return res, nil, append(hooks, h...)
	case "orderClose":
		res, h := s.orderClose(args)
		return res, nil, append(hooks, h...)
	case "orderCancel":
		res, h := s.orderCancel(args)
		return res, nil, append(hooks, h...)
	case "webhookSubscriptionCreate":
		return s.webhookSubscriptionCreate(args), nil, hooks
	case "webhookSubscriptionUpdate":
		return s.webhookSubscriptionUpdate(args), nil, hooks
	case "fulfillmentOrderHold":
		res, h := s.fulfillmentOrderHold(args)
		return res, nil, append(hooks, h...)
	case "fulfillmentOrderReleaseHold":
		res, h := s.fulfillmentOrderReleaseHold(args)
		return res, nil, append(hooks, h...)
	case "metafieldsSet":
		res, h := s.metafieldsSet(args)
		return res, nil, append(hooks, h...)
	case "metafieldDefinitionCreate":
		return s.metafieldDefinitionCreate(args), nil, hooks
	}
	return nil, notImplemented(f.Name), hooks
}

// paginateArgs returns a connection value; projection paginates it with
// the field's own arguments.
func paginateArgs(c conn, _ map[string]any) any { return c }

// findProduct resolves ProductSetIdentifiers / ProductIdentifierInput.
func (s *Server) findProduct(ident any) *Product {
	id, _ := ident.(map[string]any)
	if id == nil {
		return nil
	}
	if v := str(id["id"]); v != "" {
		return s.product(v)
	}
	if v := str(id["handle"]); v != "" {
		for _, p := range s.st.products {
			if p.Handle == v {
				return p
			}
		}
		return nil
	}
	if c, ok := id["customId"].(map[string]any); ok {
		ns := str(c["namespace"])
		if ns == "" {
			ns = "app"
		}
		p := s.st.byMetafield[metafieldKey(ns, str(c["key"]), str(c["value"]))]
		if p != nil { // the entry may be stale: p's metafields changed since
			for _, m := range p.Metafields {
				if m.Namespace == ns && m.Key == str(c["key"]) && m.Value == str(c["value"]) {
					return p
				}
			}
		}
	}
	return nil
}

func metafieldKey(namespace, key, value string) string {
	return namespace + "\x00" + key + "\x00" + value
}

// indexMetafields records p under each of its metafields (see state.byMetafield).
func (s *Server) indexMetafields(p *Product) {
	if s.st.byMetafield == nil {
		s.st.byMetafield = make(map[string]*Product)
	}
	for _, m := range p.Metafields {
		s.st.byMetafield[metafieldKey(m.Namespace, m.Key, m.Value)] = p
	}
}

func handleize(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func parseMoney(v any) (decimal.Decimal, bool) {
	d, err := decimal.NewFromString(str(v))
	return d, err == nil
}

// productSet upserts; list fields present in the input replace the stored
// lists, scalar fields merge.
func (s *Server) productSet(args map[string]any) obj {
	in, _ := args["input"].(map[string]any)
	var ues []obj
	p := s.findProduct(args["identifier"])
	ident, _ := args["identifier"].(map[string]any)
	if p == nil && ident != nil && (str(ident["id"]) != "") {
		ues = append(ues, userErr([]string{"identifier", "id"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST"))
	}
	create := p == nil
	if create && str(in["title"]) == "" {
		ues = append(ues, userErr([]string{"input", "title"}, "Title can't be blank", "INVALID_PRODUCT"))
	}
	variants := objs(in["variants"])
	if len(variants) > 2048 {
		ues = append(ues, userErr([]string{"input", "variants"}, "Too many variants (the limit is 2048)", "VARIANTS_OVER_LIMIT"))
	}
	for i, v := range variants {
		if _, ok := v["optionValues"]; !ok {
			ues = append(ues, userErr([]string{"input", "variants", fmt.Sprint(i), "optionValues"}, "Option values are required", "INVALID_VARIANT"))
		}
		if pr, ok := v["price"]; ok && pr != nil {
			if d, ok := parseMoney(pr); !ok || d.IsNegative() {
				ues = append(ues, userErr([]string{"input", "variants", fmt.Sprint(i), "price"}, "Price must be a non-negative amount", "INVALID_VARIANT"))
			}
		}
		for j, q := range objs(v["inventoryQuantities"]) {
			if s.location(str(q["locationId"])) == nil {
				ues = append(ues, userErr([]string{"input", "variants", fmt.Sprint(i), "inventoryQuantities", fmt.Sprint(j), "locationId"}, "Location does not exist", "INVALID_LOCATION"))
			}
		}
	}
	var media []string
	if v, ok := in["files"]; ok {
		var fileErrs []obj
		media, fileErrs = s.setFiles(objs(v))
		ues = append(ues, fileErrs...)
	}
	if len(ues) > 0 {
		return obj{"product": nil, "productSetOperation": nil, "userErrors": ues}
	}
	if create {
		p = &Product{ID: s.gid("Product"), Status: "ACTIVE"}
		s.st.products = append(s.st.products, p)
	}
	if v, ok := in["title"]; ok {
		p.Title = str(v)
	}
	if v, ok := in["handle"]; ok {
		p.Handle = str(v)
	}
	if p.Handle == "" {
		p.Handle = handleize(p.Title)
	}
	if v, ok := in["descriptionHtml"]; ok {
		p.DescriptionHTML = str(v)
	}
	if v, ok := in["vendor"]; ok {
		p.Vendor = str(v)
	}
	if v, ok := in["productType"]; ok {
		p.ProductType = str(v)
	}
	if v, ok := in["status"]; ok && v != nil {
		p.Status = str(v)
	}
	if v, ok := in["tags"]; ok {
		p.Tags = strs(v)
	}
	if _, ok := in["files"]; ok {
		p.Media = media
	}
	if v, ok := in["metafields"]; ok {
		p.Metafields = nil
		for _, m := range objs(v) {
			p.Metafields = append(p.Metafields, Metafield{Namespace: str(m["namespace"]), Key: str(m["key"]), Type: str(m["type"]), Value: str(m["value"])})
		}
	}
	if c, ok := ident["customId"].(map[string]any); ok && create {
		ns := str(c["namespace"])
		if ns == "" {
			ns = "app"
		}
		if metafieldOne(p.Metafields, map[string]any{"namespace": ns, "key": str(c["key"])}) == nil {
			p.Metafields = append(p.Metafields, Metafield{Namespace: ns, Key: str(c["key"]), Type: "single_line_text_field", Value: str(c["value"])})
		}
	}
	s.indexMetafields(p)
	if _, ok := in["variants"]; ok {
		old := p.Variants
		p.Variants = nil
		for _, v := range variants {
			nv := Variant{SKU: str(v["sku"]), Barcode: str(v["barcode"])}
			it, hasItem := v["inventoryItem"].(map[string]any)
			if hasItem && nv.SKU == "" {
				nv.SKU = str(it["sku"])
			}
			for _, o := range old {
				if (str(v["id"]) != "" && o.ID == str(v["id"])) || (str(v["id"]) == "" && nv.SKU != "" && o.SKU == nv.SKU) {
					nv.ID, nv.InventoryItemID, nv.Price, nv.CompareAtPrice, nv.Untracked = o.ID, o.InventoryItemID, o.Price, o.CompareAtPrice, o.Untracked
				}
			}
			if tracked, ok := it["tracked"].(bool); hasItem && ok {
				nv.Untracked = !tracked
			}
			if nv.ID == "" {
				nv.ID, nv.InventoryItemID = s.gid("ProductVariant"), s.gid("InventoryItem")
			}
			if d, ok := parseMoney(v["price"]); ok {
				nv.Price = d
			}
			if cv, ok := v["compareAtPrice"]; ok {
				nv.CompareAtPrice = nil
				if d, ok := parseMoney(cv); ok {
					nv.CompareAtPrice = &d
				}
			}
			for _, q := range objs(v["inventoryQuantities"]) {
				s.setLevel(nv.InventoryItemID, str(q["locationId"]), toInt(q["quantity"]))
			}
			p.Variants = append(p.Variants, nv)
		}
		for _, o := range old {
			if !slices.ContainsFunc(p.Variants, func(v Variant) bool { return v.ID == o.ID }) {
				delete(s.st.inventory, o.InventoryItemID)
			}
		}
	}
	p.UpdatedAt = s.now()
	if sync, ok := args["synchronous"].(bool); ok && !sync {
		return obj{"product": nil, "productSetOperation": obj{"__typename": "ProductSetOperation", "id": s.gid("ProductSetOperation"), "status": "COMPLETE", "product": s.productObj(p), "userErrors": []obj{}}, "userErrors": []obj{}}
	}
	return obj{"product": s.productObj(p), "productSetOperation": nil, "userErrors": []obj{}}
}

func (s *Server) setLevel(item, loc string, q int) {
	if s.st.inventory[item] == nil {
		s.st.inventory[item] = map[string]int{}
	}
	s.st.inventory[item][loc] = q
}

func (s *Server) variantsBulkUpdate(args map[string]any) obj {
	p := s.product(str(args["productId"]))
	if p == nil {
		return obj{"product": nil, "productVariants": nil, "userErrors": []obj{userErr([]string{"productId"}, "Product does not exist", "PRODUCT_DOES_NOT_EXIST")}}
	}
	in := objs(args["variants"])
	var ues []obj
	idx := make([]int, len(in))
	for i, v := range in {
		idx[i] = slices.IndexFunc(p.Variants, func(x Variant) bool { return x.ID == str(v["id"]) })
		switch {
		case str(v["id"]) == "":
			ues = append(ues, userErr([]string{"variants", fmt.Sprint(i), "id"}, "Product variant is missing ID attribute", "PRODUCT_VARIANT_ID_MISSING"))
		case idx[i] < 0:
			ues = append(ues, userErr([]string{"variants", fmt.Sprint(i), "id"}, "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST"))
		}
		if pr, ok := v["price"]; ok && pr != nil {
			if d, ok := parseMoney(pr); !ok || d.IsNegative() {
				ues = append(ues, userErr([]string{"variants", fmt.Sprint(i), "price"}, "Price must be greater than or equal to 0", "GREATER_THAN_OR_EQUAL_TO"))
			}
		}
	}
	if len(ues) > 0 { // allowPartialUpdates is not modeled: all or nothing
		return obj{"product": nil, "productVariants": nil, "userErrors": ues}
	}
	var out []obj
	for i, v := range in {
		pv := &p.Variants[idx[i]]
		if d, ok := parseMoney(v["price"]); ok {
			pv.Price = d
		}
		if cv, ok := v["compareAtPrice"]; ok {
			pv.CompareAtPrice = nil
			if d, ok := parseMoney(cv); ok {
				pv.CompareAtPrice = &d
			}
		}
		if b, ok := v["barcode"]; ok {
			pv.Barcode = str(b)
		}
		out = append(out, s.variantObj(p, *pv))
	}
	p.UpdatedAt = s.now()
	return obj{"product": s.productObj(p), "productVariants": out, "userErrors": []obj{}}
}

func (s *Server) productUpdate(args map[string]any) obj {
	in, _ := args["product"].(map[string]any)
	p := s.product(str(in["id"]))
	if p == nil {
		return obj{"product": nil, "userErrors": []obj{userErr([]string{"id"}, "Product does not exist", "")}}
	}
	if v, ok := in["status"]; ok && v != nil {
		p.Status = str(v)
	}
	if v, ok := in["title"]; ok {
		p.Title = str(v)
	}
	if v, ok := in["tags"]; ok {
		p.Tags = strs(v)
	}
	p.UpdatedAt = s.now()
	return obj{"product": s.productObj(p), "userErrors": []obj{}}
}

// inventorySetQuantities requires @idempotent(key:) (2026-04+) and an
// explicit changeFromQuantity on every quantity; a repeated key replays the
// first answer, a repeated key with other arguments is a mismatch.
func (s *Server) inventorySetQuantities(f *ast.Field, args, vars map[string]any) (any, *gqlError) {
	d := f.Directives.ForName("idempotent")
	if d == nil {
		return nil, &gqlError{
			Message:    "The @idempotent directive is required for this mutation.",
			Extensions: map[string]any{"code": "BAD_REQUEST"},
		}
	}
	key := str(d.ArgumentMap(vars)["key"])
	if strings.TrimSpace(key) == "" {
		return nil, &gqlError{Message: "The idempotency key cannot be an empty string or whitespace only.", Extensions: map[string]any{"code": "BAD_REQUEST"}}
	}
	argJSON, _ := json.Marshal(args)
	if prev, ok := s.st.idem[key]; ok {
		if prev.args != string(argJSON) {
			return obj{"inventoryAdjustmentGroup": nil, "userErrors": []obj{userErr([]string{"input"}, "The same idempotency key was used with different parameters.", "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")}}, nil
		}
		return prev.data, nil
	}
	in, _ := args["input"].(map[string]any)
	name := str(in["name"])
	var ues []obj
	if name != "available" && name != "on_hand" {
		ues = append(ues, userErr([]string{"input", "name"}, "The quantity name must be either 'available' or 'on_hand'.", "INVALID_NAME"))
	}
	qs := objs(in["quantities"])
	for i, q := range qs {
		field := func(k string) []string { return []string{"input", "quantities", fmt.Sprint(i), k} }
		item, loc := str(q["inventoryItemId"]), str(q["locationId"])
		switch {
		case !s.itemExists(item):
			ues = append(ues, userErr(field("inventoryItemId"), "The specified inventory item could not be found.", "INVALID_INVENTORY_ITEM"))
		case s.location(loc) == nil:
			ues = append(ues, userErr(field("locationId"), "The specified location could not be found.", "INVALID_LOCATION"))
		}
		cf, present := q["changeFromQuantity"]
		switch {
		case !present:
			ues = append(ues, userErr(field("changeFromQuantity"), "changeFromQuantity must be provided (null to skip the check).", "COMPARE_QUANTITY_REQUIRED"))
		case cf != nil && toInt(cf) != s.st.inventory[item][loc]:
			ues = append(ues, userErr(field("changeFromQuantity"), "The changeFromQuantity does not match the current quantity.", "CHANGE_FROM_QUANTITY_STALE"))
		}
		if toInt(q["quantity"]) > 1_000_000_000 {
			ues = append(ues, userErr(field("quantity"), "The quantity can't be higher than 1,000,000,000.", "INVALID_QUANTITY_TOO_HIGH"))
		}
	}
	var res obj
	if len(ues) > 0 {
		res = obj{"inventoryAdjustmentGroup": nil, "userErrors": ues}
	} else {
		var changes []obj
		for _, q := range qs {
			item, loc := str(q["inventoryItemId"]), str(q["locationId"])
			after := toInt(q["quantity"])
			delta := after - s.st.inventory[item][loc]
			s.setLevel(item, loc, after)
			changes = append(changes, obj{"name": name, "delta": delta, "quantityAfterChange": after,
				"item": obj{"id": item}, "location": obj{"id": loc}})
		}
		res = obj{"inventoryAdjustmentGroup": obj{"id": s.gid("InventoryAdjustmentGroup"), "reason": str(in["reason"]),
			"referenceDocumentUri": in["referenceDocumentUri"], "createdAt": s.now().Format("2006-01-02T15:04:05Z"),
			"changes": lazy(func(map[string]any) any { return changes })}, "userErrors": []obj{}}
	}
	s.st.idem[key] = idemEntry{args: string(argJSON), data: res}
	return res, nil
}

// gidNumber is the number ending a gid ("gid://shopify/ProductVariant/1042" → 1042), the order
// of sortKey ID.
func gidNumber(gid string) int {
	n, _ := strconv.Atoi(gid[strings.LastIndex(gid, "/")+1:])
	return n
}
