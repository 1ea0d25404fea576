package store

import (
	"context"
	"fmt"
)

// APICallSorts are the sort keys of ListAPICallsPage: "created" (the default, newest first),
// "duration", "status", "system" and "method".
var APICallSorts = apiCallSorts.keys()

var apiCallSorts = sortSpec{
	list: "api calls", def: "created", defDesc: true, tie: "id",
	columns: map[string]string{
		"created":  "id", // ids grow with created_at; the id index serves the order
		"duration": "duration_ms",
		"status":   "status_code",
		"system":   "`system`", // reserved in MySQL 8; SQLite reads backquotes too
		"method":   "method",
	},
}

// ListAPICallsPage returns one page of the audit rows matching f (its BeforeID and Limit are
// ignored: p pages) and how many rows match. An unknown sort key or status class is ErrInvalid.
func (s *Store) ListAPICallsPage(ctx context.Context, f APICallFilter, p Page) (PageOf[APICall], error) {
	q, err := s.apiCallQuery(ctx, f)
	if err != nil {
		return PageOf[APICall]{}, fmt.Errorf("store: list api calls: %w", err)
	}
	return findPage(q, apiCallSorts, s.dialect, p, func(r *apiCallRow) (APICall, error) { return r.call(), nil })
}

// How many audit rows EachAPICall reads at a time: a body may be megabytes (audit.MaxBodyLimit).
const (
	exportPage           = 25
	exportPageOmitBodies = 500
)

// EachAPICall calls fn for every audit row matching f, newest first, with headers and bodies as
// stored (redacted when written) unless f.OmitBodies, for an export (CSV). It reads a page at a
// time by id, so no cursor stays open and no transaction is held while fn runs (fn may be a slow
// HTTP client); rows written after the first page are not included, as it pages down the ids.
// f.BeforeID starts below an id; f.Limit, when set, caps the rows. It stops at fn's first error
// and returns it.
func (s *Store) EachAPICall(ctx context.Context, f APICallFilter, fn func(APICall) error) error {
	size := exportPage
	if f.OmitBodies {
		size = exportPageOmitBodies
	}
	remaining := f.Limit
	for {
		f.Limit = size
		if remaining > 0 {
			f.Limit = min(size, remaining)
		}
		page, err := s.ListAPICalls(ctx, f)
		if err != nil {
			return err
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if remaining > 0 {
			if remaining -= len(page); remaining <= 0 {
				return nil
			}
		}
		if len(page) < f.Limit {
			return nil
		}
		f.BeforeID = page[len(page)-1].ID
	}
}
