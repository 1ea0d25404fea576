package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms/shopify"
)

// demoOrderOptions are the flags of `connector demo order`.
type demoOrderOptions struct {
	shopID int64
	sku    string
	qty    int
	json   bool
}

// demoOrderResult is what `demo order --json` prints.
type demoOrderResult struct {
	ShopID      int64  `json:"shop_id"`
	OrderID     string `json:"order_id"`
	OrderNumber string `json:"order_number"`
	SKU         string `json:"sku"`
	Quantity    int    `json:"quantity"`
}

func newDemoOrderCmd(dataDir *string) *cobra.Command {
	var opts demoOrderOptions
	cmd := &cobra.Command{
		Use:   "order [--data DIR] [--shop ID] [--sku SKU] [--qty N] [--json]",
		Short: "Buy something in a running demo's shop, as a customer's checkout would",
		Long: `order creates a paid order in a shop of the demo running on --data, through that shop's own API
(WooCommerce: POST /wp-json/wc/v3/orders with set_paid; Shopify: the orderCreate mutation with the
financial status PAID), the way a checkout does: the storefront then delivers its order webhooks
to the connector like the real platform. It prints the order's id and number.

By default it buys one unit of an in-stock product the connector published in the first
WooCommerce shop of the demo; --shop picks another shop (its id in the connector: connector shop
list), --sku another product and --qty another quantity. The demo must be running.`,
		Example: `  connector demo order
  connector demo order --shop 2 --sku AO177LEN10 --qty 2 --json`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			res, err := runDemoOrder(cmd.Context(), *dataDir, opts)
			if err != nil {
				return err
			}
			if opts.json {
				return json.NewEncoder(cmd.OutOrStdout()).Encode(res)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Order %s (id %s) paid in shop %d: %d × %s\n", res.OrderNumber, res.OrderID, res.ShopID, res.Quantity, res.SKU)
			return err
		},
	}
	f := cmd.Flags()
	f.Int64Var(&opts.shopID, "shop", 0, "the shop to buy in (default: the demo's first WooCommerce shop)")
	f.StringVar(&opts.sku, "sku", "", "the SKU to buy (default: an in-stock product the connector published)")
	f.IntVar(&opts.qty, "qty", 1, "how many units")
	f.BoolVar(&opts.json, "json", false, `print {"shop_id", "order_id", "order_number", "sku", "quantity"}`)
	return cmd
}

// runDemoOrder places the order in the running demo of dataDir.
func runDemoOrder(ctx context.Context, dataDir string, opts demoOrderOptions) (demoOrderResult, error) {
	if opts.qty < 1 {
		return demoOrderResult{}, fmt.Errorf("demo order: --qty %d: buy at least one unit", opts.qty)
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return demoOrderResult{}, fmt.Errorf("demo order: %w", err)
	}
	info, err := readDemoInfo(filepath.Join(dir, demoInfoFile))
	if errors.Is(err, fs.ErrNotExist) {
		return demoOrderResult{}, fmt.Errorf("demo order: %s holds no demo: start one with `connector demo --data %s`", dir, shellQuote(dataDir))
	}
	if err != nil {
		return demoOrderResult{}, fmt.Errorf("demo order: %w", err)
	}
	if _, running, err := folderHolder(dir); err != nil {
		return demoOrderResult{}, fmt.Errorf("demo order: %w", err)
	} else if !running {
		return demoOrderResult{}, fmt.Errorf("demo order: no demo is running on %s (its shops answer only while it runs): start it with `connector demo --data %s`", dir, shellQuote(dataDir))
	}
	shop, err := demoOrderShop(info, opts.shopID)
	if err != nil {
		return demoOrderResult{}, err
	}
	listing, err := demoOrderListing(ctx, dir, shop.ID, opts.sku, opts.qty)
	if err != nil {
		return demoOrderResult{}, err
	}
	res := demoOrderResult{ShopID: shop.ID, SKU: listing.SKU, Quantity: opts.qty}
	client := &http.Client{Timeout: time.Minute}
	switch shop.Platform {
	case store.PlatformWooCommerce:
		res.OrderID, res.OrderNumber, err = demoWooOrder(ctx, client, shop, listing.SKU, opts.qty)
	case store.PlatformShopify:
		res.OrderID, res.OrderNumber, err = demoShopifyOrder(ctx, client, shop, listing.VariantID, opts.qty)
	default:
		err = fmt.Errorf("a %s shop takes no orders", shop.Platform)
	}
	if err != nil {
		return demoOrderResult{}, fmt.Errorf("demo order: shop %d: %w", shop.ID, err)
	}
	return res, nil
}

// demoOrderShop is the shop asked for, or the demo's first WooCommerce shop.
func demoOrderShop(info demoInfo, id int64) (demoShop, error) {
	var ids []string
	for _, s := range info.Shops {
		if (id != 0 && s.ID == id) || (id == 0 && s.Platform == store.PlatformWooCommerce) {
			return s, nil
		}
		ids = append(ids, fmt.Sprintf("%d (%s)", s.ID, s.Platform))
	}
	if id == 0 {
		return demoShop{}, errors.New("demo order: the demo has no WooCommerce shop: name one with --shop")
	}
	return demoShop{}, fmt.Errorf("demo order: the demo has no shop %d; its shops: %s", id, strings.Join(ids, ", "))
}

// demoOrderListing is the listing to buy: sku's, or the first product on sale with enough stock,
// from what the connector last pushed to the shop.
func demoOrderListing(ctx context.Context, dir string, shopID int64, sku string, qty int) (store.Listing, error) {
	key, err := demoSecretKey(filepath.Join(dir, demoSecretKeyFile))
	if err != nil {
		return store.Listing{}, err
	}
	box, err := secret.NewBox(key)
	if err != nil {
		return store.Listing{}, fmt.Errorf("demo order: %w", err)
	}
	st, err := store.Open(ctx, demoDatabaseURL(dir), nil, store.WithSecretBox(box))
	if err != nil {
		return store.Listing{}, fmt.Errorf("demo order: %w", err)
	}
	defer st.Close()
	return demoPickListing(ctx, st, shopID, sku, qty, "")
}

// demoPickListing is sku's listing, or the first product on sale with qty in stock other than
// skip, from what the connector last pushed to the shop.
func demoPickListing(ctx context.Context, st *store.Store, shopID int64, sku string, qty int, skip string) (store.Listing, error) {
	if sku != "" {
		l, err := st.Listing(ctx, shopID, sku)
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && l.ProductID == ""):
			return store.Listing{}, fmt.Errorf("demo order: shop %d has no product %q from the connector (see `connector products show %s`)", shopID, sku, sku)
		case err != nil:
			return store.Listing{}, fmt.Errorf("demo order: %w", err)
		}
		return l, nil
	}
	var after int64
	for {
		page, err := st.ListingsPage(ctx, shopID, after, 500)
		if err != nil {
			return store.Listing{}, fmt.Errorf("demo order: %w", err)
		}
		for _, l := range page {
			if l.State == store.ListingPublished && l.ProductID != "" && l.Stock >= qty && l.SKU != skip {
				return l, nil
			}
		}
		if len(page) < 500 {
			return store.Listing{}, fmt.Errorf("demo order: shop %d has no product on sale with %d in stock yet: wait for the demo's first push, or name one with --sku", shopID, qty)
		}
		after = page[len(page)-1].ID
	}
}

// demoCustomer is who buys in the demo: a company in Viña del Mar, as in the recorded exchanges.
var demoCustomer = map[string]string{
	"first_name": "Matías", "last_name": "González Soto", "company": "Constructora Andes SpA",
	"address_1": "Av. Libertad 1405", "city": "Viña del Mar", "state": "CL-VS", "postcode": "2520000",
	"country": "CL", "phone": "+56 32 268 1100",
}

// demoWooOrder creates a paid order through WooCommerce's REST API, as a checkout plugin does.
// The demo's fake takes Basic auth over plain http only behind a TLS proxy, as the real store
// does: the request says it came through one.
func demoWooOrder(ctx context.Context, client *http.Client, shop demoShop, sku string, qty int) (string, string, error) {
	billing := map[string]string{"email": "compras@constructora-andes.example.cl"}
	for k, v := range demoCustomer {
		billing[k] = v
	}
	body, err := json.Marshal(map[string]any{
		"payment_method": "bacs", "payment_method_title": "Transferencia bancaria", "set_paid": true,
		"billing": billing, "shipping": demoCustomer,
		"line_items": []map[string]any{{"sku": sku, "quantity": qty}},
	})
	if err != nil {
		return "", "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(shop.BaseURL, "/")+"/wp-json/wc/v3/orders", bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	req.SetBasicAuth(shop.Credentials["consumer_key"], shop.Credentials["consumer_secret"])
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-Proto", "https")
	var ans struct {
		ID     int    `json:"id"`
		Number string `json:"number"`
	}
	if err := demoDo(client, req, &ans); err != nil {
		return "", "", err
	}
	return strconv.Itoa(ans.ID), ans.Number, nil
}

// demoOrderCreate is the Shopify document: a paid order of one variant, the customer's address,
// no confirmation email (the demo's customer is made up).
const demoOrderCreate = `mutation DemoOrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name }
    userErrors { field message }
  }
}`

// demoShopifyOrder creates a paid order through Shopify's Admin GraphQL API.
func demoShopifyOrder(ctx context.Context, client *http.Client, shop demoShop, variantID string, qty int) (string, string, error) {
	if variantID == "" {
		return "", "", errors.New("the product has no Shopify variant id yet: wait for the demo's push")
	}
	body, err := json.Marshal(map[string]any{"query": demoOrderCreate, "variables": map[string]any{
		"order": map[string]any{
			"financialStatus": "PAID", "email": "compras@constructora-andes.example.cl", "phone": demoCustomer["phone"],
			"lineItems": []map[string]any{{"variantId": variantID, "quantity": qty}},
			"shippingAddress": map[string]any{"firstName": demoCustomer["first_name"], "lastName": demoCustomer["last_name"],
				"company": demoCustomer["company"], "address1": demoCustomer["address_1"], "city": demoCustomer["city"],
				"provinceCode": "VS", "zip": demoCustomer["postcode"], "countryCode": "CL", "phone": demoCustomer["phone"]},
		},
		"options": map[string]any{"sendReceipt": false, "sendFulfillmentReceipt": false},
	}})
	if err != nil {
		return "", "", err
	}
	url := strings.TrimSuffix(shop.BaseURL, "/") + "/admin/api/" + shopify.APIVersion + "/graphql.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("X-Shopify-Access-Token", shop.Credentials["access_token"])
	req.Header.Set("Content-Type", "application/json")
	var ans struct {
		Data struct {
			OrderCreate struct {
				Order *struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"order"`
				UserErrors []struct {
					Message string `json:"message"`
				} `json:"userErrors"`
			} `json:"orderCreate"`
		} `json:"data"`
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := demoDo(client, req, &ans); err != nil {
		return "", "", err
	}
	oc := ans.Data.OrderCreate
	switch {
	case len(ans.Errors) > 0:
		return "", "", fmt.Errorf("orderCreate: %s", ans.Errors[0].Message)
	case len(oc.UserErrors) > 0:
		return "", "", fmt.Errorf("orderCreate: %s", oc.UserErrors[0].Message)
	case oc.Order == nil:
		return "", "", errors.New("orderCreate: no order in the answer")
	}
	return oc.Order.ID, strings.TrimPrefix(oc.Order.Name, "#"), nil
}

// demoDo sends req and decodes a 2xx JSON answer into v; another status is an error quoting the
// store's words.
func demoDo(client *http.Client, req *http.Request, v any) error {
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", req.Method, req.URL.Path, resp.Status, bytes.TrimSpace(raw))
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%s %s: decode: %w", req.Method, req.URL.Path, err)
	}
	return nil
}
