package rules

import (
	"context"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
)

// ShopSummary is a shop as the rules pages list it, to pick the one whose rules to edit.
type ShopSummary struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Platform string `json:"platform"`
	Currency string `json:"currency"`
	// Rules is how many margin rules the shop has; Priced is false when it has no pricing yet.
	Rules  int  `json:"rules"`
	Priced bool `json:"priced"`
}

// Shops returns one page of the shops whose name or address contains text ("" for all), sorted
// by one of store.ShopPageSorts, each with the size of its rules document. An unknown sort key
// wraps store.ErrInvalid.
func (s *Service) Shops(ctx context.Context, text string, p store.Page) (store.PageOf[ShopSummary], error) {
	page, err := s.store.ShopsWithoutCredentialsPage(ctx, text, p)
	if err != nil {
		return store.PageOf[ShopSummary]{}, fmt.Errorf("rules: %w", err)
	}
	out := store.PageOf[ShopSummary]{Items: make([]ShopSummary, len(page.Items)), Total: page.Total, Page: page.Page}
	for i, sh := range page.Items {
		d, err := s.Get(ctx, sh.ID)
		if err != nil {
			return store.PageOf[ShopSummary]{}, err
		}
		out.Items[i] = ShopSummary{ID: sh.ID, Name: sh.Name, Platform: sh.Platform, Currency: d.Rules.Currency,
			Rules: len(d.Rules.Rules), Priced: d.Priced}
	}
	return out, nil
}

// ShopName returns the name of the shop; an unknown shop wraps store.ErrNotFound.
func (s *Service) ShopName(ctx context.Context, shopID int64) (string, error) {
	sh, err := s.store.ShopWithoutCredentials(ctx, shopID)
	if err != nil {
		return "", fmt.Errorf("rules: %w", err)
	}
	return sh.Name, nil
}
