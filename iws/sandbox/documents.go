package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/iws"
)

// serveInvoiceDocument answers the InvoiceUrl (/invoices/{n}.pdf) and InvoiceUrlXML
// (/invoices/{n}.xml) links of GetInvoice. Like the real document links they need no IWS token.
func (s *Sandbox) serveInvoiceDocument(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.ToLower(r.URL.Path[len("/invoices/"):])
	number, ext := name, ""
	if dot := strings.LastIndexByte(name, '.'); dot >= 0 {
		number, ext = name[:dot], name[dot+1:]
	}
	s.mu.Lock()
	o := s.book.byInvoice[number]
	var doc invoiceDoc
	if o != nil {
		doc = s.invoiceDoc(o)
	}
	s.mu.Unlock()
	if o == nil {
		http.NotFound(w, r)
		return
	}
	var body []byte
	switch ext {
	case "pdf":
		w.Header().Set("Content-Type", "application/pdf")
		body = doc.pdf()
	case "xml":
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		body = doc.xml()
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

// invoiceDoc is what an invoice document shows, copied out under the lock.
type invoiceDoc struct {
	XMLName  xml.Name `xml:"Invoice"`
	Number   string   `xml:"Number"`
	Date     string   `xml:"Date"`
	Order    string   `xml:"OrderNumber"`
	Customer string   `xml:"Customer"`
	Currency string   `xml:"Currency"`
	Lines    []struct {
		Sku      string `xml:"Sku"`
		Quantity int    `xml:"Quantity"`
		Price    string `xml:"UnitPrice"`
	} `xml:"Lines>Line"`
	Subtotal string `xml:"Subtotal"`
	Tax      string `xml:"Tax"`
	Total    string `xml:"Total"`
}

func (s *Sandbox) invoiceDoc(o *order) invoiceDoc {
	d := invoiceDoc{
		Number: o.InvoiceNumber, Date: o.InvoiceDate.UTC().Format(time.DateOnly), Order: o.Number,
		Customer: customer.CustomerID + " " + customer.Name, Currency: "USD",
		Subtotal: o.Subtotal.StringFixed(2), Tax: o.Tax.StringFixed(2), Total: o.Total.StringFixed(2),
	}
	for _, l := range o.Lines {
		d.Lines = append(d.Lines, struct {
			Sku      string `xml:"Sku"`
			Quantity int    `xml:"Quantity"`
			Price    string `xml:"UnitPrice"`
		}{l.Sku, l.Quantity, l.UnitPrice.String()})
	}
	return d
}

func (d invoiceDoc) xml() []byte {
	b, err := xml.MarshalIndent(d, "", "  ")
	if err != nil {
		panic("sandbox: invoice xml: " + err.Error()) // only strings and ints: cannot fail
	}
	return append([]byte(xml.Header), b...)
}

// pdf renders a one-page PDF with the invoice as plain text, offsets computed for a valid xref.
func (d invoiceDoc) pdf() []byte {
	lines := []string{
		"INTCOMEX (IWS sandbox) - Factura / Invoice " + d.Number,
		"Fecha / Date: " + d.Date + "    Pedido / Order: " + d.Order,
		"Cliente / Customer: " + d.Customer,
		"",
	}
	for _, l := range d.Lines {
		lines = append(lines, fmt.Sprintf("%-12s x %4d  @ %s %s", l.Sku, l.Quantity, d.Currency, l.Price))
	}
	lines = append(lines, "", "Subtotal: "+d.Currency+" "+d.Subtotal, "IVA / Tax: "+d.Currency+" "+d.Tax,
		"Total: "+d.Currency+" "+d.Total, "", "Documento de prueba sin validez tributaria / Test document, not a tax invoice.")
	var content bytes.Buffer
	content.WriteString("BT /F1 11 Tf 56 760 Td 14 TL\n")
	for _, l := range lines {
		content.WriteString("(" + pdfEscape(l) + ") Tj T*\n")
	}
	content.WriteString("ET\n")

	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
	}
	var out bytes.Buffer
	out.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, obj := range objects {
		offsets[i] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", i+1, obj)
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, xref)
	return out.Bytes()
}

// pdfEscape makes s safe inside a PDF literal string in the standard (ASCII) font encoding.
func pdfEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 32 || r > 126:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// serveTracking answers the TrackingUrl of a shipment with a small page.
func (s *Sandbox) serveTracking(w http.ResponseWriter, r *http.Request) {
	id := strings.Trim(r.URL.Path[len("/tracking/"):], "/")
	s.mu.Lock()
	var found *order
	var sh shipment
	for _, o := range s.book.orders {
		for _, x := range o.Shipments {
			if x.TrackingID == id {
				found, sh = o, x
			}
		}
	}
	var status int
	if found != nil {
		status = found.Status
	}
	s.mu.Unlock()
	if found == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>Tracking %s</title><h1>Envío / Shipment %s</h1><p>Transportista / Carrier: %s</p><p>Pedido / Order: %s</p><p>Estado / Status: %s</p><p>Despachado / Shipped: %s</p>",
		html.EscapeString(id), html.EscapeString(id), html.EscapeString(sh.CarrierID), html.EscapeString(found.Number),
		html.EscapeString(iws.StatusDescription(status)), sh.Date.UTC().Format(time.RFC3339))
}
