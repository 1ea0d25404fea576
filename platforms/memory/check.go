package memory

import (
	"context"

	"github.com/intcomex-connector/connector/platforms"
)

// DefaultStoreInfo is what a memory storefront says about itself until SetCheck changes it.
var DefaultStoreInfo = platforms.StoreInfo{Name: "memory", Currency: "USD", PriceDecimals: platforms.CurrencyDecimals}

type checkAnswer struct {
	set  bool
	info platforms.StoreInfo
	err  error
}

// SetCheck makes Check answer info, or err when it is not nil (a test's unreachable or
// read-only store).
func (s *Storefront) SetCheck(info platforms.StoreInfo, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.check = checkAnswer{set: true, info: info, err: err}
}

// Check implements platforms.Checker: DefaultStoreInfo, or what SetCheck set.
func (s *Storefront) Check(ctx context.Context) (platforms.StoreInfo, error) {
	if err := ctx.Err(); err != nil {
		return platforms.StoreInfo{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.check.set {
		return DefaultStoreInfo, nil
	}
	if s.check.err != nil {
		return platforms.StoreInfo{}, s.check.err
	}
	return s.check.info, nil
}
