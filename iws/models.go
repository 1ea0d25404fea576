package iws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Field names follow the official spec (PascalCase). encoding/json matches names case-insensitively on
// decode, which absorbs the spec's own `Mpn`/`MPN` and `Reference`/`reference` drift.

// Product is the spec's Product schema (GetCatalog, GetProducts, GetProduct).
type Product struct {
	Sku                  string        `json:"Sku"`
	Mpn                  string        `json:"Mpn"`
	Manufacturer         *Manufacturer `json:"Manufacturer,omitempty"`
	Brand                *Brand        `json:"Brand"`
	Category             *Category     `json:"Category,omitempty"`
	Description          string        `json:"Description"`
	Type                 string        `json:"Type"`
	ProductLine          *string       `json:"ProductLine,omitempty"`
	Model                *string       `json:"Model,omitempty"`
	New                  *bool         `json:"New,omitempty"`
	Price                *PriceData    `json:"Price,omitempty"`
	InStock              *Int          `json:"InStock,omitempty"`
	Locations            []Location    `json:"Locations,omitempty"`
	OnSale               *bool         `json:"OnSale,omitempty"`
	Upc                  *string       `json:"Upc,omitempty"`
	Freight              *Freight      `json:"Freight,omitempty"`
	Components           []string      `json:"Components,omitempty"`
	CompilationDate      *Time         `json:"CompilationDate,omitempty"`
	PrePurchaseStartDate *Time         `json:"PrePurchaseStartDate,omitempty"`
	PrePurchaseEndDate   *Time         `json:"PrePurchaseEndDate,omitempty"`
	PrePurchaseActive    *bool         `json:"PrePurchaseActive,omitempty"`
	RealStockValue       *bool         `json:"RealStockValue,omitempty"`
}

// Product types as IWS spells them.
const (
	TypePhysical     = "Physical"
	TypeLicense      = "License"
	TypeWarranty     = "Warranty"
	TypeDownloadable = "Downloadable"
)

// CatalogDescription is a GetCatalog product reduced to its SKU and its description
// (StreamCatalogDescriptions).
type CatalogDescription struct {
	Sku         string `json:"Sku"`
	Description string `json:"Description"`
}

// Manufacturer is a product's manufacturer.
type Manufacturer struct {
	ManufacturerID string `json:"ManufacturerId"`
	Description    string `json:"Description"`
}

// Brand is a product's brand.
type Brand struct {
	ManufacturerID string `json:"ManufacturerId"`
	BrandID        string `json:"BrandId"`
	Description    string `json:"Description"`
}

// Category is a node of the recursive category tree; ids are dotted (`cco`, `cco.case`).
type Category struct {
	CategoryID    string     `json:"CategoryId"`
	Description   string     `json:"Description"`
	Subcategories []Category `json:"Subcategories"`
}

// Leaf follows the first subcategory down to the deepest node, which is the product's own category.
func (c *Category) Leaf() *Category {
	for c != nil && len(c.Subcategories) > 0 {
		c = &c.Subcategories[0]
	}
	return c
}

// Path returns the category descriptions from root to leaf.
func (c *Category) Path() []string {
	var out []string
	for c != nil {
		out = append(out, c.Description)
		if len(c.Subcategories) == 0 {
			break
		}
		c = &c.Subcategories[0]
	}
	return out
}

// Location is the stock of one Intcomex warehouse.
type Location struct {
	ID    string `json:"Id"`
	Stock Int    `json:"Stock"`
}

// PriceData is the spec's PriceData schema. UnitPrice already includes discounts.
type PriceData struct {
	Sku                    string   `json:"Sku,omitempty"`
	Mpn                    string   `json:"Mpn,omitempty"`
	UnitPrice              Decimal  `json:"UnitPrice"`
	CurrencyID             string   `json:"CurrencyId"`
	PriceTaxAmount         *Decimal `json:"PriceTaxAmount,omitempty"`
	PricePlusTax           *Decimal `json:"PricePlusTax,omitempty"`
	OriginalPrice          *Decimal `json:"OriginalPrice,omitempty"`
	OriginalPriceTaxAmount *Decimal `json:"OriginalPriceTaxAmount,omitempty"`
	OriginalPricePlusTax   *Decimal `json:"OriginalPricePlusTax,omitempty"`
	BasePrice              *Decimal `json:"BasePrice,omitempty"`
	BasePriceTaxAmount     *Decimal `json:"BasePriceTaxAmount,omitempty"`
	BasePricePlusTax       *Decimal `json:"BasePricePlusTax,omitempty"`
	RebateAmount           *Decimal `json:"RebateAmount,omitempty"`
	TaxRate                *Decimal `json:"TaxRate,omitempty"`
}

// Currency returns the ISO 4217 code of the price.
func (p *PriceData) Currency() string { return NormalizeCurrency(p.CurrencyID) }

// PriceListItem is one element of GetPriceList. The spec's schema puts UnitPrice and CurrencyId at the top
// level (PriceData) while its example nests them under Price; both are decoded, and Price is filled from
// the top-level fields when it is absent.
type PriceListItem struct {
	Sku        string     `json:"Sku"`
	Mpn        string     `json:"Mpn,omitempty"`
	UnitPrice  *Decimal   `json:"UnitPrice,omitempty"`
	CurrencyID string     `json:"CurrencyId,omitempty"`
	Price      *PriceData `json:"Price"`
}

// Normalize makes Price the single source of truth after decoding either shape.
func (p *PriceListItem) Normalize() {
	if p.Price == nil && p.UnitPrice != nil {
		p.Price = &PriceData{UnitPrice: *p.UnitPrice, CurrencyID: p.CurrencyID}
	}
}

// InventoryData is one element of GetInventory.
type InventoryData struct {
	Sku            string     `json:"Sku"`
	Mpn            string     `json:"Mpn,omitempty"`
	InStock        Int        `json:"InStock"`
	Locations      []Location `json:"Locations"`
	RealStockValue *bool      `json:"RealStockValue,omitempty"`
}

// Freight holds item and package measurements. Units are pounds and inches (NOTES §4.1, inferred).
type Freight struct {
	Item    *Measures `json:"Item,omitempty"`
	Package *Measures `json:"Package,omitempty"`
}

// Measures are weight (lb) and dimensions (in).
type Measures struct {
	Weight *Decimal `json:"Weight,omitempty"`
	Length *Decimal `json:"Length,omitempty"`
	Width  *Decimal `json:"Width,omitempty"`
	Height *Decimal `json:"Height,omitempty"`
}

// Page is the pagination wrapper of GetCatalog and GetInventory (lower-camel keys, unlike everything else).
type Page[T any] struct {
	Page       int `json:"page"`
	PageSize   int `json:"pageSize"`
	TotalRows  int `json:"totalRows"`
	TotalPages int `json:"totalPages"`
	Data       []T `json:"data"`
}

// ExtendedProduct is one element of the DownloadExtendedCatalog file. Its keys are Spanish and not in the
// spec (NOTES §5.6); every key that is not a known field is a specification attribute named
// "<Group> / <Attribute>".
type ExtendedProduct struct {
	LocalSku           string            `json:"localSku"`
	Mpn                string            `json:"mpn"`
	CentralRecno       string            `json:"centralRecno,omitempty"`
	Descripcion        string            `json:"Descripcion"`
	DescripcionFabrica string            `json:"DescripcionFabrica,omitempty"`
	DescripcionMarca   string            `json:"DescripcionMarca,omitempty"`
	CategoriaCompleta  string            `json:"CategoriaCompleta,omitempty"`
	Imagenes           []ExtendedImage   `json:"Imagenes"`
	Attributes         map[string]string `json:"-"`
}

// ExtendedImage is one image of an extended-catalog product. Width and height arrive as strings.
type ExtendedImage struct {
	Angulo      *string `json:"angulo"`
	ImagenID    string  `json:"imagenId"`
	IsMainImage bool    `json:"isMainImage"`
	Ancho       String  `json:"ancho"`
	Alto        String  `json:"alto"`
	URL         string  `json:"url"`
}

var extendedKnownKeys = map[string]bool{
	"localsku": true, "mpn": true, "centralrecno": true, "descripcion": true, "descripcionfabrica": true,
	"descripcionmarca": true, "categoriacompleta": true, "imagenes": true,
}

// CategoryPath splits CategoriaCompleta on its `>>` separator.
func (e *ExtendedProduct) CategoryPath() []string {
	if e.CategoriaCompleta == "" {
		return nil
	}
	parts := strings.Split(e.CategoriaCompleta, ">>")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

// MainImage returns the URL of the image flagged main, else the first one, else "".
func (e *ExtendedProduct) MainImage() string {
	for _, im := range e.Imagenes {
		if im.IsMainImage {
			return im.URL
		}
	}
	if len(e.Imagenes) > 0 {
		return e.Imagenes[0].URL
	}
	return ""
}

// UnmarshalJSON decodes the known keys and keeps every other scalar as an attribute. The object is
// walked once (the extended catalog is the largest feed: two full decodes per item, one into the
// struct and one into a map, were most of its cost); a body that is not a valid JSON object takes
// the plain path, which reports the same errors as before.
func (e *ExtendedProduct) UnmarshalJSON(b []byte) error {
	b = trimJSONSpace(b)
	if len(b) < 2 || b[0] != '{' || !json.Valid(b) {
		return e.unmarshalPlain(b)
	}
	return e.unmarshalValid(b)
}

// extendedItem is an ExtendedProduct as StreamExtendedCatalog decodes it: the stream decoder hands
// each item over checked and in place, so it takes the one-pass walk without checking it again.
type extendedItem ExtendedProduct

// UnmarshalJSON implements json.Unmarshaler for JSON the decoder has checked.
func (e *extendedItem) UnmarshalJSON(b []byte) error {
	return (*ExtendedProduct)(e).unmarshalValid(b)
}

// unmarshalValid is UnmarshalJSON for b already checked as one JSON value: a JSON object takes
// the one-pass walk without checking it again.
func (e *ExtendedProduct) unmarshalValid(b []byte) error {
	b = trimJSONSpace(b)
	if len(b) < 2 || b[0] != '{' {
		return e.unmarshalPlain(b)
	}
	var p ExtendedProduct
	if err := eachMember(b, p.set); err != nil {
		return fmt.Errorf("iws: extended catalog item: %w", err)
	}
	if len(p.Attributes) == 0 {
		p.Attributes = nil // every attribute was removed again by a later null or object
	}
	*e = p
	return nil
}

// set stores one key of an extended-catalog object: a known field (names match without regard to
// case, as encoding/json matches them) or a scalar attribute. A later duplicate key wins.
func (e *ExtendedProduct) set(key string, v []byte) error {
	var dst *string
	switch {
	case strings.EqualFold(key, "localSku"):
		dst = &e.LocalSku
	case strings.EqualFold(key, "mpn"):
		dst = &e.Mpn
	case strings.EqualFold(key, "centralRecno"):
		dst = &e.CentralRecno
	case strings.EqualFold(key, "Descripcion"):
		dst = &e.Descripcion
	case strings.EqualFold(key, "DescripcionFabrica"):
		dst = &e.DescripcionFabrica
	case strings.EqualFold(key, "DescripcionMarca"):
		dst = &e.DescripcionMarca
	case strings.EqualFold(key, "CategoriaCompleta"):
		dst = &e.CategoriaCompleta
	case strings.EqualFold(key, "Imagenes"):
		if imgs, ok := walkImages(v); ok {
			e.Imagenes = imgs
		} else if err := json.Unmarshal(v, &e.Imagenes); err != nil {
			return err
		}
	default:
		if isASCII(key) {
			e.setAttribute(key, v)
			return nil
		}
	}
	if dst != nil {
		if len(v) > 0 && v[0] == '"' {
			s, err := jsonString(v)
			if err != nil {
				return err
			}
			*dst = s
		} else if err := json.Unmarshal(v, dst); err != nil {
			return err
		}
	}
	// A non-ASCII key may fold onto a field's name for encoding/json and still not be a known key
	// in lower case: it is then both, as it always was.
	if !isASCII(key) && !extendedKnownKeys[strings.ToLower(key)] {
		e.setAttribute(key, v)
	}
	return nil
}

// setAttribute keeps a scalar value as the attribute key; any other value (null, an object, an
// array) removes what an earlier duplicate key set.
func (e *ExtendedProduct) setAttribute(key string, v []byte) {
	var s String
	if len(v) == 0 || v[0] == '{' || v[0] == '[' || bytes.Equal(v, jsonNull) || s.UnmarshalJSON(v) != nil {
		delete(e.Attributes, key)
		return
	}
	if e.Attributes == nil {
		e.Attributes = make(map[string]string)
	}
	e.Attributes[key] = string(s)
}

// walkImages decodes the Imagenes array of valid JSON the way encoding/json would, for the
// shapes the real file has (null, or objects whose known keys hold strings, null or booleans);
// ok is false for anything else, which then goes through encoding/json and its errors.
func walkImages(b []byte) (imgs []ExtendedImage, ok bool) {
	if bytes.Equal(b, jsonNull) {
		return nil, true
	}
	if len(b) < 2 || b[0] != '[' {
		return nil, false
	}
	imgs = []ExtendedImage{}
	err := eachElement(b, func(v []byte) error {
		if v[0] != '{' {
			return errNotPlain
		}
		var im ExtendedImage
		if err := eachMember(v, im.set); err != nil {
			return err
		}
		imgs = append(imgs, im)
		return nil
	})
	if err != nil {
		return nil, false
	}
	return imgs, true
}

// errNotPlain makes walkImages leave a value to encoding/json.
var errNotPlain = errors.New("iws: not a plain value")

// set stores one key of an image object; errNotPlain for a value whose decoding it leaves to
// encoding/json (a type that would be an error, a number, a non-ASCII key...).
func (im *ExtendedImage) set(key string, v []byte) error {
	null := bytes.Equal(v, jsonNull)
	// str decodes a string into dst; null leaves dst alone, as encoding/json does.
	str := func(dst *string) error {
		if null {
			return nil
		}
		if len(v) == 0 || v[0] != '"' {
			return errNotPlain
		}
		s, err := jsonString(v)
		if err != nil {
			return errNotPlain
		}
		*dst = s
		return nil
	}
	switch {
	case !isASCII(key):
		return errNotPlain // encoding/json folds some non-ASCII keys onto field names
	case strings.EqualFold(key, "angulo"):
		if null {
			im.Angulo = nil
			return nil
		}
		im.Angulo = new(string)
		return str(im.Angulo)
	case strings.EqualFold(key, "imagenId"):
		return str(&im.ImagenID)
	case strings.EqualFold(key, "url"):
		return str(&im.URL)
	case strings.EqualFold(key, "isMainImage"):
		switch {
		case null:
		case bytes.Equal(v, []byte("true")):
			im.IsMainImage = true
		case bytes.Equal(v, []byte("false")):
			im.IsMainImage = false
		default:
			return errNotPlain
		}
		return nil
	case strings.EqualFold(key, "ancho"):
		return im.Ancho.UnmarshalJSON(v)
	case strings.EqualFold(key, "alto"):
		return im.Alto.UnmarshalJSON(v)
	}
	return nil // an unknown key is ignored, as encoding/json ignores it
}

// eachMember calls fn with every member of the JSON object b (valid, b[0] == '{'), in order.
func eachMember(b []byte, fn func(key string, v []byte) error) error {
	i := skipSpace(b, 1)
	for i < len(b) && b[i] != '}' {
		kEnd := endOfString(b, i)
		key, err := jsonString(b[i:kEnd])
		if err != nil {
			return err
		}
		i = skipSpace(b, skipSpace(b, kEnd)+1) // past ':'
		vEnd := endOfValue(b, i)
		if err := fn(key, b[i:vEnd]); err != nil {
			return err
		}
		i = skipSpace(b, vEnd)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

// unmarshalPlain is the two-pass decoding: into the struct, then every key into a map.
func (e *ExtendedProduct) unmarshalPlain(b []byte) error {
	type plain ExtendedProduct
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("iws: extended catalog item: %w", err)
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return fmt.Errorf("iws: extended catalog item: %w", err)
	}
	for k, v := range all {
		if extendedKnownKeys[strings.ToLower(k)] {
			continue
		}
		(*ExtendedProduct)(&p).setAttribute(k, bytes.TrimSpace(v))
	}
	*e = ExtendedProduct(p)
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// trimJSONSpace trims the whitespace JSON allows around a value (bytes.TrimSpace would also
// take a form feed, which JSON refuses).
func trimJSONSpace(b []byte) []byte {
	return bytes.TrimRight(bytes.TrimLeft(b, " \t\n\r"), " \t\n\r")
}

// The helpers below walk JSON already checked by json.Valid.

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// endOfString is the index after the string starting at b[i] ('"').
func endOfString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(b)
}

// endOfValue is the index after the value starting at b[i].
func endOfValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		return endOfString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = endOfString(b, j) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
		j++
	}
	return j
}

// jsonString decodes a JSON string token; one without escapes in valid UTF-8 is copied as is.
func jsonString(tok []byte) (string, error) {
	in := tok[1 : len(tok)-1]
	if bytes.IndexByte(in, '\\') < 0 && utf8.Valid(in) {
		return string(in), nil
	}
	var s string
	err := json.Unmarshal(tok, &s)
	return s, err
}

// MarshalJSON writes the known keys and the attributes as top-level keys, as the real file does.
func (e ExtendedProduct) MarshalJSON() ([]byte, error) {
	type plain ExtendedProduct
	base, err := json.Marshal(plain(e))
	if err != nil {
		return nil, err
	}
	if len(e.Attributes) == 0 {
		return base, nil
	}
	extra, err := json.Marshal(e.Attributes)
	if err != nil {
		return nil, err
	}
	// Splice {"known":…} and {"attr":…} into one object.
	out := make([]byte, 0, len(base)+len(extra))
	out = append(out, base[:len(base)-1]...)
	out = append(out, ',')
	out = append(out, extra[1:]...)
	return out, nil
}

// RequestOrderItem is one line of PlaceOrder/ProcessOrder.
type RequestOrderItem struct {
	Sku                  string   `json:"Sku"`
	Quantity             Int      `json:"Quantity"`
	Price                *Decimal `json:"Price,omitempty"`
	Discounts            *Decimal `json:"Discounts,omitempty"`
	DiscountType         string   `json:"DiscountType,omitempty"`
	CouponCodes          []string `json:"CouponCodes,omitempty"`
	StoreItemID          string   `json:"StoreItemId,omitempty"`
	TaxesIncludedInPrice *bool    `json:"TaxesIncludedInPrice,omitempty"`
}

// RequestOrder is the object form of the PlaceOrder body (the other form is a bare []RequestOrderItem).
type RequestOrder struct {
	OrderNumber           string             `json:"OrderNumber,omitempty"`
	LocationID            string             `json:"LocationId,omitempty"`
	Tag                   string             `json:"Tag,omitempty"`
	CustomerOrderNumber   string             `json:"CustomerOrderNumber,omitempty"`
	CarrierID             string             `json:"CarrierId,omitempty"`
	Total                 *Decimal           `json:"Total,omitempty"`
	Discounts             *Decimal           `json:"Discounts,omitempty"`
	DiscountType          string             `json:"DiscountType,omitempty"`
	CouponCodes           []string           `json:"CouponCodes,omitempty"`
	TaxRegistrationNumber string             `json:"TaxRegistrationNumber,omitempty"`
	InvoiceRequested      *bool              `json:"InvoiceRequested,omitempty"`
	ReceiveInvoiceByMail  *bool              `json:"ReceiveInvoiceByMail,omitempty"`
	StoreOrder            *StoreOrder        `json:"StoreOrder,omitempty"`
	Payments              []Payment          `json:"Payments,omitempty"`
	Shipments             []Shipment         `json:"Shipments,omitempty"`
	Items                 []RequestOrderItem `json:"Items,omitempty"`
	TaxesIncludedInPrice  *bool              `json:"TaxesIncludedInPrice,omitempty"`
	Attachments           []Attachment       `json:"Attachments,omitempty"`
	Options               *OrderOptions      `json:"Options,omitempty"`
	AddressID             *Int               `json:"AddressId,omitempty"`
}

// OrderOptions are PlaceOrder options.
type OrderOptions struct {
	OverrideStoreOrderValidation bool `json:"OverrideStoreOrderValidation"`
}

// StoreOrder is the B2C end-customer block.
type StoreOrder struct {
	StoreID          string             `json:"StoreId,omitempty"`
	StoreOrderNumber string             `json:"StoreOrderNumber,omitempty"`
	Customer         *StoreOrderPerson  `json:"Customer,omitempty"`
	Billing          *StoreOrderAddress `json:"Billing,omitempty"`
	Shipping         *StoreOrderAddress `json:"Shipping,omitempty"`
	DeliveryType     string             `json:"DeliveryType,omitempty"`
	OrderTotal       *Decimal           `json:"OrderTotal,omitempty"`
	BusinessType     string             `json:"BusinessType,omitempty"`
}

// StoreOrderPerson is the end customer of a store order.
type StoreOrderPerson struct {
	FirstName  string `json:"FirstName,omitempty"`
	LastName   string `json:"LastName,omitempty"`
	Email      string `json:"Email,omitempty"`
	DocumentID string `json:"DocumentId,omitempty"`
	Cellphone  string `json:"Cellphone,omitempty"`
}

// StoreOrderAddress is a billing or shipping address of a store order.
type StoreOrderAddress struct {
	FirstName                 string `json:"FirstName,omitempty"`
	LastName                  string `json:"LastName,omitempty"`
	Email                     string `json:"Email,omitempty"`
	DocumentID                string `json:"DocumentId,omitempty"`
	Cellphone                 string `json:"Cellphone,omitempty"`
	LandLinePhone             string `json:"LandLinePhone,omitempty"`
	OtherPhone                string `json:"OtherPhone,omitempty"`
	Address                   string `json:"Address,omitempty"`
	SuiteNumber               string `json:"SuiteNumber,omitempty"`
	ComplexName               string `json:"ComplexName,omitempty"`
	LastLocalizationReference string `json:"LastLocalizationReference,omitempty"`
	State                     string `json:"State,omitempty"`
	StateID                   string `json:"StateId,omitempty"`
	City                      string `json:"City,omitempty"`
	Neighborhood              string `json:"Neighborhood,omitempty"`
	PostalCode                string `json:"PostalCode,omitempty"`
	CountryID                 string `json:"CountryId,omitempty"`
}

// Payment is a payment registered on an order.
type Payment struct {
	PaymentID     *Int    `json:"PaymentId,omitempty"`
	Amount        Decimal `json:"Amount"`
	Memo          string  `json:"Memo,omitempty"`
	Authorization string  `json:"Authorization,omitempty"`
	BankName      string  `json:"BankName,omitempty"`
	BankAccount   String  `json:"BankAccount,omitempty"`
	PaymentTypeID String  `json:"PaymentTypeId,omitempty"`
	Partial       bool    `json:"Partial"`
}

// Shipment is a shipment of an order, with its tracking data.
type Shipment struct {
	ShipmentID        *Int     `json:"ShipmentId,omitempty"`
	FreightService    string   `json:"FreightService,omitempty"`
	FreightShipmentID String   `json:"FreightShipmentId,omitempty"`
	ServiceType       string   `json:"ServiceType"`
	PackingType       string   `json:"PackingType,omitempty"`
	CarrierID         string   `json:"CarrierId,omitempty"`
	Amount            Decimal  `json:"Amount"`
	FreightCost       *Decimal `json:"FreightCost,omitempty"`
	TrackingID        String   `json:"TrackingId,omitempty"`
	TrackingURL       string   `json:"TrackingUrl,omitempty"`
	LabelURL          string   `json:"LabelUrl,omitempty"`
}

// Attachment is a document attached to an order.
type Attachment struct {
	ID          *Int   `json:"Id,omitempty"`
	Type        string `json:"Type,omitempty"`
	Description string `json:"Description,omitempty"`
	FileName    string `json:"FileName,omitempty"`
	Content     string `json:"Content,omitempty"`
}

// Status is the spec's TransactionStatus: StatusCode arrives as a number or a string.
type Status struct {
	StatusCode  Int    `json:"StatusCode"`
	Description string `json:"Description"`
}

// Order status codes (NOTES §6.4).
const (
	StatusOpen           = 1
	StatusInProcess      = 2
	StatusBackOrder      = 3
	StatusReadyToDeliver = 4
	StatusInvoiced       = 5
	StatusCanceled       = 6
	StatusDelivered      = 7
)

// StatusDescription returns the spec's description of a status code.
func StatusDescription(code int) string {
	switch code {
	case StatusOpen:
		return "Open"
	case StatusInProcess:
		return "In process"
	case StatusBackOrder:
		return "Back Order"
	case StatusReadyToDeliver:
		return "Ready to deliver"
	case StatusInvoiced:
		return "Invoiced/Closed"
	case StatusCanceled:
		return "Canceled"
	case StatusDelivered:
		return "Delivered"
	}
	return "Unknown"
}

// OrderStatus is the GetOrderStatus response: {"Status": {"StatusCode": "1", "Description": "Open"}}.
type OrderStatus struct {
	Status Status `json:"Status"`
}

// OrderCurrency is the currency block of an order or customer.
type OrderCurrency struct {
	CurrencyID     string   `json:"CurrencyId"`
	CurrencyCode   *string  `json:"CurrencyCode"`
	Description    *string  `json:"Description"`
	Symbol         *string  `json:"Symbol"`
	UsExchangeRate *Decimal `json:"UsExchangeRate"`
}

// Customer is the Intcomex customer account on an order or invoice.
type Customer struct {
	CustomerID string         `json:"CustomerId"`
	Name       string         `json:"Name"`
	Company    *IDName        `json:"Company,omitempty"`
	Country    *IDName        `json:"Country,omitempty"`
	Currency   *OrderCurrency `json:"Currency,omitempty"`
}

// IDName is an {Id, Name} pair.
type IDName struct {
	ID   string `json:"Id"`
	Name string `json:"Name"`
}

// SalesOrderItem is one line of a SalesOrder.
type SalesOrderItem struct {
	LineNumber           Int       `json:"LineNumber"`
	Product              *Product  `json:"Product"`
	Quantity             Int       `json:"Quantity"`
	LocationID           string    `json:"LocationId,omitempty"`
	UnitPrice            *Money    `json:"UnitPrice,omitempty"`
	ExtendedPrice        *Money    `json:"ExtendedPrice,omitempty"`
	Discounts            *Money    `json:"Discounts,omitempty"`
	DiscountType         string    `json:"DiscountType,omitempty"`
	CouponCodes          []string  `json:"CouponCodes"`
	StoreItemID          *string   `json:"StoreItemId"`
	Comments             *string   `json:"Comments"`
	Components           []Product `json:"Components"`
	ParentSku            *string   `json:"ParentSku"`
	TaxesIncludedInPrice *bool     `json:"TaxesIncludedInPrice,omitempty"`
}

// SalesOrder is the order returned by PlaceOrder, GetOrder, GetOrders, UpdateOrder, CancelOrder and
// ReleaseOrder.
type SalesOrder struct {
	OrderNumber              String           `json:"OrderNumber"`
	OrderDate                *Time            `json:"OrderDate,omitempty"`
	Customer                 *Customer        `json:"Customer,omitempty"`
	CustomerOrderNumber      string           `json:"CustomerOrderNumber"`
	StoreOrder               *StoreOrder      `json:"StoreOrder"`
	Items                    []SalesOrderItem `json:"Items"`
	ItemCount                Int              `json:"ItemCount"`
	CouponCodes              []string         `json:"CouponCodes"`
	TaxRegistrationNumber    *string          `json:"TaxRegistrationNumber"`
	InvoiceRequested         bool             `json:"InvoiceRequested"`
	ReceiveInvoiceByMail     bool             `json:"ReceiveInvoiceByMail"`
	Payments                 []Payment        `json:"Payments"`
	Shipments                []Shipment       `json:"Shipments"`
	OnHold                   bool             `json:"OnHold"`
	HoldReason               *string          `json:"HoldReason"`
	HoldID                   *string          `json:"HoldId"`
	PaymentOriginalDoc       *string          `json:"PaymentOriginalDoc"`
	TotalPayments            *Decimal         `json:"TotalPayments,omitempty"`
	Status                   Status           `json:"Status"`
	Currency                 *OrderCurrency   `json:"Currency,omitempty"`
	Comments                 *string          `json:"Comments"`
	TaxRate                  *Decimal         `json:"TaxRate,omitempty"`
	OtherFees                *String          `json:"OtherFees,omitempty"`
	Subtotal                 *Money           `json:"Subtotal,omitempty"`
	Discounts                *Money           `json:"Discounts,omitempty"`
	DiscountType             *string          `json:"DiscountType,omitempty"`
	Tax                      *Money           `json:"Tax,omitempty"`
	ShippingFee              *Money           `json:"ShippingFee,omitempty"`
	Total                    *Money           `json:"Total,omitempty"`
	Tag                      *string          `json:"Tag"`
	PrintedInvoiceNumber     *string          `json:"PrintedInvoiceNumber"`
	CarrierID                *string          `json:"CarrierId"`
	WaybillDocumentAvailable bool             `json:"WaybillDocumentAvailable"`
	Attachments              []Attachment     `json:"Attachments"`
	SerialNumbers            []string         `json:"SerialNumbers"`
	PickNumber               *Int             `json:"PickNumber,omitempty"`
	PickDate                 *string          `json:"PickDate,omitempty"`
	PackNumber               *Int             `json:"PackNumber,omitempty"`
	PackDate                 *string          `json:"PackDate,omitempty"`
	AddressNo                *Int             `json:"AddressNo,omitempty"`
	ShipAddress              []string         `json:"ShipAddress,omitempty"`
}

// UnmarshalJSON also accepts the spec's variant keys: TotalPaymentsAmount for TotalPayments and
// Ship-Address for ShipAddress.
func (o *SalesOrder) UnmarshalJSON(b []byte) error {
	type plain SalesOrder
	var w struct {
		plain
		TotalPaymentsAmount *Decimal `json:"TotalPaymentsAmount"`
		ShipAddressDashed   []string `json:"Ship-Address"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("iws: sales order: %w", err)
	}
	*o = SalesOrder(w.plain)
	if o.TotalPayments == nil {
		o.TotalPayments = w.TotalPaymentsAmount
	}
	if o.ShipAddress == nil {
		o.ShipAddress = w.ShipAddressDashed
	}
	return nil
}

// Invoice is the GetInvoice response.
type Invoice struct {
	InvoiceNumber               String         `json:"InvoiceNumber"`
	InvoiceDate                 *Time          `json:"InvoiceDate,omitempty"`
	Customer                    *Customer      `json:"Customer,omitempty"`
	OnHold                      bool           `json:"OnHold"`
	FiscalPeriod                *Int           `json:"FiscalPeriod,omitempty"`
	FiscalYear                  *Int           `json:"FiscalYear,omitempty"`
	TransactionAmount           *Money         `json:"TransactionAmount,omitempty"`
	ExchangeRate                *Decimal       `json:"ExchangeRate,omitempty"`
	DiscountsAmount             *Money         `json:"DiscountsAmount,omitempty"`
	DiscountableAmount          *Money         `json:"DiscountableAmount,omitempty"`
	SalesAmount                 *Money         `json:"SalesAmount,omitempty"`
	Comments                    string         `json:"Comments,omitempty"`
	Memo                        string         `json:"Memo,omitempty"`
	PaymentNotes                string         `json:"PaymentNotes,omitempty"`
	BankID                      string         `json:"BankId,omitempty"`
	DepositNumber               *Decimal       `json:"DepositNumber,omitempty"`
	FullyPaid                   bool           `json:"FullyPaid"`
	FullyPaidDate               *Time          `json:"FullyPaidDate,omitempty"`
	DueDate                     *Time          `json:"DueDate,omitempty"`
	TermID                      string         `json:"TermId,omitempty"`
	EntryNumber                 *Decimal       `json:"EntryNumber,omitempty"`
	Pseudo                      bool           `json:"Pseudo"`
	Voided                      bool           `json:"Voided"`
	PayByCheque                 bool           `json:"PayByCheque"`
	RefundPaid                  bool           `json:"RefundPaid"`
	MultiTerm                   bool           `json:"MultiTerm"`
	AutoFax                     bool           `json:"AutoFax"`
	Official                    bool           `json:"Official"`
	CreditCardAuthorizationCode string         `json:"CreditCardAuthorizationCode"`
	CreditCardTransactionID     string         `json:"CreditCardTransactionId"`
	OrderEmail                  string         `json:"OrderEmail"`
	RebateNumber                *Decimal       `json:"RebateNumber,omitempty"`
	TaxRegistrationNumber       string         `json:"TaxRegistrationNumber,omitempty"`
	Currency                    *OrderCurrency `json:"Currency,omitempty"`
	CarrierID                   string         `json:"CarrierId,omitempty"`
	InvoiceURL                  string         `json:"InvoiceUrl"`
	InvoiceURLXML               string         `json:"InvoiceUrlXML,omitempty"`
	Status                      *Status        `json:"Status,omitempty"`
}

// Process is the ProcessOrder/GetProcess answer. The schema spells its keys lower-camel, the examples
// PascalCase with different names (LatestEvent, LatestUpdate); both decode.
type Process struct {
	ID           Int          `json:"Id"`
	Reference    string       `json:"Reference"`
	Description  string       `json:"Description"`
	Progress     Int          `json:"Progress"`
	Status       string       `json:"Status"`
	LastEvent    string       `json:"lastEvent,omitempty"`
	LastUpdated  *Time        `json:"lastUpdated,omitempty"`
	LatestEvent  string       `json:"LatestEvent,omitempty"`
	LatestUpdate *Time        `json:"LatestUpdate,omitempty"`
	UserData     *ProcessData `json:"userData,omitempty"`
}

// Process states.
const (
	ProcessActive     = "Active"
	ProcessSuccessful = "Successful"
	ProcessFailed     = "Failed"
)

// Done reports whether the process finished, and whether it succeeded. The spec's example misspells
// Successful as "Sucessful"; both count.
func (p *Process) Done() (done, ok bool) {
	switch strings.ToLower(p.Status) {
	case "successful", "sucessful":
		return true, true
	case "failed":
		return true, false
	}
	return false, false
}

// Event returns the latest event text, whichever key carried it.
func (p *Process) Event() string {
	if p.LatestEvent != "" {
		return p.LatestEvent
	}
	return p.LastEvent
}

// ProcessData is GetProcess's userData: the Intcomex order number (a JSON string) on success, an error
// object on failure.
type ProcessData struct {
	OrderNumber string `json:"-"`
	Type        string `json:"Type,omitempty"`
	Message     string `json:"Message,omitempty"`
	Reference   string `json:"Reference,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *ProcessData) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		var s String
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		*d = ProcessData{OrderNumber: string(s)}
		return nil
	}
	type plain ProcessData
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("iws: process userData: %w", err)
	}
	*d = ProcessData(p)
	return nil
}

// MarshalJSON writes the order number as a string, or the error object.
func (d ProcessData) MarshalJSON() ([]byte, error) {
	if d.OrderNumber != "" {
		return json.Marshal(d.OrderNumber)
	}
	type plain ProcessData
	return json.Marshal(plain(d))
}

// ShippingRate is one answer of CalculateShippingRates.
type ShippingRate struct {
	ID            Int      `json:"Id"`
	Amount        Decimal  `json:"Amount"`
	CurrencyID    string   `json:"CurrencyId"`
	MinimumWeight *Decimal `json:"MinimumWeight,omitempty"`
	MaximumWeight *Decimal `json:"MaximumWeight,omitempty"`
	ServiceType   string   `json:"ServiceType"`
	DurationTerms string   `json:"DurationTerms,omitempty"`
	Days          *Int     `json:"Days,omitempty"`
	Trackable     bool     `json:"Trackable"`
	CollectHome   bool     `json:"CollectHome"`
	Provider      string   `json:"Provider,omitempty"`
	ProviderImage string   `json:"ProviderImage,omitempty"`
	ExtendedZone  bool     `json:"ExtendedZone"`
	ServiceID     string   `json:"ServiceId,omitempty"`
	OwnerContract bool     `json:"OwnerContract"`
}

// CurrencyInfo is the GetCurrency response.
type CurrencyInfo struct {
	CurrencyID      string        `json:"CurrencyId"`
	CurrencyCode    string        `json:"CurrencyCode"`
	Description     string        `json:"Description"`
	Symbol          string        `json:"Symbol"`
	UsdExchangeRate *ExchangeRate `json:"UsdExchangeRate,omitempty"`
}

// ExchangeRate is the US dollar exchange rate of a currency.
type ExchangeRate struct {
	PurchaseRate    Decimal `json:"PurchaseRate"`
	SellRate        Decimal `json:"SellRate"`
	PurchaseTaxRate Decimal `json:"PurchaseTaxRate"`
	SellTaxRate     Decimal `json:"SellTaxRate"`
	PayRate         Decimal `json:"PayRate"`
}

// OrderStatusUpdate is the body of the IWS OrderStatusUpdate webhook. Data comes in three shapes
// (NOTES §9); Updates normalizes them.
type OrderStatusUpdate struct {
	CallID      string          `json:"CallId"`
	WebhookType string          `json:"WebhookType"`
	TimeStamp   String          `json:"TimeStamp"`
	Data        json.RawMessage `json:"Data"`
}

// OrderStatusChange is one order's new status from a webhook.
type OrderStatusChange struct {
	OrderNumber string
	Status      Status
}

// Updates decodes Data in any of its documented shapes: one object with a Status object, or an array of
// objects whose Status is an object, an array of objects, or a JSON string holding either.
func (u *OrderStatusUpdate) Updates() ([]OrderStatusChange, error) {
	data := bytes.TrimSpace(u.Data)
	if len(data) == 0 || bytes.Equal(data, jsonNull) {
		return nil, nil
	}
	type item struct {
		OrderNumber String          `json:"OrderNumber"`
		Status      json.RawMessage `json:"Status"`
	}
	var items []item
	if data[0] == '{' {
		var one item
		if err := json.Unmarshal(data, &one); err != nil {
			return nil, fmt.Errorf("iws: webhook data: %w", err)
		}
		items = []item{one}
	} else if err := json.Unmarshal(data, &items); err != nil {
		return nil, fmt.Errorf("iws: webhook data: %w", err)
	}
	out := make([]OrderStatusChange, 0, len(items))
	for _, it := range items {
		st, err := decodeWebhookStatus(it.Status)
		if err != nil {
			return nil, fmt.Errorf("iws: webhook status of order %s: %w", it.OrderNumber, err)
		}
		out = append(out, OrderStatusChange{OrderNumber: string(it.OrderNumber), Status: st})
	}
	return out, nil
}

func decodeWebhookStatus(raw json.RawMessage) (Status, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var inner string
		if err := json.Unmarshal(raw, &inner); err != nil {
			return Status{}, err
		}
		raw = bytes.TrimSpace([]byte(inner))
	}
	if len(raw) > 0 && raw[0] == '[' {
		var list []Status
		if err := json.Unmarshal(raw, &list); err != nil {
			return Status{}, err
		}
		if len(list) == 0 {
			return Status{}, fmt.Errorf("empty status list")
		}
		return list[len(list)-1], nil
	}
	var st Status
	if err := json.Unmarshal(raw, &st); err != nil {
		return Status{}, err
	}
	return st, nil
}
