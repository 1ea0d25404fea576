package schedule

import (
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
)

// IWS guidance: catalog, prices and stock at most hourly; the extended catalog (rich content and
// images, a large download) at most daily.
const (
	MinFeedInterval            = time.Hour
	MinExtendedCatalogInterval = 24 * time.Hour

	DefaultCatalogInterval         = 24 * time.Hour
	DefaultPricesInterval          = 24 * time.Hour
	DefaultStockInterval           = time.Hour
	DefaultExtendedCatalogInterval = 30 * 24 * time.Hour
	DefaultAuditPurgeInterval      = 24 * time.Hour
)

// Schedule names used by IWSSchedules; they appear in schedule_runs and unique keys.
const (
	NameCatalog         = "catalog"
	NamePrices          = "prices"
	NameStock           = "stock"
	NameExtendedCatalog = "extended_catalog"
	NameAuditPurge      = "audit_purge"
)

// IWSIntervals configures the IWS schedules; zero fields take the defaults above.
type IWSIntervals struct {
	Catalog, Prices, Stock, ExtendedCatalog, AuditPurge time.Duration
}

// IWSKinds builds the job of each IWS schedule; the caller (main) supplies the catalog
// package's args types so this package does not import it. A nil function leaves that schedule
// out.
type IWSKinds struct {
	Catalog, Prices, Stock, ExtendedCatalog func(accountID int64) jobs.JobArgs
	AuditPurge                              func() jobs.JobArgs
}

// IWSSchedules returns the per-account IWS schedules and the global audit purge, with the IWS
// minimum intervals enforced: a configured interval below its minimum is an error (all problems
// are listed), never silently raised.
func IWSSchedules(iv IWSIntervals, k IWSKinds) ([]Schedule, error) {
	or := func(d, def time.Duration) time.Duration {
		if d == 0 {
			return def
		}
		return d
	}
	var out []Schedule
	add := func(name string, interval, minimum time.Duration, args func(int64) jobs.JobArgs) {
		if args != nil {
			out = append(out, Schedule{Name: name, Interval: interval, MinInterval: minimum, Args: args})
		}
	}
	add(NameCatalog, or(iv.Catalog, DefaultCatalogInterval), MinFeedInterval, k.Catalog)
	add(NamePrices, or(iv.Prices, DefaultPricesInterval), MinFeedInterval, k.Prices)
	add(NameStock, or(iv.Stock, DefaultStockInterval), MinFeedInterval, k.Stock)
	add(NameExtendedCatalog, or(iv.ExtendedCatalog, DefaultExtendedCatalogInterval), MinExtendedCatalogInterval, k.ExtendedCatalog)
	if k.AuditPurge != nil {
		purge := k.AuditPurge
		out = append(out, Schedule{Name: NameAuditPurge, Interval: or(iv.AuditPurge, DefaultAuditPurgeInterval),
			MinInterval: time.Minute, Global: true, Args: func(int64) jobs.JobArgs { return purge() }})
	}
	if err := Validate(out); err != nil {
		return nil, err
	}
	return out, nil
}
