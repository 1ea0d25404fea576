package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
)

// iwsAccount is the IWS account of the commands that work for one (sync, serve, shop add):
// CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY, when set, are first saved as the default
// account with CONNECTOR_IWS_URL (the access key sealed with CONNECTOR_SECRET_KEY); otherwise it is
// the stored default account. Its errors name the variables to set.
func iwsAccount(ctx context.Context, cfg Config, st *store.Store) (store.IWSAccount, error) {
	if cfg.IWSAPIKey != "" && cfg.IWSAccessKey != "" {
		if cfg.SecretKey == "" {
			return store.IWSAccount{}, errors.New("CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY are saved as the default IWS account, " +
				"which needs CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE) to encrypt the access key")
		}
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{
			Name: store.DefaultIWSAccountName, Environment: iwsEnvironment(cfg.IWSURL), BaseURL: cfg.IWSURL,
			APIKey: cfg.IWSAPIKey, AccessKey: cfg.IWSAccessKey,
		})
		if err != nil {
			return store.IWSAccount{}, fmt.Errorf("saving the IWS account: %w", err)
		}
		return acct, nil
	}
	acct, err := st.DefaultIWSAccount(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return store.IWSAccount{}, errors.New("no IWS account yet: set CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY " +
			"(or CONNECTOR_IWS_API_KEY_FILE and CONNECTOR_IWS_ACCESS_KEY_FILE) to the keys Intcomex gave you, and " +
			"CONNECTOR_IWS_URL for production (default: the test environment); they are saved as the default account, " +
			"its access key sealed with CONNECTOR_SECRET_KEY")
	case err != nil && cfg.SecretKey == "":
		return store.IWSAccount{}, fmt.Errorf("the stored IWS account needs CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE) to decrypt its access key: %w", err)
	case err != nil:
		return store.IWSAccount{}, fmt.Errorf("stored IWS account: %w", err)
	}
	return acct, nil
}
