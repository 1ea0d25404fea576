package admin

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/store"
)

// errNoIWSAccount: the database has no IWS account yet (nothing was ever synced); shops and
// products belong to one. It is a store.ErrNotFound, and its text says what to do.
var errNoIWSAccount error = noIWSAccountError{}

type noIWSAccountError struct{}

func (noIWSAccountError) Error() string {
	return "no IWS account yet: `connector shop add` or `connector sync` saves CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY as the default account"
}

func (noIWSAccountError) Is(target error) bool { return target == store.ErrNotFound }

// iwsAccountOption is an IWS account as a page's account chooser shows it (never its keys).
type iwsAccountOption struct {
	ID          int64
	Name        string
	Environment string
	Selected    bool
}

// chooseIWSAccount returns the account named by raw (its id, from the "account" parameter) or,
// when raw is blank, the default one (the account named "default", else the oldest), with every
// account as options (none selected when raw names none). A malformed id is store.ErrInvalid, an
// unknown one store.ErrNotFound, no account at all errNoIWSAccount.
func chooseIWSAccount(ctx context.Context, st *store.Store, raw string) (store.IWSAccount, []iwsAccountOption, error) {
	accts, err := st.ListIWSAccounts(ctx)
	if err != nil {
		return store.IWSAccount{}, nil, fmt.Errorf("admin: IWS accounts: %w", err)
	}
	if len(accts) == 0 {
		return store.IWSAccount{}, nil, errNoIWSAccount
	}
	chosen, problem := -1, error(nil)
	if raw = strings.TrimSpace(raw); raw == "" {
		chosen = 0
		for i, a := range accts {
			if a.Name == store.DefaultIWSAccountName {
				chosen = i
				break
			}
		}
	} else if id, err := strconv.ParseInt(raw, 10, 64); err != nil || id <= 0 {
		problem = fmt.Errorf("admin: account %q: %w", raw, store.ErrInvalid)
	} else {
		problem = fmt.Errorf("admin: IWS account %d: %w", id, store.ErrNotFound)
		for i, a := range accts {
			if a.ID == id {
				chosen, problem = i, nil
			}
		}
	}
	opts := make([]iwsAccountOption, len(accts))
	for i, a := range accts {
		opts[i] = iwsAccountOption{ID: a.ID, Name: a.Name, Environment: a.Environment, Selected: i == chosen}
	}
	if problem != nil {
		return store.IWSAccount{}, opts, problem
	}
	return accts[chosen], opts, nil
}

// accountErrorKey is the translation key of chooseIWSAccount's error.
func accountErrorKey(err error) string {
	switch {
	case errors.Is(err, errNoIWSAccount):
		return "iws.no_account"
	case errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		return "iws.unknown_account"
	}
	return "error.internal"
}
