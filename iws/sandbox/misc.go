package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
)

// process is an asynchronous ProcessOrder run.
type process struct {
	id          int64
	ref         string
	status      string
	progress    int
	event       string
	updated     time.Time
	orderNumber string
	err         *apiError
	errRef      string
}

// wire renders the process. The spec's schema spells the event keys lastEvent/lastUpdated, its
// examples LatestEvent/LatestUpdate: both are sent.
func (p *process) wire() iws.Process {
	t := iws.Time{Time: p.updated}
	out := iws.Process{
		ID: iws.Int(p.id), Reference: p.ref, Description: "Place a Sales Order", Progress: iws.Int(p.progress),
		Status: p.status, LastEvent: p.event, LastUpdated: &t, LatestEvent: p.event, LatestUpdate: &t,
	}
	switch {
	case p.orderNumber != "":
		out.UserData = &iws.ProcessData{OrderNumber: p.orderNumber}
	case p.err != nil:
		out.UserData = &iws.ProcessData{Type: "GeneralError", Message: p.err.message, Reference: p.errRef}
	}
	return out
}

// processOrder is POST /processorder: PlaceOrder run in the background. Every order problem surfaces
// in the process (GetProcess), not in this answer.
func (s *Sandbox) processOrder(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	select {
	case <-s.stop:
		return generalError()
	default:
	}
	s.mu.Lock()
	p := &process{
		id: s.book.next.Process, ref: uuid.NewString(), status: iws.ProcessActive,
		event: "Starting order processing...", updated: s.stamp(),
	}
	s.book.next.Process++
	s.processes[p.id] = p
	answer := p.wire()
	s.mu.Unlock()

	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		var o *order
		req, err := s.parsePlace(c, body)
		if err == nil {
			o, err = s.place(req, c.commitDelay)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		p.progress, p.updated = 100, s.stamp()
		if err != nil {
			ae, ok := err.(*apiError)
			if !ok {
				ae = generalError()
			}
			p.status, p.event, p.err, p.errRef = iws.ProcessFailed, "Processing of order finished with errors.", ae, uuid.NewString()
			return
		}
		p.status, p.event, p.orderNumber = iws.ProcessSuccessful, fmt.Sprintf("Order number %s placed.", o.Number), o.Number
	}()
	writeJSON(c.w, answer)
	return nil
}

// getProcess is GET /GetProcess?processId=….
func (s *Sandbox) getProcess(c *call) error {
	id, set, err := c.intParam("processid")
	if err != nil {
		return err
	}
	if !set {
		return invalidRequest("Parameter processId is required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.processes[int64(id)]
	if p == nil {
		return invalidRequest(fmt.Sprintf("Process %d was not found.", id))
	}
	writeJSON(c.w, p.wire())
	return nil
}

// getInvoice is GET /getinvoice by invoiceNumber or orderNumber.
func (s *Sandbox) getInvoice(c *call) error {
	invNumber, orderNumber := c.param("invoicenumber"), c.param("ordernumber")
	if invNumber == "" && orderNumber == "" {
		return iwsErr(http.StatusBadRequest, 572, "Either an invoice or an order number are required.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var o *order
	if invNumber != "" {
		if o = s.book.byInvoice[invNumber]; o == nil {
			return iwsErr(http.StatusNotFound, 570, "Invalid invoice.", "InvoiceNumber", invNumber)
		}
	} else {
		if o = s.book.find(orderNumber); o == nil {
			return invalidSalesOrder(orderNumber)
		}
		if o.InvoiceNumber == "" {
			return iwsErr(http.StatusNotFound, 571, "Invoice not available for the order selected.", "OrderNumber", o.Number)
		}
	}
	writeJSON(c.w, s.invoice(o, s.baseURL(c.r)))
	return nil
}

func (s *Sandbox) invoice(o *order, base string) iws.Invoice {
	period, year := iws.Int(o.InvoiceDate.Month()), iws.Int(o.InvoiceDate.Year())
	paid := decimal.Zero
	for _, p := range o.Payments {
		paid = paid.Add(p.Amount.Decimal)
	}
	return iws.Invoice{
		InvoiceNumber:         iws.String(o.InvoiceNumber),
		InvoiceDate:           &iws.Time{Time: o.InvoiceDate},
		Customer:              &customer,
		FiscalPeriod:          &period,
		FiscalYear:            &year,
		TransactionAmount:     money(o.Total, true),
		ExchangeRate:          decPtr(decimal.NewFromInt(1)),
		DiscountsAmount:       money(decimal.Zero, false),
		DiscountableAmount:    money(o.Subtotal, false),
		SalesAmount:           money(o.Subtotal, true),
		FullyPaid:             paid.GreaterThanOrEqual(o.Total),
		DueDate:               &iws.Time{Time: o.InvoiceDate.AddDate(0, 0, 60)},
		TermID:                "n60",
		Currency:              &orderCurrency,
		CarrierID:             o.CarrierID,
		TaxRegistrationNumber: o.TaxRegistrationNumber,
		InvoiceURL:            base + "/invoices/" + o.InvoiceNumber + ".pdf",
		InvoiceURLXML:         base + "/invoices/" + o.InvoiceNumber + ".xml",
		Status:                &iws.Status{StatusCode: iws.Int(o.Status), Description: iws.StatusDescription(o.Status)},
	}
}

// calculateShippingRates is POST /calculateshippingrates: rates from the package weight of the
// physical items.
func (s *Sandbox) calculateShippingRates(c *call) error {
	body, err := c.body()
	if err != nil {
		return err
	}
	req, err := s.parsePlace(c, body)
	if err != nil {
		return err
	}
	if err := validateItems(req.items); err != nil {
		return err
	}
	weight := decimal.Zero // pounds
	for _, ri := range req.items {
		i, ok := s.cat.bySKU[strings.ToUpper(strings.TrimSpace(ri.Sku))]
		if !ok {
			return iwsErr(http.StatusNotFound, 20, "Invalid product.", "Sku", ri.Sku)
		}
		it := &s.cat.items[i]
		if it.typ != typePhysical {
			continue
		}
		pkg := freight(it).Package.Weight.Decimal
		weight = weight.Add(pkg.Mul(decimal.NewFromInt(int64(ri.Quantity))))
	}
	if weight.IsZero() {
		return iwsErr(http.StatusInternalServerError, 751, "Missing product freight information. Cannot calculate shipment rate.")
	}
	type offer struct {
		id                  int64
		base, perPound, max decimal.Decimal
		service, terms      string
		days                int
		provider, serviceID string
	}
	offers := []offer{
		{76450, dec("4.90"), dec("0.35"), decimal.NewFromInt(2000),
			"estandar", "Entrega en 24-72 horas", 3, "Starken", "CLST"},
		{105537, dec("9.90"), dec("0.60"), decimal.NewFromInt(65),
			"express", "Entrega dentro de las 24 horas de solicitado", 1, "Chilexpress", "CLCX"},
	}
	out := make([]iws.ShippingRate, 0, len(offers))
	for _, of := range offers {
		if weight.GreaterThan(of.max) {
			continue
		}
		days := iws.Int(of.days)
		out = append(out, iws.ShippingRate{
			ID: iws.Int(of.id), Amount: iws.DecimalFrom(of.base.Add(of.perPound.Mul(weight)).Round(2)), CurrencyID: currencyUS,
			MinimumWeight: decPtr(decimal.Zero), MaximumWeight: decPtr(of.max), ServiceType: of.service,
			DurationTerms: of.terms, Days: &days, Trackable: true, CollectHome: true, Provider: of.provider,
			ProviderImage: "/media/providers/" + strings.ToLower(of.provider) + ".png", ServiceID: of.serviceID,
		})
	}
	writeJSON(c.w, out)
	return nil
}

type currency struct {
	id, code, name, symbol string
	perUSD                 decimal.Decimal // units of the currency per US dollar
}

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var currencies = map[string]currency{
	"cl": {"clp", "CLP", "Pesos", "$", dec("950")},
	"co": {"cop", "COP", "Pesos", "$", dec("3450")},
	"pe": {"pen", "PEN", "Soles", "S/", dec("3.75")},
	"mx": {"mxn", "MXN", "Pesos", "$", dec("18.5")},
	"cr": {"crc", "CRC", "Colones", "₡", dec("510")},
	"gt": {"gtq", "GTQ", "Quetzales", "Q", dec("7.75")},
	"uy": {"uyu", "UYU", "Pesos", "$U", dec("40")},
	"ar": {"ars", "ARS", "Pesos", "$", dec("1000")},
	"ec": {"us", "USD", "Dollars", "US$", dec("1")},
	"pa": {"us", "USD", "Dollars", "US$", dec("1")},
	"sv": {"us", "USD", "Dollars", "US$", dec("1")},
	"pr": {"us", "USD", "Dollars", "US$", dec("1")},
}

// getCurrency is GET /GetCurrency?countryId=…; the rates are US dollars per unit, as in the spec's
// example (COP 0.0002898551).
func (s *Sandbox) getCurrency(c *call) error {
	country := strings.ToLower(c.param("countryid"))
	cur, ok := currencies[country]
	if !ok {
		return iwsErr(http.StatusInternalServerError, 900, "Country ID not supported.", "CountryId", c.param("countryid"))
	}
	rate := iws.DecimalFrom(decimal.NewFromInt(1).DivRound(cur.perUSD, 10))
	writeJSON(c.w, iws.CurrencyInfo{
		CurrencyID: cur.id, CurrencyCode: cur.code, Description: cur.name, Symbol: cur.symbol,
		UsdExchangeRate: &iws.ExchangeRate{PurchaseRate: rate, SellRate: rate, PurchaseTaxRate: rate, SellTaxRate: rate, PayRate: rate},
	})
	return nil
}
