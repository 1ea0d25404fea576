package iws

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Endpoint describes one IWS method as the official spec declares it.
type Endpoint struct {
	Name       string   // canonical name, e.g. "PlaceOrder"
	HTTPMethod string   // GET or POST
	Path       string   // relative to the base URL, spec spelling, e.g. "placeorder", "GetProcess"
	Query      []string // query parameters the spec lists, spec spelling
	Body       bool     // takes a JSON body
	Idempotent bool     // safe to repeat: retried after network errors, 5xx and malformed bodies
}

// Endpoints in the spec's order. Paths keep the spec's spelling: lower-case except releaseOrder,
// GetProcess and GetCurrency.
var (
	epGetCatalog = Endpoint{"GetCatalog", http.MethodGet, "getcatalog",
		[]string{"locale", "format", "inventoryFilter", "inStock", "page", "limit"}, false, true}
	epGetProducts = Endpoint{"GetProducts", http.MethodGet, "getproducts",
		[]string{"skusList", "mpnsList", "upcsList", "locale", "includePriceData", "includeInventoryData", "inventoryFilter", "inStock"}, false, true}
	epGetProduct = Endpoint{"GetProduct", http.MethodGet, "getproduct",
		[]string{"sku", "mpn", "upc", "locale", "includePriceData", "includeInventoryData"}, false, true}
	epGetPriceList = Endpoint{"GetPriceList", http.MethodGet, "getpricelist", []string{"inStock"}, false, true}
	epGetInventory = Endpoint{"GetInventory", http.MethodGet, "getinventory",
		[]string{"inStock", "page", "limit"}, false, true}
	epPlaceOrder = Endpoint{"PlaceOrder", http.MethodPost, "placeorder",
		[]string{"locale", "tag", "customerOrderNumber", "locationId", "carrierId"}, true, false}
	epProcessOrder = Endpoint{"ProcessOrder", http.MethodPost, "processorder",
		[]string{"locale", "tag", "customerOrderNumber", "locationId", "carrierId"}, true, false}
	epGetOrder       = Endpoint{"GetOrder", http.MethodGet, "getorder", []string{"orderNumber"}, false, true}
	epGetOrderStatus = Endpoint{"GetOrderStatus", http.MethodGet, "getorderstatus", []string{"orderNumber"}, false, true}
	epGetOrders      = Endpoint{"GetOrders", http.MethodGet, "getorders",
		[]string{"startDate", "endDate", "statusCode", "tag", "hasTrackingDocument"}, false, true}
	epGenerateTokens      = Endpoint{"GenerateTokens", http.MethodPost, "generatetokens", nil, true, false}
	epGetTokenStatus      = Endpoint{"GetTokenStatus", http.MethodGet, "gettokenstatus", []string{"productKey"}, false, true}
	epGetPlaces           = Endpoint{"GetPlaces", http.MethodGet, "getplaces", []string{"countryId", "parentId"}, false, true}
	epGetTaxIDValidations = Endpoint{"GetTaxIdValidations", http.MethodGet, "gettaxidvalidations",
		[]string{"locale", "countryId"}, false, true}
	epValidateTaxID = Endpoint{"ValidateTaxId", http.MethodGet, "validatetaxid",
		[]string{"locale", "countryId", "personType", "documentType", "taxId"}, false, true}
	epRegisterPayments   = Endpoint{"RegisterPayments", http.MethodPost, "registerpayments", nil, true, false}
	epReleaseOrder       = Endpoint{"ReleaseOrder", http.MethodPost, "releaseOrder", nil, true, false}
	epCancelOrder        = Endpoint{"CancelOrder", http.MethodPost, "cancelorder", nil, true, false}
	epUpdateOrder        = Endpoint{"UpdateOrder", http.MethodPost, "updateorder", nil, true, false}
	epGetInvoice         = Endpoint{"GetInvoice", http.MethodGet, "getinvoice", []string{"invoiceNumber", "orderNumber"}, false, true}
	epAuthenticate       = Endpoint{"Authenticate", http.MethodGet, "authenticate", nil, false, true}
	epDownloadAttachment = Endpoint{"DownloadAttachment", http.MethodGet, "downloadattachment",
		[]string{"orderNumber", "attachmentId", "downloadFile"}, false, true}
	epDownloadExtendedCatalog = Endpoint{"DownloadExtendedCatalog", http.MethodGet, "downloadextendedcatalog",
		[]string{"format", "locale"}, false, true}
	// A rate quote changes nothing, so it is safe to repeat although it is a POST.
	epCalculateShippingRates = Endpoint{"CalculateShippingRates", http.MethodPost, "calculateshippingrates", nil, true, true}
	epGetProcess             = Endpoint{"GetProcess", http.MethodGet, "GetProcess", []string{"processId"}, false, true}
	epGetCurrency            = Endpoint{"GetCurrency", http.MethodGet, "GetCurrency", []string{"countryId"}, false, true}
)

var allEndpoints = []*Endpoint{
	&epGetCatalog, &epGetProducts, &epGetProduct, &epGetPriceList, &epGetInventory, &epPlaceOrder,
	&epProcessOrder, &epGetOrder, &epGetOrderStatus, &epGetOrders, &epGenerateTokens, &epGetTokenStatus,
	&epGetPlaces, &epGetTaxIDValidations, &epValidateTaxID, &epRegisterPayments, &epReleaseOrder,
	&epCancelOrder, &epUpdateOrder, &epGetInvoice, &epAuthenticate, &epDownloadAttachment,
	&epDownloadExtendedCatalog, &epCalculateShippingRates, &epGetProcess, &epGetCurrency,
}

// Methods is the registry of every IWS method in the spec, keyed by lower-case name ("placeorder").
// It is a copy: changing it does not change how the client behaves. Use LookupMethod for a
// case-insensitive lookup.
var Methods = func() map[string]Endpoint {
	m := make(map[string]Endpoint, len(allEndpoints))
	for _, ep := range allEndpoints {
		e := *ep
		e.Query = slices.Clone(ep.Query)
		m[strings.ToLower(ep.Name)] = e
	}
	return m
}()

// LookupMethod finds an IWS method by name, case-insensitively ("getCatalog", "GETCATALOG").
func LookupMethod(name string) (Endpoint, bool) {
	ep := lookupEndpoint(name)
	if ep == nil {
		return Endpoint{}, false
	}
	e := *ep
	e.Query = slices.Clone(ep.Query)
	return e, true
}

func lookupEndpoint(name string) *Endpoint {
	name = strings.TrimSpace(name)
	for _, ep := range allEndpoints {
		if strings.EqualFold(ep.Name, name) {
			return ep
		}
	}
	return nil
}

// MethodNames lists the canonical method names in spec order.
func MethodNames() []string {
	out := make([]string, len(allEndpoints))
	for i, ep := range allEndpoints {
		out[i] = ep.Name
	}
	return out
}

// Raw calls any IWS method by name (matched case-insensitively) through the same signing, retry and error
// path as the typed methods, and returns the successful body as a stream, which the caller must close.
// Query names the spec lists are matched case-insensitively and sent in the spec's spelling; others are
// sent as given. body is required by the POST methods and refused by the others. Raw does not parse the
// body, so a malformed 200 is not detected (or retried) here.
func (c *Client) Raw(ctx context.Context, method string, query url.Values, body []byte) (io.ReadCloser, error) {
	ep := lookupEndpoint(method)
	if ep == nil {
		return nil, fmt.Errorf("iws: unknown method %q (known: %s)", method, strings.Join(MethodNames(), ", "))
	}
	if ep.Body && len(body) == 0 {
		return nil, fmt.Errorf("iws: %s: a JSON body is required", ep.Name)
	}
	if !ep.Body && len(body) > 0 {
		return nil, fmt.Errorf("iws: %s: takes no body", ep.Name)
	}
	q := make(url.Values, len(query))
	for name, vs := range query {
		canonical := name
		for _, known := range ep.Query {
			if strings.EqualFold(known, name) {
				canonical = known
				break
			}
		}
		q[canonical] = append(q[canonical], vs...)
	}
	var out io.ReadCloser
	err := c.send(ctx, ep, q, body, func(resp *http.Response) error {
		out = resp.Body
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
