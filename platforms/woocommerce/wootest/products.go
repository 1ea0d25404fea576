package wootest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
	"golang.org/x/text/unicode/norm"
)

const dateLayout = "2006-01-02T15:04:05"

// MetaData is one meta_data entry.
type MetaData struct {
	ID    int             `json:"id"`
	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`
}

type attachment struct {
	ID      int
	File    string
	Name    string
	Alt     string
	Created time.Time
}

type productAttr struct {
	Name      string
	Option    string // variations
	Options   []string
	Visible   bool
	Variation bool
}

type product struct {
	ID, ParentID                    int
	Type, Name, Slug, Status        string
	SKU, RegularPrice, SalePrice    string
	Description, ShortDescription   string
	ManageStock                     bool
	Stock                           *int
	StockStatus, Backorders         string
	Virtual                         bool
	TaxStatus, Weight               string
	Dim                             Dimensions
	Categories, Images, Variations  []int
	Attrs                           []productAttr
	Meta                            []MetaData
	Created, Modified               time.Time
	TotalSales                      int
	MenuOrder                       int
	Featured                        bool
	CatalogVisibility, TaxClass     string
	ShippingClass, PurchaseNote     string
	ExternalURL, ButtonText         string
	DefaultAttrsRaw, UpsellCrossRaw json.RawMessage
}

// Dimensions of a product, strings as WooCommerce sends them.
type Dimensions struct {
	Length string `json:"length"`
	Width  string `json:"width"`
	Height string `json:"height"`
}

// Image is one entry of a product's images.
type Image struct {
	ID              int    `json:"id"`
	DateCreated     string `json:"date_created"`
	DateCreatedGMT  string `json:"date_created_gmt"`
	DateModified    string `json:"date_modified"`
	DateModifiedGMT string `json:"date_modified_gmt"`
	Src             string `json:"src"`
	Name            string `json:"name"`
	Alt             string `json:"alt"`
	Srcset          string `json:"srcset"`
	Sizes           string `json:"sizes"`
	Thumbnail       string `json:"thumbnail"`
}

// CategoryRef is a product's category entry.
type CategoryRef struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// Attribute is a product attribute; variations use Option, products Options.
type Attribute struct {
	ID        int      `json:"id"`
	Name      string   `json:"name"`
	Slug      string   `json:"slug"`
	Position  *int     `json:"position,omitempty"`
	Visible   *bool    `json:"visible,omitempty"`
	Variation *bool    `json:"variation,omitempty"`
	Options   []string `json:"options,omitempty"`
	Option    *string  `json:"option,omitempty"`
}

// Product is the REST v3 product representation (fixtures 01–16). Variations listed through
// /products?sku= use it too, with type "variation".
type Product struct {
	ID                int            `json:"id"`
	Name              string         `json:"name"`
	Slug              string         `json:"slug"`
	Permalink         string         `json:"permalink"`
	DateCreated       string         `json:"date_created"`
	DateCreatedGMT    string         `json:"date_created_gmt"`
	DateModified      string         `json:"date_modified"`
	DateModifiedGMT   string         `json:"date_modified_gmt"`
	Type              string         `json:"type"`
	Status            string         `json:"status"`
	Featured          bool           `json:"featured"`
	CatalogVisibility string         `json:"catalog_visibility"`
	Description       string         `json:"description"`
	ShortDescription  string         `json:"short_description"`
	SKU               string         `json:"sku"`
	Price             string         `json:"price"`
	RegularPrice      string         `json:"regular_price"`
	SalePrice         string         `json:"sale_price"`
	DateOnSaleFrom    *string        `json:"date_on_sale_from"`
	DateOnSaleFromGMT *string        `json:"date_on_sale_from_gmt"`
	DateOnSaleTo      *string        `json:"date_on_sale_to"`
	DateOnSaleToGMT   *string        `json:"date_on_sale_to_gmt"`
	OnSale            bool           `json:"on_sale"`
	Purchasable       bool           `json:"purchasable"`
	TotalSales        any            `json:"total_sales"`
	Virtual           bool           `json:"virtual"`
	Downloadable      bool           `json:"downloadable"`
	Downloads         []any          `json:"downloads"`
	DownloadLimit     int            `json:"download_limit"`
	DownloadExpiry    int            `json:"download_expiry"`
	ExternalURL       string         `json:"external_url"`
	ButtonText        string         `json:"button_text"`
	TaxStatus         string         `json:"tax_status"`
	TaxClass          string         `json:"tax_class"`
	ManageStock       bool           `json:"manage_stock"`
	StockQuantity     *int           `json:"stock_quantity"`
	Backorders        string         `json:"backorders"`
	BackordersAllowed bool           `json:"backorders_allowed"`
	Backordered       bool           `json:"backordered"`
	LowStockAmount    *int           `json:"low_stock_amount"`
	SoldIndividually  bool           `json:"sold_individually"`
	Weight            string         `json:"weight"`
	Dimensions        Dimensions     `json:"dimensions"`
	ShippingRequired  bool           `json:"shipping_required"`
	ShippingTaxable   bool           `json:"shipping_taxable"`
	ShippingClass     string         `json:"shipping_class"`
	ShippingClassID   int            `json:"shipping_class_id"`
	ReviewsAllowed    bool           `json:"reviews_allowed"`
	AverageRating     string         `json:"average_rating"`
	RatingCount       int            `json:"rating_count"`
	UpsellIDs         []int          `json:"upsell_ids"`
	CrossSellIDs      []int          `json:"cross_sell_ids"`
	ParentID          int            `json:"parent_id"`
	PurchaseNote      string         `json:"purchase_note"`
	Categories        []CategoryRef  `json:"categories"`
	Brands            []any          `json:"brands"`
	Tags              []any          `json:"tags"`
	Images            []Image        `json:"images"`
	Attributes        []Attribute    `json:"attributes"`
	DefaultAttributes []any          `json:"default_attributes"`
	Variations        []int          `json:"variations"`
	GroupedProducts   []int          `json:"grouped_products"`
	MenuOrder         int            `json:"menu_order"`
	PriceHTML         string         `json:"price_html"`
	RelatedIDs        []int          `json:"related_ids"`
	MetaData          []MetaData     `json:"meta_data"`
	StockStatus       string         `json:"stock_status"`
	HasOptions        bool           `json:"has_options"`
	PostPassword      string         `json:"post_password"`
	GlobalUniqueID    string         `json:"global_unique_id"`
	PermalinkTemplate *string        `json:"permalink_template,omitempty"`
	GeneratedSlug     *string        `json:"generated_slug,omitempty"`
	Links             map[string]any `json:"_links"`
}

// Variation is the REST v3 variation representation (fixture 06).
type Variation struct {
	ID                int            `json:"id"`
	Type              string         `json:"type"`
	DateCreated       string         `json:"date_created"`
	DateCreatedGMT    string         `json:"date_created_gmt"`
	DateModified      string         `json:"date_modified"`
	DateModifiedGMT   string         `json:"date_modified_gmt"`
	Description       string         `json:"description"`
	Permalink         string         `json:"permalink"`
	SKU               string         `json:"sku"`
	GlobalUniqueID    string         `json:"global_unique_id"`
	Price             string         `json:"price"`
	RegularPrice      string         `json:"regular_price"`
	SalePrice         string         `json:"sale_price"`
	DateOnSaleFrom    *string        `json:"date_on_sale_from"`
	DateOnSaleFromGMT *string        `json:"date_on_sale_from_gmt"`
	DateOnSaleTo      *string        `json:"date_on_sale_to"`
	DateOnSaleToGMT   *string        `json:"date_on_sale_to_gmt"`
	OnSale            bool           `json:"on_sale"`
	Status            string         `json:"status"`
	Purchasable       bool           `json:"purchasable"`
	Virtual           bool           `json:"virtual"`
	Downloadable      bool           `json:"downloadable"`
	Downloads         []any          `json:"downloads"`
	DownloadLimit     int            `json:"download_limit"`
	DownloadExpiry    int            `json:"download_expiry"`
	TaxStatus         string         `json:"tax_status"`
	TaxClass          string         `json:"tax_class"`
	ManageStock       bool           `json:"manage_stock"`
	StockQuantity     *int           `json:"stock_quantity"`
	StockStatus       string         `json:"stock_status"`
	Backorders        string         `json:"backorders"`
	BackordersAllowed bool           `json:"backorders_allowed"`
	Backordered       bool           `json:"backordered"`
	LowStockAmount    *int           `json:"low_stock_amount"`
	Weight            string         `json:"weight"`
	Dimensions        Dimensions     `json:"dimensions"`
	ShippingClass     string         `json:"shipping_class"`
	ShippingClassID   int            `json:"shipping_class_id"`
	Image             *Image         `json:"image"`
	GalleryImageIDs   []int          `json:"gallery_image_ids"`
	Attributes        []Attribute    `json:"attributes"`
	MenuOrder         int            `json:"menu_order"`
	MetaData          []MetaData     `json:"meta_data"`
	Name              string         `json:"name"`
	ParentID          int            `json:"parent_id"`
	Links             map[string]any `json:"_links"`
}

func fmtDate(t time.Time) string { return t.UTC().Format(dateLayout) }

// slugify approximates sanitize_title: accents removed, lower case, runs of other characters
// become one dash.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case r == '.' || r == '-' || unicode.IsSpace(r) || r == '/' || r == '_':
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
		}
	}
	return strings.Trim(b.String(), "-")
}

func (s *Server) uniqueSlugLocked(base string, self int) string {
	if base == "" {
		base = "product"
	}
	slug := base
	for i := 2; ; i++ {
		id, ok := s.slugIndex[slug]
		p := s.products[id]
		if !ok || id == self || p == nil || p.Slug != slug {
			return slug
		}
		slug = base + "-" + strconv.Itoa(i)
	}
}

// indexLocked records p's SKU and slug in the uniqueness indexes.
func (s *Server) indexLocked(p *product) {
	if s.skuIndex == nil {
		s.skuIndex, s.slugIndex = make(map[string]int), make(map[string]int)
	}
	if p.SKU != "" {
		s.skuIndex[p.SKU] = p.ID
	}
	if p.Slug != "" {
		s.slugIndex[p.Slug] = p.ID
	}
}

func (s *Server) priceHTML(regular, sale string) string {
	amount := func(v string) string {
		d, err := decimal.NewFromString(v)
		if err != nil {
			return ""
		}
		return `<span class="woocommerce-Price-amount amount"><bdi><span class="woocommerce-Price-currencySymbol" translate="no">` +
			currencySymbol(s.cfg.Currency) + `</span>` + d.StringFixed(int32(s.cfg.PriceDecimals)) + `</bdi></span>`
	}
	if regular == "" && sale == "" {
		return ""
	}
	if sale != "" {
		sym := currencySymbol(s.cfg.Currency)
		return `<del aria-hidden="true">` + amount(regular) + `</del> <span class="screen-reader-text">Original price was: ` + sym + regular +
			`.</span><ins aria-hidden="true">` + amount(sale) + `</ins><span class="screen-reader-text">Current price is: ` + sym + sale + `.</span>`
	}
	return amount(regular)
}

func (p *product) price() string {
	if p.SalePrice != "" {
		return p.SalePrice
	}
	return p.RegularPrice
}

func (s *Server) imageLocked(base string, id int) Image {
	a := s.attachments[id]
	if a == nil {
		return Image{ID: id}
	}
	src := s.uploadURL(base, a)
	d := fmtDate(a.Created)
	return Image{ID: a.ID, DateCreated: d, DateCreatedGMT: d, DateModified: d, DateModifiedGMT: d, Src: src,
		Name: a.Name, Alt: a.Alt, Sizes: "(max-width: 64px) 100vw, 64px", Thumbnail: src}
}

func (s *Server) uploadURL(base string, a *attachment) string {
	return base + "/wp-content/uploads/" + a.Created.Format("2006/01") + "/" + a.File
}

// renderProduct builds the REST representation; edit adds the context=edit fields that
// create/update responses carry.
func (s *Server) renderProductLocked(base string, p *product, edit bool) Product {
	out := Product{
		ID: p.ID, Name: p.Name, Slug: p.Slug, Type: p.Type, Status: p.Status, Featured: p.Featured,
		CatalogVisibility: p.CatalogVisibility, Description: p.Description, ShortDescription: p.ShortDescription,
		SKU: p.SKU, Price: p.price(), RegularPrice: p.RegularPrice, SalePrice: p.SalePrice, OnSale: p.SalePrice != "",
		TotalSales: p.TotalSales, Virtual: p.Virtual, Downloads: []any{}, DownloadLimit: -1, DownloadExpiry: -1,
		ExternalURL: p.ExternalURL, ButtonText: p.ButtonText, TaxStatus: p.TaxStatus, TaxClass: p.TaxClass,
		ManageStock: p.ManageStock, StockQuantity: p.Stock, Backorders: p.Backorders, Weight: p.Weight, Dimensions: p.Dim,
		ShippingRequired: !p.Virtual, ShippingTaxable: !p.Virtual && p.TaxStatus != "none", ShippingClass: p.ShippingClass,
		ReviewsAllowed: true, AverageRating: "0", UpsellIDs: []int{}, CrossSellIDs: []int{}, ParentID: p.ParentID,
		PurchaseNote: p.PurchaseNote, Categories: []CategoryRef{}, Brands: []any{}, Tags: []any{}, Images: []Image{},
		Attributes: []Attribute{}, DefaultAttributes: []any{}, Variations: []int{}, GroupedProducts: []int{},
		MenuOrder: p.MenuOrder, RelatedIDs: []int{}, MetaData: append([]MetaData{}, p.Meta...), StockStatus: p.StockStatus,
		DateCreated: fmtDate(p.Created), DateCreatedGMT: fmtDate(p.Created), DateModified: fmtDate(p.Modified), DateModifiedGMT: fmtDate(p.Modified),
	}
	out.Purchasable = out.Price != "" && p.Status == "publish"
	out.PriceHTML = s.priceHTML(p.RegularPrice, p.SalePrice)
	out.Permalink = base + "/product/" + p.Slug + "/"
	if p.Type == "variation" {
		parent := s.products[p.ParentID]
		out.TotalSales = strconv.Itoa(p.TotalSales)
		out.ReviewsAllowed = false
		out.AverageRating = "0.00"
		if parent != nil {
			out.Name = parent.Name
			if len(p.Attrs) > 0 {
				out.Name += " - " + p.Attrs[0].Option
			}
			out.Slug = slugify(out.Name)
			out.Permalink = base + "/product/" + parent.Slug + "/"
		}
		for _, a := range p.Attrs {
			opt := a.Option
			out.Attributes = append(out.Attributes, Attribute{Name: a.Name, Slug: slugify(a.Name), Option: &opt})
		}
	} else {
		for i, a := range p.Attrs {
			pos, vis, vari := i, a.Visible, a.Variation
			out.Attributes = append(out.Attributes, Attribute{Name: a.Name, Slug: a.Name, Position: &pos, Visible: &vis, Variation: &vari, Options: a.Options})
		}
	}
	for _, id := range p.Categories {
		if c := s.categories[id]; c != nil {
			out.Categories = append(out.Categories, CategoryRef{ID: c.ID, Name: c.Name, Slug: c.Slug})
		}
	}
	for _, id := range p.Images {
		out.Images = append(out.Images, s.imageLocked(base, id))
	}
	if p.Type == "variable" {
		out.Variations = append(out.Variations, p.Variations...)
		out.HasOptions = true
		var minPrice *decimal.Decimal
		var minStr string
		inStock := false
		for _, vid := range p.Variations {
			v := s.products[vid]
			if v == nil {
				continue
			}
			if v.StockStatus == "instock" {
				inStock = true
			}
			if d, err := decimal.NewFromString(v.price()); err == nil && (minPrice == nil || d.LessThan(*minPrice)) {
				minPrice, minStr = &d, v.price()
			}
		}
		out.Price = minStr
		out.Purchasable = minStr != ""
		out.PriceHTML = ""
		if minStr != "" {
			out.PriceHTML = s.priceHTML(minStr, "")
		}
		out.StockStatus = "outofstock"
		if inStock {
			out.StockStatus = "instock"
		}
	}
	if edit && p.Type != "variation" {
		tmpl := base + "/product/%pagename%/"
		gen := p.Slug
		out.PermalinkTemplate, out.GeneratedSlug = &tmpl, &gen
	}
	links := map[string]any{
		"self":       selfLink(fmt.Sprintf("%s%s/products/%d", base, restPrefix, p.ID), itemAllow...),
		"collection": []link{{Href: base + restPrefix + "/products"}},
	}
	if p.ParentID != 0 {
		links["up"] = []link{{Href: fmt.Sprintf("%s%s/products/%d", base, restPrefix, p.ParentID)}}
	}
	out.Links = links
	return out
}

func (s *Server) renderVariationLocked(base string, v *product) Variation {
	parent := s.products[v.ParentID]
	out := Variation{
		ID: v.ID, Type: "variation", Description: v.Description, SKU: v.SKU, Price: v.price(), RegularPrice: v.RegularPrice,
		SalePrice: v.SalePrice, OnSale: v.SalePrice != "", Status: v.Status, Purchasable: v.price() != "", Virtual: v.Virtual,
		Downloads: []any{}, DownloadLimit: -1, DownloadExpiry: -1, TaxStatus: "taxable", TaxClass: "parent",
		ManageStock: v.ManageStock, StockQuantity: v.Stock, StockStatus: v.StockStatus, Backorders: v.Backorders,
		Weight: v.Weight, Dimensions: v.Dim, GalleryImageIDs: []int{}, Attributes: []Attribute{}, MenuOrder: v.MenuOrder,
		MetaData: append([]MetaData{}, v.Meta...), ParentID: v.ParentID,
		DateCreated: fmtDate(v.Created), DateCreatedGMT: fmtDate(v.Created), DateModified: fmtDate(v.Modified), DateModifiedGMT: fmtDate(v.Modified),
	}
	var q []string
	for _, a := range v.Attrs {
		opt := a.Option
		out.Attributes = append(out.Attributes, Attribute{Name: a.Name, Slug: slugify(a.Name), Option: &opt})
		q = append(q, "attribute_"+slugify(a.Name)+"="+strings.ReplaceAll(rfc3986(a.Option), "%20", "+"))
		if out.Name == "" {
			out.Name = a.Option
		}
	}
	if parent != nil {
		out.Permalink = base + "/product/" + parent.Slug + "/"
		if len(q) > 0 {
			out.Permalink += "?" + strings.Join(q, "&")
		}
	}
	if len(v.Images) > 0 {
		img := s.imageLocked(base, v.Images[0])
		out.Image = &img
	}
	out.Links = map[string]any{
		"self":       selfLink(fmt.Sprintf("%s%s/products/%d/variations/%d", base, restPrefix, v.ParentID, v.ID), itemAllow...),
		"collection": []link{{Href: fmt.Sprintf("%s%s/products/%d/variations", base, restPrefix, v.ParentID)}},
		"up":         []link{{Href: fmt.Sprintf("%s%s/products/%d", base, restPrefix, v.ParentID)}},
	}
	return out
}

// stringFields are the fields whose schema type (string) is checked before anything is written
// (fixtures 11, 13, 14).
var stringFields = []string{"name", "type", "status", "sku", "regular_price", "sale_price", "description", "short_description",
	"stock_status", "backorders", "weight", "tax_status", "tax_class", "catalog_visibility", "slug", "purchase_note"}

func validateProductFields(raw map[string]json.RawMessage) *apiError {
	for _, f := range stringFields {
		if v, ok := raw[f]; ok && !isJSONString(v) && !isNull(v) {
			return invalidParam(f, "rest_invalid_type", f+" is not of type string.", true)
		}
	}
	for _, f := range []string{"manage_stock", "virtual", "featured"} {
		if v, ok := raw[f]; ok && !bytes.Equal(v, []byte("true")) && !bytes.Equal(v, []byte("false")) {
			return invalidParam(f, "rest_invalid_type", f+" is not of type boolean.", true)
		}
	}
	if v, ok := raw["stock_quantity"]; ok && !isNull(v) {
		if _, ok := parseStock(v); !ok {
			return invalidParam("stock_quantity", "rest_invalid_type", "stock_quantity is not of type integer.", true)
		}
	}
	return nil
}

func isJSONString(v json.RawMessage) bool { v = bytes.TrimSpace(v); return len(v) > 0 && v[0] == '"' }
func isNull(v json.RawMessage) bool       { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// parseStock accepts an integer or a string holding one, as WordPress's rest_sanitize does.
func parseStock(v json.RawMessage) (int, bool) {
	var n json.Number
	if err := json.Unmarshal(v, &n); err == nil {
		i, err := strconv.Atoi(n.String())
		return i, err == nil
	}
	var str string
	if err := json.Unmarshal(v, &str); err == nil {
		i, err := strconv.Atoi(strings.TrimSpace(str))
		return i, err == nil
	}
	return 0, false
}

func str(raw map[string]json.RawMessage, k string) (string, bool) {
	v, ok := raw[k]
	if !ok || isNull(v) {
		return "", false
	}
	var out string
	_ = json.Unmarshal(v, &out)
	return out, true
}

func boolean(raw map[string]json.RawMessage, k string) (bool, bool) {
	v, ok := raw[k]
	if !ok {
		return false, false
	}
	return bytes.Equal(v, []byte("true")), true
}

// skuOwnerLocked returns the product or variation holding sku, other than self.
func (s *Server) skuOwnerLocked(sku string, self int) *product {
	if sku == "" {
		return nil
	}
	id, ok := s.skuIndex[sku]
	p := s.products[id]
	// A trashed product does not hold its SKU (WooCommerce's is_existing_sku skips trash).
	if !ok || id == self || p == nil || p.SKU != sku || p.Status == "trash" {
		return nil
	}
	return p
}

func (s *Server) skuErrorLocked(sku string, owner *product) *apiError {
	unique := sku
	for i := 1; s.skuOwnerLocked(unique, -1) != nil; i++ {
		unique = sku + "-" + strconv.Itoa(i)
	}
	e := newError(http.StatusBadRequest, "product_invalid_sku", "Invalid or duplicated SKU.")
	e.Data.ResourceID = owner.ID
	e.Data.UniqueSKU = unique
	return e
}

type imageReq struct {
	ID   int    `json:"id"`
	Src  string `json:"src"`
	Name string `json:"name"`
	Alt  string `json:"alt"`
}

// checkImages validates images before the lock is taken (the check may do network I/O).
func (s *Server) checkImages(raw map[string]json.RawMessage) ([]imageReq, *apiError) {
	var imgs []imageReq
	if v, ok := raw["images"]; ok {
		if err := json.Unmarshal(v, &imgs); err != nil {
			return nil, invalidParam("images", "rest_invalid_type", "images is not of type array.", true)
		}
	}
	if v, ok := raw["image"]; ok && !isNull(v) {
		var one imageReq
		if err := json.Unmarshal(v, &one); err != nil {
			return nil, invalidParam("image", "rest_invalid_type", "image is not of type object.", true)
		}
		imgs = []imageReq{one}
	}
	for _, im := range imgs {
		if im.ID != 0 || im.Src == "" {
			continue
		}
		if err := s.imageCheck(im.Src); err != nil {
			return nil, newError(http.StatusBadRequest, "woocommerce_product_image_upload_error",
				fmt.Sprintf("Error getting remote image %s. Error: %s", im.Src, err.Error()))
		}
		s.sideload()
	}
	return imgs, nil
}

// sideload is the cost of WordPress downloading one image and making its attachment (resized
// copies included): Config.ImageDelay of the request's worker, without the store's lock.
func (s *Server) sideload() {
	s.mu.Lock()
	s.sideloads++
	s.mu.Unlock()
	if s.cfg.ImageDelay > 0 {
		time.Sleep(s.cfg.ImageDelay)
	}
}

// Sideloads returns how many images were downloaded (sent by src) so far.
func (s *Server) Sideloads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sideloads
}

func (s *Server) imageCheck(src string) error {
	if s.cfg.ImageCheck != nil {
		return s.cfg.ImageCheck(src)
	}
	c := *s.cfg.WebhookClient
	c.Timeout = 3 * time.Second
	resp, err := c.Get(src)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return nil
}

// attachLocked creates a new attachment for every src (red.png, then red-1.png) and reuses ids.
func (s *Server) attachLocked(imgs []imageReq) ([]int, *apiError) {
	var ids []int
	for _, im := range imgs {
		if im.ID != 0 {
			a := s.attachments[im.ID]
			if a == nil {
				return nil, newError(http.StatusBadRequest, "woocommerce_product_invalid_image_id", fmt.Sprintf("#%d is an invalid image ID.", im.ID))
			}
			// WooCommerce sets a given name and alt on the attachment, by id too.
			if im.Name != "" {
				a.Name = im.Name
			}
			if im.Alt != "" {
				a.Alt = im.Alt
			}
			ids = append(ids, im.ID)
			continue
		}
		if im.Src == "" {
			continue
		}
		name := path.Base(strings.SplitN(im.Src, "?", 2)[0])
		ext := path.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		file := name
		for i := 1; s.fileNames[file] != 0; i++ {
			file = fmt.Sprintf("%s-%d%s", stem, i, ext)
		}
		a := &attachment{ID: s.nextPostID, File: file, Name: im.Name, Alt: im.Alt, Created: s.now()}
		if a.Name == "" {
			a.Name = stem
		}
		s.nextPostID++
		s.attachments[a.ID] = a
		s.fileNames[file] = a.ID
		ids = append(ids, a.ID)
	}
	return ids, nil
}

// applyMetaLocked updates meta_data by key in place and appends new keys.
func (s *Server) applyMetaLocked(meta []MetaData, raw json.RawMessage) ([]MetaData, *apiError) {
	var in []struct {
		ID    int             `json:"id"`
		Key   string          `json:"key"`
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, invalidParam("meta_data", "rest_invalid_type", "meta_data is not of type array.", true)
	}
	for _, m := range in {
		found := false
		for i := range meta {
			if (m.ID != 0 && meta[i].ID == m.ID) || (m.ID == 0 && meta[i].Key == m.Key) {
				meta[i].Value = m.Value
				found = true
				break
			}
		}
		if !found {
			meta = append(meta, MetaData{ID: s.nextMetaID, Key: m.Key, Value: m.Value})
			s.nextMetaID++
		}
	}
	return meta, nil
}

// applyProductLocked writes raw onto p (already validated). New products get defaults first.
func (s *Server) applyProductLocked(p *product, raw map[string]json.RawMessage, imgs []imageReq) *apiError {
	if sku, ok := str(raw, "sku"); ok && sku != p.SKU {
		if owner := s.skuOwnerLocked(sku, p.ID); owner != nil {
			return s.skuErrorLocked(sku, owner)
		}
		p.SKU = sku
	}
	if _, ok := raw["images"]; ok || raw["image"] != nil {
		ids, err := s.attachLocked(imgs)
		if err != nil {
			return err
		}
		p.Images = ids
	}
	set := func(k string, dst *string) {
		if v, ok := str(raw, k); ok {
			*dst = v
		}
	}
	set("name", &p.Name)
	set("type", &p.Type)
	set("status", &p.Status)
	set("regular_price", &p.RegularPrice)
	set("sale_price", &p.SalePrice)
	set("description", &p.Description)
	set("short_description", &p.ShortDescription)
	set("backorders", &p.Backorders)
	set("weight", &p.Weight)
	set("tax_status", &p.TaxStatus)
	set("tax_class", &p.TaxClass)
	set("catalog_visibility", &p.CatalogVisibility)
	set("purchase_note", &p.PurchaseNote)
	if v, ok := str(raw, "slug"); ok {
		p.Slug = s.uniqueSlugLocked(v, p.ID)
	}
	if v, ok := boolean(raw, "virtual"); ok {
		p.Virtual = v
	}
	if v, ok := boolean(raw, "featured"); ok {
		p.Featured = v
	}
	if v, ok := raw["dimensions"]; ok {
		_ = json.Unmarshal(v, &p.Dim)
	}
	if v, ok := raw["menu_order"]; ok {
		_ = json.Unmarshal(v, &p.MenuOrder)
	}
	if v, ok := raw["categories"]; ok {
		var cats []struct {
			ID int `json:"id"`
		}
		if err := json.Unmarshal(v, &cats); err != nil {
			return invalidParam("categories", "rest_invalid_type", "categories is not of type array.", true)
		}
		p.Categories = nil
		for _, c := range cats {
			p.Categories = append(p.Categories, c.ID)
		}
	}
	if v, ok := raw["attributes"]; ok {
		var attrs []struct {
			Name      string   `json:"name"`
			Option    string   `json:"option"`
			Options   []string `json:"options"`
			Visible   bool     `json:"visible"`
			Variation bool     `json:"variation"`
		}
		if err := json.Unmarshal(v, &attrs); err != nil {
			return invalidParam("attributes", "rest_invalid_type", "attributes is not of type array.", true)
		}
		p.Attrs = nil
		for _, a := range attrs {
			p.Attrs = append(p.Attrs, productAttr(a))
		}
	}
	if v, ok := raw["meta_data"]; ok {
		meta, err := s.applyMetaLocked(p.Meta, v)
		if err != nil {
			return err
		}
		p.Meta = meta
	}
	if v, ok := boolean(raw, "manage_stock"); ok {
		p.ManageStock = v
	}
	if v, ok := raw["stock_quantity"]; ok && !isNull(v) {
		n, _ := parseStock(v)
		p.Stock = &n
	}
	if st, ok := str(raw, "stock_status"); ok {
		p.StockStatus = st
	}
	if !p.ManageStock {
		p.Stock = nil
	} else {
		if p.Stock == nil {
			zero := 0
			p.Stock = &zero
		}
		p.StockStatus = "instock"
		if *p.Stock <= 0 {
			p.StockStatus = "outofstock"
			if p.Backorders != "no" {
				p.StockStatus = "onbackorder"
			}
		}
	}
	if p.Type == "virtual" {
		p.Type = "simple"
	}
	return nil
}

func (s *Server) newProductLocked(parent int) *product {
	now := s.now()
	p := &product{
		ID: s.nextPostID, ParentID: parent, Type: "simple", Status: "publish", StockStatus: "instock", Backorders: "no",
		TaxStatus: "taxable", CatalogVisibility: "visible", Created: now, Modified: now,
	}
	if parent != 0 {
		p.Type = "variation"
	}
	s.nextPostID++
	return p
}

// writeProduct creates (p == nil) or updates one product; it is shared by single and batch calls.
func (s *Server) writeProductLocked(existing *product, raw map[string]json.RawMessage, imgs []imageReq, parent int) (*product, *apiError) {
	if err := validateProductFields(raw); err != nil {
		return nil, err
	}
	p := existing
	creating := p == nil
	if creating {
		// WordPress creates the image attachments before the product, so they get the lower ids
		// (attachment 20, product 21 in fixture 04).
		if len(imgs) > 0 {
			ids, err := s.attachLocked(imgs)
			if err != nil {
				return nil, err
			}
			imgs = nil
			raw = withoutImages(raw)
			p = s.newProductLocked(parent)
			p.Images = ids
		} else {
			p = s.newProductLocked(parent)
		}
	} else {
		cp := *p
		p = &cp
	}
	if err := s.applyProductLocked(p, raw, imgs); err != nil {
		if creating {
			s.nextPostID-- // nothing was created
		}
		return nil, err
	}
	if creating {
		if p.Type != "variation" {
			if len(p.Categories) == 0 {
				p.Categories = []int{15}
			}
			p.Slug = s.uniqueSlugLocked(firstNonEmpty(p.Slug, slugify(p.Name)), p.ID)
		}
		if parent != 0 {
			par := s.products[parent]
			par.Variations = append(par.Variations, p.ID)
			sort.Ints(par.Variations)
		}
	} else {
		p.Modified = s.now()
	}
	s.products[p.ID] = p
	s.indexLocked(p)
	return p, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Server) listProducts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page, offset, perr := pageParams(q)
	if perr != nil {
		writeError(w, perr)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var skus map[string]bool
	if v := q.Get("sku"); v != "" {
		skus = map[string]bool{}
		for _, sku := range strings.Split(v, ",") {
			skus[strings.TrimSpace(sku)] = true
		}
	}
	var include map[int]bool
	for _, v := range append(q["include"], q["include[]"]...) {
		for _, id := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(id)); err == nil {
				if include == nil {
					include = map[int]bool{}
				}
				include[n] = true
			}
		}
	}
	var after time.Time
	if v := q.Get("modified_after"); v != "" {
		t, err := parseWPDate(v)
		if err != nil {
			writeError(w, invalidParam("modified_after", "rest_invalid_date", "Invalid date.", true))
			return
		}
		after = t
	}
	less, oerr := productSort(q.Get("orderby"), q.Get("order"))
	if oerr != nil {
		writeError(w, oerr)
		return
	}
	// status defaults to any, which is every status but trash (WordPress leaves statuses
	// excluded from search out of "any").
	status := q.Get("status")
	if status == "" {
		status = "any"
	}
	var list []*product
	for _, p := range s.products {
		if include != nil && !include[p.ID] {
			continue
		}
		if skus != nil {
			if !skus[p.SKU] {
				continue
			}
		} else if p.Type == "variation" {
			continue
		}
		if c := q.Get("category"); c != "" && !containsInt(p.Categories, atoi(c)) {
			continue
		}
		if (status == "any" && p.Status == "trash") || (status != "any" && p.Status != status) {
			continue
		}
		if !after.IsZero() && !p.Modified.After(after) {
			continue
		}
		list = append(list, p)
	}
	sort.Slice(list, func(i, j int) bool { return less(list[i], list[j]) })
	fields := responseFields(q)
	writePage(w, r, base, list, perPage, page, offset, func(p *product) any { return fields(s.renderProductLocked(base, p, false)) })
}

// productSort is the products collection's orderby (date by default) and order (desc by
// default); ties fall back to the id in the same direction, as WP_Query's SQL does. title and
// slug sort by text; price, popularity, rating and menu_order are accepted and sort by id (the
// fake does not model them).
func productSort(by, dir string) (func(a, b *product) bool, *apiError) {
	if dir == "" {
		dir = "desc"
	}
	if dir != "asc" && dir != "desc" {
		return nil, statusEnumError("order", "order", []string{"asc", "desc"})
	}
	cmpFn := func(a, b *product) int { return 0 }
	switch by {
	case "", "date":
		cmpFn = func(a, b *product) int { return a.Created.Compare(b.Created) }
	case "modified":
		cmpFn = func(a, b *product) int { return a.Modified.Compare(b.Modified) }
	case "title":
		cmpFn = func(a, b *product) int { return strings.Compare(a.Name, b.Name) }
	case "slug":
		cmpFn = func(a, b *product) int { return strings.Compare(a.Slug, b.Slug) }
	case "id", "include", "price", "popularity", "rating", "menu_order":
	default:
		return nil, statusEnumError("orderby", "orderby",
			[]string{"date", "modified", "id", "include", "title", "slug", "price", "popularity", "rating", "menu_order"})
	}
	return func(a, b *product) bool {
		c := cmpFn(a, b)
		if c == 0 {
			c = a.ID - b.ID
		}
		if dir == "asc" {
			return c < 0
		}
		return c > 0
	}, nil
}

// responseFields is WordPress's rest_filter_response_fields for _fields=a,b,c: each item keeps
// only the top-level fields listed (all of them without _fields).
func responseFields(q url.Values) func(v any) any {
	f := q.Get("_fields")
	if f == "" {
		return func(v any) any { return v }
	}
	keep := map[string]bool{}
	for _, k := range strings.Split(f, ",") {
		keep[strings.TrimSpace(k)] = true
	}
	return func(v any) any {
		b, err := json.Marshal(v)
		if err != nil {
			return v
		}
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil {
			return v
		}
		for k := range m {
			if !keep[k] {
				delete(m, k)
			}
		}
		return m
	}
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (s *Server) getProduct(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	if p == nil {
		writeError(w, errInvalidProductID(http.StatusNotFound))
		return
	}
	writeJSON(w, http.StatusOK, s.renderProductLocked(base, p, false))
}

// readProductWrite reads the body of a product or variation write, before the server lock is
// taken: decoded, checked by reject (when given), its fields validated and its images fetched, in
// the order WooCommerce reports those errors.
func (s *Server) readProductWrite(r *http.Request, reject func(map[string]json.RawMessage) *apiError) (map[string]json.RawMessage, []imageReq, *apiError) {
	raw, err := decodeBody(r)
	if err != nil {
		return nil, nil, err
	}
	if reject != nil {
		if err := reject(raw); err != nil {
			return nil, nil, err
		}
	}
	if err := validateProductFields(raw); err != nil {
		return nil, nil, err
	}
	imgs, err := s.checkImages(raw)
	if err != nil {
		return nil, nil, err
	}
	return raw, imgs, nil
}

func (s *Server) createProduct(w http.ResponseWriter, r *http.Request) {
	raw, imgs, err := s.readProductWrite(r, func(raw map[string]json.RawMessage) *apiError {
		if _, ok := raw["id"]; ok {
			return newError(http.StatusBadRequest, "woocommerce_rest_product_exists", "Cannot create existing product.")
		}
		return nil
	})
	if err != nil {
		writeError(w, err)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p, err := s.writeProductLocked(nil, raw, imgs, 0)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s%s/products/%d", base, restPrefix, p.ID))
	writeJSON(w, http.StatusCreated, s.renderProductLocked(base, p, true))
}

func (s *Server) updateProduct(w http.ResponseWriter, r *http.Request, id int) {
	raw, imgs, err := s.readProductWrite(r, nil)
	if err != nil {
		writeError(w, err)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	if p == nil || p.Type == "variation" {
		writeError(w, errInvalidProductID(http.StatusBadRequest))
		return
	}
	p, err = s.writeProductLocked(p, raw, imgs, 0)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, s.renderProductLocked(base, p, true))
}

func (s *Server) deleteProduct(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	if p == nil {
		writeError(w, errInvalidProductID(http.StatusNotFound))
		return
	}
	out := s.renderProductLocked(base, p, true)
	if r.URL.Query().Get("force") == "true" {
		s.deleteProductLocked(p)
	} else {
		cp := *p
		cp.Status = "trash"
		s.products[id] = &cp
		out.Status = "trash"
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteProductLocked(p *product) {
	for _, v := range p.Variations {
		delete(s.products, v)
	}
	if par := s.products[p.ParentID]; par != nil {
		var keep []int
		for _, v := range par.Variations {
			if v != p.ID {
				keep = append(keep, v)
			}
		}
		par.Variations = keep
	}
	delete(s.products, p.ID)
}

// batchItem is one per-item answer of a batch: the object or {"id":…, "error":…}.
type batchError struct {
	ID    *int      `json:"id"`
	Error *apiError `json:"error"`
}

type batchRequest struct {
	Create []map[string]json.RawMessage `json:"create"`
	Update []map[string]json.RawMessage `json:"update"`
	Delete []json.RawMessage            `json:"delete"`
}

type batchResponse struct {
	Create []any `json:"create,omitempty"`
	Update []any `json:"update,omitempty"`
	Delete []any `json:"delete,omitempty"`
}

func (s *Server) readBatch(w http.ResponseWriter, r *http.Request) (*batchRequest, bool) {
	var req batchRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return nil, false
	}
	if n := len(req.Create) + len(req.Update) + len(req.Delete); n > s.cfg.BatchLimit {
		writeError(w, newError(http.StatusRequestEntityTooLarge, "woocommerce_rest_request_entity_too_large",
			fmt.Sprintf("Unable to accept more than %d items for this request.", s.cfg.BatchLimit)))
		return nil, false
	}
	return &req, true
}

func intPtr(n int) *int { return &n }

func (s *Server) batchProducts(w http.ResponseWriter, r *http.Request) { s.batch(w, r, 0) }

func (s *Server) batchVariations(w http.ResponseWriter, r *http.Request, parent int) {
	s.mu.Lock()
	par := s.products[parent]
	s.mu.Unlock()
	if par == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_product_variation_invalid_id", "Invalid parent product."))
		return
	}
	s.batch(w, r, parent)
}

// batch serves /products/batch (parent 0) and /products/{parent}/variations/batch.
func (s *Server) batch(w http.ResponseWriter, r *http.Request, parent int) {
	req, ok := s.readBatch(w, r)
	if !ok {
		return
	}
	base := s.restBase(r)
	render := func(p *product) any {
		if parent != 0 {
			return s.renderVariationLocked(base, p)
		}
		return s.renderProductLocked(base, p, true)
	}
	// Image checks may do I/O, so they run before the lock.
	createImgs := make([][]imageReq, len(req.Create))
	createErr := make([]*apiError, len(req.Create))
	for i, raw := range req.Create {
		createImgs[i], createErr[i] = s.checkImages(raw)
	}
	updateImgs := make([][]imageReq, len(req.Update))
	updateErr := make([]*apiError, len(req.Update))
	for i, raw := range req.Update {
		updateImgs[i], updateErr[i] = s.checkImages(raw)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp batchResponse
	for i, raw := range req.Create {
		if createErr[i] != nil {
			resp.Create = append(resp.Create, batchError{ID: intPtr(0), Error: createErr[i]})
			continue
		}
		p, err := s.writeProductLocked(nil, raw, createImgs[i], parent)
		if err != nil {
			resp.Create = append(resp.Create, batchError{ID: intPtr(0), Error: err})
			continue
		}
		resp.Create = append(resp.Create, render(p))
	}
	for i, raw := range req.Update {
		var id int
		if v, ok := raw["id"]; ok {
			_ = json.Unmarshal(v, &id)
		}
		p := s.products[id]
		if id == 0 || p == nil || (parent != 0 && p.ParentID != parent) || (parent == 0 && p.Type == "variation") {
			var idp *int
			if id != 0 {
				idp = &id
			}
			resp.Update = append(resp.Update, batchError{ID: idp, Error: errInvalidProductID(http.StatusBadRequest)})
			continue
		}
		if updateErr[i] != nil {
			resp.Update = append(resp.Update, batchError{ID: &id, Error: updateErr[i]})
			continue
		}
		p, err := s.writeProductLocked(p, raw, updateImgs[i], parent)
		if err != nil {
			resp.Update = append(resp.Update, batchError{ID: &id, Error: err})
			continue
		}
		resp.Update = append(resp.Update, render(p))
	}
	for _, v := range req.Delete {
		id, _ := parseStock(v)
		p := s.products[id]
		if p == nil {
			resp.Delete = append(resp.Delete, batchError{ID: &id, Error: errInvalidProductID(http.StatusNotFound)})
			continue
		}
		out := render(p)
		s.deleteProductLocked(p)
		resp.Delete = append(resp.Delete, out)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) listVariations(w http.ResponseWriter, r *http.Request, parent int) {
	q := r.URL.Query()
	perPage, page, offset, perr := pageParams(q)
	if perr != nil {
		writeError(w, perr)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	par := s.products[parent]
	if par == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_product_variation_invalid_id", "Invalid parent product."))
		return
	}
	ids := append([]int(nil), par.Variations...)
	sort.Sort(sort.Reverse(sort.IntSlice(ids)))
	writePage(w, r, base, ids, perPage, page, offset, func(id int) Variation { return s.renderVariationLocked(base, s.products[id]) })
}

func (s *Server) getVariation(w http.ResponseWriter, r *http.Request, parent, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	v := s.products[id]
	if v == nil || v.ParentID != parent {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_product_variation_invalid_id", "Invalid ID."))
		return
	}
	writeJSON(w, http.StatusOK, s.renderVariationLocked(base, v))
}

func (s *Server) createVariation(w http.ResponseWriter, r *http.Request, parent int) {
	s.writeVariation(w, r, parent, 0)
}

func (s *Server) updateVariation(w http.ResponseWriter, r *http.Request, parent, id int) {
	s.writeVariation(w, r, parent, id)
}

func (s *Server) writeVariation(w http.ResponseWriter, r *http.Request, parent, id int) {
	raw, imgs, err := s.readProductWrite(r, nil)
	if err != nil {
		writeError(w, err)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.products[parent] == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_product_variation_invalid_id", "Invalid parent product."))
		return
	}
	var existing *product
	if id != 0 {
		existing = s.products[id]
		if existing == nil || existing.ParentID != parent {
			writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_product_variation_invalid_id", "Invalid ID."))
			return
		}
	}
	v, err := s.writeProductLocked(existing, raw, imgs, parent)
	if err != nil {
		writeError(w, err)
		return
	}
	status := http.StatusOK
	if id == 0 {
		status = http.StatusCreated
		w.Header().Set("Location", fmt.Sprintf("%s%s/products/%d/variations/%d", base, restPrefix, parent, v.ID))
	}
	writeJSON(w, status, s.renderVariationLocked(base, v))
}

// Products returns every product and variation in the REST (view) shape, newest first.
func (s *Server) Products() []Product {
	base := s.site()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Product
	for _, p := range s.products {
		out = append(out, s.renderProductLocked(base, p, false))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out
}

// ProductBySKU returns the product or variation with sku.
func (s *Server) ProductBySKU(sku string) (Product, bool) {
	for _, p := range s.Products() {
		if p.SKU == sku {
			return p, true
		}
	}
	return Product{}, false
}

// DeleteProduct deletes a product as the merchant does in wp-admin: to the trash (force false;
// it is then listed by no "any" query and its SKU is free), or permanently. Its attachments stay
// in the media library, as WordPress keeps them. It reports whether the product existed.
func (s *Server) DeleteProduct(id int, force bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	if p == nil {
		return false
	}
	if force {
		s.deleteProductLocked(p)
		return true
	}
	cp := *p
	cp.Status, cp.Modified = "trash", s.now()
	s.products[id] = &cp
	return true
}

// EditProduct changes a product as the merchant does by hand: fields are a REST update body
// ({"regular_price": "9.99", "stock_quantity": 69, "status": "draft"}), validated and applied
// as PUT /products/{id} would.
func (s *Server) EditProduct(id int, fields map[string]any) error {
	raw := map[string]json.RawMessage{}
	for k, v := range fields {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("wootest: edit product %d: %s: %w", id, k, err)
		}
		raw[k] = b
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.products[id]
	if p == nil || p.Type == "variation" {
		return fmt.Errorf("wootest: edit product %d: no such product", id)
	}
	if _, err := s.writeProductLocked(p, raw, nil, 0); err != nil {
		return fmt.Errorf("wootest: edit product %d: %s", id, err.Message)
	}
	return nil
}

// Attachments returns the number of media attachments created so far.
func (s *Server) Attachments() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.attachments)
}

func parseWPDate(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, dateLayout, "2006-01-02T15:04:05Z", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("wootest: invalid date %q", v)
}

func withoutImages(raw map[string]json.RawMessage) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(raw))
	for k, v := range raw {
		if k != "images" && k != "image" {
			out[k] = v
		}
	}
	return out
}
