package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/migrations"
)

// TimeBucket is one interval of a time series: the rows whose time falls in
// [Start, Start + the series' step).
type TimeBucket struct {
	Start  time.Time // in the location the series was asked in
	Count  int64
	Failed int64 // API calls: status >= 400 or a transport error; 0 for other series
}

// Bounds of the time series, so one chart never reads an unbounded range.
const (
	maxHourBuckets = 31 * 24
	maxDayBuckets  = 400
)

// hourKey is the SQL expression that names the UTC hour of a time column ("2006-01-02 15").
func (s *Store) hourKey(column string) string {
	if s.dialect == migrations.SQLite {
		// Times are stored as "2006-01-02 15:04:05.999999999+00:00", which strftime reads.
		return "strftime('%Y-%m-%d %H', " + column + ")"
	}
	return "DATE_FORMAT(" + column + ", '%Y-%m-%d %H')"
}

// hourCounts groups the rows of q (which carries its model and filter) in [from, to) by the UTC
// hour of column. failed is a condition counted into Failed ("" for none). The grouping is done
// by the database; the result has one entry per hour that has rows.
func (s *Store) hourCounts(q *gorm.DB, column, failed string, from, to time.Time) (map[time.Time]TimeBucket, error) {
	key := s.hourKey(column)
	sel := key + " AS h, COUNT(*) AS n, "
	if failed == "" {
		sel += "0 AS f"
	} else {
		sel += "SUM(CASE WHEN " + failed + " THEN 1 ELSE 0 END) AS f"
	}
	var rows []struct {
		H string `gorm:"column:h"`
		N int64  `gorm:"column:n"`
		F int64  `gorm:"column:f"`
	}
	err := q.Select(sel).Where(column+" >= ? AND "+column+" < ?", from.UTC(), to.UTC()).Group(key).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make(map[time.Time]TimeBucket, len(rows))
	for _, r := range rows {
		h, err := time.ParseInLocation("2006-01-02 15", r.H, time.UTC)
		if err != nil {
			return nil, fmt.Errorf("hour %q: %w", r.H, err)
		}
		out[h] = TimeBucket{Start: h, Count: r.N, Failed: r.F}
	}
	return out, nil
}

// APICallsPerHour counts the audit rows matching f (its Since, Until, BeforeID and Limit are
// ignored) per hour in [from, to), with those that failed: one bucket per hour, empty hours
// included, oldest first, Start in from's location. Hours are whole UTC hours (in zones offset
// by a fraction of an hour they start at the half hour). At most 31 days.
func (s *Store) APICallsPerHour(ctx context.Context, f APICallFilter, from, to time.Time) ([]TimeBucket, error) {
	from = from.Truncate(time.Hour)
	n := int((to.Sub(from) + time.Hour - 1) / time.Hour)
	if n <= 0 || n > maxHourBuckets {
		return nil, fmt.Errorf("store: api calls per hour: %w: %d hours (1 to %d)", ErrInvalid, n, maxHourBuckets)
	}
	f.Since, f.Until = time.Time{}, time.Time{}
	q, err := f.apply(s.db.WithContext(ctx).Model(&apiCallRow{}))
	if err != nil {
		return nil, fmt.Errorf("store: api calls per hour: %w", err)
	}
	counts, err := s.hourCounts(q, "created_at", failedCall, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: api calls per hour: %w", err)
	}
	out := make([]TimeBucket, n)
	for i := range out {
		start := from.Add(time.Duration(i) * time.Hour)
		b := counts[start.UTC()]
		b.Start = start
		out[i] = b
	}
	return out, nil
}

// OrdersPerDay counts the orders matching f (its created and updated ranges, BeforeID and Limit
// are ignored) by the day they were received, for the days from the one holding from up to to
// (exclusive), in from's location (daylight saving included): one bucket per day, empty days
// included, oldest first. At most 400 days.
func (s *Store) OrdersPerDay(ctx context.Context, f OrderFilter, from, to time.Time) ([]TimeBucket, error) {
	loc := from.Location()
	y, m, d := from.Date()
	first := time.Date(y, m, d, 0, 0, 0, 0, loc)
	var days []time.Time
	for day := first; day.Before(to); day = day.AddDate(0, 0, 1) {
		if days = append(days, day); len(days) > maxDayBuckets {
			return nil, fmt.Errorf("store: orders per day: %w: more than %d days", ErrInvalid, maxDayBuckets)
		}
	}
	if len(days) == 0 {
		return nil, fmt.Errorf("store: orders per day: %w: empty range", ErrInvalid)
	}
	f.Since, f.Until, f.CreatedSince, f.CreatedUntil = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	q := f.apply(s.db.WithContext(ctx).Model(&orderRow{}))
	counts, err := s.hourCounts(q, "created_at", "", first, to)
	if err != nil {
		return nil, fmt.Errorf("store: orders per day: %w", err)
	}
	out := make([]TimeBucket, len(days))
	for i, day := range days {
		out[i].Start = day
	}
	for h, c := range counts {
		local := h.In(loc)
		i := int(time.Date(local.Year(), local.Month(), local.Day(), 12, 0, 0, 0, time.UTC).Sub(
			time.Date(y, m, d, 12, 0, 0, 0, time.UTC)).Hours() / 24)
		if i >= 0 && i < len(out) {
			out[i].Count += c.Count
		}
	}
	return out, nil
}
