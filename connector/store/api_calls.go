package store

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// APICall is one request the connector made to an outside system, as the audit log keeps it.
// Everything in it has already been redacted by connector/audit; empty strings and zero ids are
// stored as NULL.
type APICall struct {
	ID                int64
	System            string // "iws", "woocommerce", "shopify", ...
	Method            string // logical operation, e.g. "getcatalog"
	HTTPMethod        string
	URL               string // credentials removed
	StatusCode        int    // 0 when no response arrived
	Duration          time.Duration
	Error             string
	RequestHeaders    string
	RequestBody       string
	RequestTruncated  bool
	ResponseHeaders   string
	ResponseBody      string
	ResponseTruncated bool
	ResponseBytes     int64 // bytes of response body read (an error answer: all of it, up to 256 KiB), stored or not
	JobID             string
	OrderID           string
	SyncRunID         string
	AccountID         int64
	ShopID            int64
	CreatedAt         time.Time
}

type apiCallRow struct {
	ID                int64     `gorm:"column:id;primaryKey"`
	System            string    `gorm:"column:system"`
	Method            string    `gorm:"column:method"`
	HTTPMethod        string    `gorm:"column:http_method"`
	URL               string    `gorm:"column:url"`
	StatusCode        int       `gorm:"column:status_code"`
	DurationMS        int64     `gorm:"column:duration_ms"`
	Error             *string   `gorm:"column:error"`
	RequestHeaders    *string   `gorm:"column:request_headers"`
	RequestBody       *string   `gorm:"column:request_body"`
	RequestTruncated  bool      `gorm:"column:request_truncated"`
	ResponseHeaders   *string   `gorm:"column:response_headers"`
	ResponseBody      *string   `gorm:"column:response_body"`
	ResponseTruncated bool      `gorm:"column:response_truncated"`
	ResponseBytes     int64     `gorm:"column:response_bytes"`
	JobID             *string   `gorm:"column:job_id"`
	OrderID           *string   `gorm:"column:order_id"`
	SyncRunID         *string   `gorm:"column:sync_run_id"`
	AccountID         *int64    `gorm:"column:account_id"`
	ShopID            *int64    `gorm:"column:shop_id"`
	CreatedAt         time.Time `gorm:"column:created_at"`
}

func (apiCallRow) TableName() string { return "api_calls" }

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nullInt(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// Column sizes of api_calls on MySQL (in bytes for TEXT types); longer values are cut rather
// than rejected by strict mode, because losing the tail of an audit field beats losing the row.
const (
	maxSystem     = 32
	maxMethod     = 191
	maxHTTPMethod = 16
	maxID         = 64
	maxText       = 65_000     // TEXT: 65,535 bytes
	maxMediumText = 16_000_000 // MEDIUMTEXT: 16,777,215 bytes
)

// clamp cuts s to at most n bytes without splitting a UTF-8 sequence.
func clamp(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func (c *APICall) row() apiCallRow {
	return apiCallRow{
		ID:                c.ID,
		System:            clamp(c.System, maxSystem),
		Method:            clamp(c.Method, maxMethod),
		HTTPMethod:        clamp(c.HTTPMethod, maxHTTPMethod),
		URL:               clamp(c.URL, maxText),
		StatusCode:        c.StatusCode,
		DurationMS:        c.Duration.Milliseconds(),
		Error:             nullString(clamp(c.Error, maxText)),
		RequestHeaders:    nullString(clamp(c.RequestHeaders, maxText)),
		RequestBody:       nullString(clamp(c.RequestBody, maxMediumText)),
		RequestTruncated:  c.RequestTruncated || len(c.RequestBody) > maxMediumText,
		ResponseHeaders:   nullString(clamp(c.ResponseHeaders, maxText)),
		ResponseBody:      nullString(clamp(c.ResponseBody, maxMediumText)),
		ResponseTruncated: c.ResponseTruncated || len(c.ResponseBody) > maxMediumText,
		ResponseBytes:     c.ResponseBytes,
		JobID:             nullString(clamp(c.JobID, maxID)),
		OrderID:           nullString(clamp(c.OrderID, maxID)),
		SyncRunID:         nullString(clamp(c.SyncRunID, maxID)),
		AccountID:         nullInt(c.AccountID),
		ShopID:            nullInt(c.ShopID),
		CreatedAt:         c.CreatedAt.UTC().Truncate(time.Microsecond),
	}
}

func (r apiCallRow) call() APICall {
	return APICall{
		ID:                r.ID,
		System:            r.System,
		Method:            r.Method,
		HTTPMethod:        r.HTTPMethod,
		URL:               r.URL,
		StatusCode:        r.StatusCode,
		Duration:          time.Duration(r.DurationMS) * time.Millisecond,
		Error:             deref(r.Error),
		RequestHeaders:    deref(r.RequestHeaders),
		RequestBody:       deref(r.RequestBody),
		RequestTruncated:  r.RequestTruncated,
		ResponseHeaders:   deref(r.ResponseHeaders),
		ResponseBody:      deref(r.ResponseBody),
		ResponseTruncated: r.ResponseTruncated,
		ResponseBytes:     r.ResponseBytes,
		JobID:             deref(r.JobID),
		OrderID:           deref(r.OrderID),
		SyncRunID:         deref(r.SyncRunID),
		AccountID:         deref(r.AccountID),
		ShopID:            deref(r.ShopID),
		CreatedAt:         r.CreatedAt.UTC(),
	}
}

// InsertAPICall appends call to the audit log and sets its ID, and its CreatedAt when zero.
func (s *Store) InsertAPICall(ctx context.Context, call *APICall) error {
	if call.CreatedAt.IsZero() {
		call.CreatedAt = s.now()
	}
	row := call.row()
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		return fmt.Errorf("store: insert api call: %w", err)
	}
	call.ID = row.ID
	call.CreatedAt = row.CreatedAt
	return nil
}

// APICallFilter selects audit rows. Zero fields do not filter.
type APICallFilter struct {
	System     string    // "iws", "shopify", "woocommerce", ...
	Method     string    // logical operation, e.g. "getcatalog"
	HTTPMethod string    // GET, POST, ...
	Since      time.Time // created_at >= Since
	Until      time.Time // created_at < Until
	JobID      string    // the correlation id of a job's calls
	OrderID    string
	SyncRunID  string
	AccountID  int64
	ShopID     int64
	StatusCode int         // exactly this status code
	StatusMin  int         // status_code >= StatusMin
	Class      StatusClass // a class of outcome (2xx, 4xx, 5xx, transport error)
	FailedOnly bool        // status >= 400 or a transport error
	// Search matches text anywhere in the URL or the method (logical or HTTP).
	Search     string
	BeforeID   int64 // keyset pagination (ListAPICalls): only rows with id < BeforeID
	Limit      int   // ListAPICalls: default 50, at most 1000
	OmitBodies bool  // leave headers and bodies empty (list views)
}

// StatusClass is a class of API call outcome for APICallFilter.Class.
type StatusClass string

// Status classes. StatusError is a call that got no usable answer (a transport error, a timeout,
// a body that could not be read): its Error is set.
const (
	Status2xx   StatusClass = "2xx"
	Status3xx   StatusClass = "3xx"
	Status4xx   StatusClass = "4xx"
	Status5xx   StatusClass = "5xx"
	StatusError StatusClass = "error"
)

// StatusClasses lists the classes a filter accepts.
var StatusClasses = []StatusClass{Status2xx, Status3xx, Status4xx, Status5xx, StatusError}

const (
	defaultListLimit = 50
	maxListLimit     = 1000
)

func eq(column string, v any) clause.Expression {
	return clause.Eq{Column: clause.Column{Name: column}, Value: v}
}

// failedCall is the condition of a failed call: an error answer or none.
const failedCall = "(status_code >= 400 OR error IS NOT NULL)"

// apply adds f's conditions (not BeforeID, Limit and OmitBodies) to q.
func (f APICallFilter) apply(q *gorm.DB) (*gorm.DB, error) {
	if f.System != "" {
		q = q.Where(eq("system", f.System)) // quoted: SYSTEM is reserved in MySQL 8
	}
	for _, c := range []struct {
		column, value string
	}{{"method", f.Method}, {"http_method", f.HTTPMethod}, {"job_id", f.JobID}, {"order_id", f.OrderID}, {"sync_run_id", f.SyncRunID}} {
		if c.value != "" {
			q = q.Where(eq(c.column, c.value))
		}
	}
	if !f.Since.IsZero() {
		q = q.Where("created_at >= ?", f.Since.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("created_at < ?", f.Until.UTC())
	}
	if f.AccountID != 0 {
		q = q.Where(eq("account_id", f.AccountID))
	}
	if f.ShopID != 0 {
		q = q.Where(eq("shop_id", f.ShopID))
	}
	if f.StatusCode != 0 {
		q = q.Where(eq("status_code", f.StatusCode))
	}
	if f.StatusMin != 0 {
		q = q.Where("status_code >= ?", f.StatusMin)
	}
	switch f.Class {
	case "":
	case Status2xx, Status3xx, Status4xx, Status5xx:
		low := int(f.Class[0]-'0') * 100
		q = q.Where("status_code >= ? AND status_code < ?", low, low+100)
	case StatusError:
		q = q.Where("error IS NOT NULL")
	default:
		return nil, fmt.Errorf("%w: status class %q", ErrInvalid, f.Class)
	}
	if f.FailedOnly {
		q = q.Where(failedCall)
	}
	return likeAny(q, f.Search, "url", "method", "http_method"), nil
}

// apiCallQuery starts a query of the rows matching f, without the bodies when f says so.
func (s *Store) apiCallQuery(ctx context.Context, f APICallFilter) (*gorm.DB, error) {
	q, err := f.apply(s.db.WithContext(ctx).Model(&apiCallRow{}))
	if err != nil {
		return nil, err
	}
	if f.OmitBodies {
		q = q.Omit("request_headers", "request_body", "response_headers", "response_body")
	}
	return q, nil
}

// ListAPICalls returns the rows matching f, newest first.
func (s *Store) ListAPICalls(ctx context.Context, f APICallFilter) ([]APICall, error) {
	q, err := s.apiCallQuery(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("store: list api calls: %w", err)
	}
	if f.BeforeID != 0 {
		q = q.Where("id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = defaultListLimit
	}
	limit = min(limit, maxListLimit)
	var rows []apiCallRow
	if err := q.Order("id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list api calls: %w", err)
	}
	out := make([]APICall, len(rows))
	for i, r := range rows {
		out[i] = r.call()
	}
	return out, nil
}

// APICallByID returns one audit row or ErrNotFound.
func (s *Store) APICallByID(ctx context.Context, id int64) (APICall, error) {
	var row apiCallRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return APICall{}, notFound("api call", err)
	}
	return row.call(), nil
}

// defaultPurgeBatch bounds each DELETE so neither database holds its write lock for long while
// the retention job runs next to live traffic.
const defaultPurgeBatch = 500

// PurgeAPICalls deletes audit rows older than maxAge and then, beyond the maxRows newest, the
// oldest rest. A zero maxAge or maxRows disables that rule. It deletes in small batches and
// returns how many rows went, also when ctx ends part way.
func (s *Store) PurgeAPICalls(ctx context.Context, maxAge time.Duration, maxRows int) (int64, error) {
	var total int64
	if maxAge > 0 {
		cutoff := s.now().Add(-maxAge)
		n, err := s.deleteAPICallsBatched(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("created_at < ?", cutoff) })
		total += n
		if err != nil {
			return total, fmt.Errorf("store: purge api calls by age: %w", err)
		}
	}
	if maxRows > 0 {
		// The (maxRows+1)-th newest id: it and everything older goes.
		var ids []int64
		err := s.db.WithContext(ctx).Model(&apiCallRow{}).Order("id DESC").Offset(maxRows).Limit(1).Pluck("id", &ids).Error
		if err != nil {
			return total, fmt.Errorf("store: purge api calls by count: %w", err)
		}
		if len(ids) == 1 {
			n, err := s.deleteAPICallsBatched(ctx, func(q *gorm.DB) *gorm.DB { return q.Where("id <= ?", ids[0]) })
			total += n
			if err != nil {
				return total, fmt.Errorf("store: purge api calls by count: %w", err)
			}
		}
	}
	return total, nil
}

func (s *Store) deleteAPICallsBatched(ctx context.Context, cond func(*gorm.DB) *gorm.DB) (int64, error) {
	var total int64
	for {
		if err := ctx.Err(); err != nil {
			return total, err
		}
		var ids []int64
		q := cond(s.db.WithContext(ctx).Model(&apiCallRow{}))
		if err := q.Order("id").Limit(s.purgeBatch).Pluck("id", &ids).Error; err != nil {
			return total, err
		}
		if len(ids) == 0 {
			return total, nil
		}
		res := s.db.WithContext(ctx).Where("id IN ?", ids).Delete(&apiCallRow{})
		if res.Error != nil {
			return total, res.Error
		}
		total += res.RowsAffected
		if len(ids) < s.purgeBatch {
			return total, nil
		}
	}
}
