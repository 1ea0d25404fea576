// Package iws is the client for Intcomex Web Services (IWS), the distributor API behind the connector's
// catalog mirror and order pipeline.
//
// # Client
//
// New builds a Client from a Config (base URL, API key, access key, an injectable *http.Client, logger,
// clock, retry policy). Every method takes a context first and returns concrete types:
// Authenticate, GetCatalog/StreamCatalog, GetProducts, GetProduct, GetPriceList/StreamPriceList,
// GetInventory/StreamInventory, DownloadExtendedCatalog/StreamExtendedCatalog, PlaceOrder, ProcessOrder,
// GetProcess, WaitProcess, GetOrder, GetOrders, GetOrderStatus, GetInvoice, CancelOrder,
// CalculateShippingRates and GetCurrency. Raw calls any method of the Methods registry by name, through
// the same signing, retry and error path, and hands back the body unparsed.
//
// Every HTTP attempt, retries included, carries a freshly signed token in
// "Authorization: Bearer apiKey=…&utcTimeStamp=…&signature=…" (Token): IWS honours a timestamp for five
// minutes only. The access key never leaves the process and no key reaches a log line or an error string.
//
// # Streaming
//
// The whole-catalog feeds are decoded element by element with json.Decoder and handed to a callback
// (Stream*), so memory does not grow with the catalog. The three response forms IWS uses are accepted: a
// plain array, the pagination object {page, pageSize, totalRows, totalPages, data} and that object
// wrapped in a one-element array. With a page size (Limit) the stream fetches page after page until
// totalPages. The Get* variants collect into a slice.
//
// # Errors
//
// A non-200 answer is an *Error carrying the HTTP status, the IWS ErrorCode, Message, Reference and the
// code-specific fields (Sku, CurrentStock, …), decoded case-insensitively; gateway answers without an IWS
// body (an ASP.NET 404, an HTML 502, an Apigee fault) still give an *Error with the status and a snippet.
// IsAuth, IsThrottled/RetryAfter, IsOrderNumberInUse/IsOrderInFlight/ExistingOrderNumber,
// IsInsufficientStock, IsNoCredit, IsGeneralError, IsNotFound and IsInvalidProduct classify errors.
// A 200 whose body is not the expected JSON wraps ErrMalformedResponse.
//
// # Retries
//
// One policy (RetryPolicy, applied in one function) decides:
//
//   - ErrorCode 12 (expired timestamp): re-signed and retried once, on any method.
//   - Throttling (ErrorCode 100 with HTTP 400, or HTTP 429): retried on any method, since IWS refused the
//     request, after the seconds the message names ("Please wait 10 seconds…", default 10 s) or the
//     Retry-After header. A wait longer than MaxThrottleWait is returned at once so a job queue can snooze
//     for RetryAfter(err).
//   - Network errors (a refused, reset or dropped connection, an answer cut off mid-body), 5xx,
//     ErrorCode 405 (data access currently unavailable) and malformed 200 bodies: retried with
//     capped exponential backoff and full jitter on idempotent methods only (the GETs and
//     CalculateShippingRates), up to MaxAttempts failed attempts. A feed that breaks off after some
//     elements reached a Stream* callback is requested again and resumed: the elements the callback
//     already had are skipped by SKU, so each reaches it once. Never for 5xx carrying 660 (no credit) or
//     another deterministic business code, nor for 501; 900 (general error, which IWS advises not to
//     repeat) only on the feeds (GetCatalog, GetPriceList, GetInventory, DownloadExtendedCatalog), which
//     change nothing and are costly to start over.
//   - PlaceOrder, ProcessOrder, CancelOrder and the other state-changing POSTs are never retried after a
//     network error, a 5xx or an unreadable body; the error then satisfies IsAmbiguous, and the order
//     pipeline looks the order up with GetOrder (by customer order number) before trying again.
//
// Every wait selects on ctx.Done(); the sleep function is injectable (Config.Sleep) for tests. A call
// whose context is cancelled returns an error wrapping context.Canceled and nothing else: not the IWS
// error or the half-read body the cancellation cut short (a state-changing call cut short in flight is
// still IsAmbiguous).
//
// # Quirks handled
//
// The spec and the live service disagree with themselves (NOTES §11); the models in this package decode
// every variant seen: Mpn or MPN; numbers sent as strings (InStock "4", StatusCode "1", Quantity "10");
// both money shapes ({Amount, HomeAmount, Currency} and the 2015 {UsAmount, HomeAmount, HomeCurrencyId});
// currency "us"/"US" for US dollars (NormalizeCurrency gives ISO codes); "Price": null; the price list
// with the price nested under Price or at the top level (PriceListItem.Normalize); ProcessOrder keys in
// PascalCase or lower-camel, with userData as a string (the order number) or an error object;
// TotalPaymentsAmount and Ship-Address variants on orders; error bodies with reference/SKU casing; .NET
// timestamps without a zone and with seven fractional digits; a UTF-8 byte-order mark before JSON. Money
// is decoded as exact decimals, never through float64.
package iws
