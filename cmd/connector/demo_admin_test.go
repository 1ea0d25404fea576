package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/users"
)

// The demo's admin: made once, then kept (re-made, re-promoted, its password put back) so that
// demo.json's credentials always sign in.
func TestDemoAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := context.Background()
		logger := discardLogger()
		svc := users.New(st, users.Options{})
		signsIn := func(a demoAdminAccount) {
			t.Helper()
			u, err := svc.Authenticate(ctx, a.email, a.password)
			if err != nil || u.Role != users.RoleAdmin {
				t.Errorf("%s with demo.json's password: %+v, %v; want an admin signed in", a.email, u, err)
			}
		}

		first, err := demoAdmin(ctx, st, demoInfo{}, logger)
		if err != nil {
			t.Fatal(err)
		}
		if first.email != demoAdminEmail || len(first.password) != 24 {
			t.Fatalf("first start: %+v", first)
		}
		signsIn(first)
		// Another first start (demo.json lost) makes a new password, not a second account.
		other, err := demoAdmin(ctx, st, demoInfo{}, logger)
		if err != nil {
			t.Fatal(err)
		}
		if other.password == first.password {
			t.Error("two random passwords are equal")
		}
		signsIn(other)

		prev := demoInfo{AdminUser: first.email, AdminPassword: first.password}
		// A restart keeps the account and its password as they are.
		again, err := demoAdmin(ctx, st, prev, logger)
		if err != nil || again != first {
			t.Fatalf("restart: %+v, %v; want %+v", again, err, first)
		}
		signsIn(first)
		// Demoted by someone, it is an admin again.
		if _, err := svc.Add(ctx, "boss@example.com", users.RoleAdmin, "boss password 1"); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetRole(ctx, first.email, users.RoleSupport); err != nil {
			t.Fatal(err)
		}
		if _, err := demoAdmin(ctx, st, prev, logger); err != nil {
			t.Fatal(err)
		}
		signsIn(first)
		// Removed, it is made again with demo.json's password.
		if err := svc.Remove(ctx, first.email); err != nil {
			t.Fatal(err)
		}
		if _, err := demoAdmin(ctx, st, prev, logger); err != nil {
			t.Fatal(err)
		}
		signsIn(first)
		if list, _ := svc.List(ctx); len(list) != 2 {
			t.Errorf("users %+v, want the boss and the demo's admin", list)
		}
		// A demo.json admin the database never had (an older database) is made too.
		custom := demoInfo{AdminUser: "owner@demo.local", AdminPassword: "kept password 1"}
		if a, err := demoAdmin(ctx, st, custom, logger); err != nil || a.email != custom.AdminUser {
			t.Fatalf("custom: %+v, %v", a, err)
		}
		signsIn(demoAdminAccount{custom.AdminUser, custom.AdminPassword})
		if _, err := svc.ByEmail(ctx, "nobody@demo.local"); !errors.Is(err, users.ErrNotFound) {
			t.Fatal(err)
		}
	})
}

func TestDemoBannerSignIn(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	printDemoBanner(&out, demoInfo{AdminURL: "http://127.0.0.1:8080/", AdminUser: demoAdminEmail, AdminPassword: "pw-0123456789abcdefghij"}, "/data/demo")
	if want := "  web UI        http://127.0.0.1:8080/login   as admin@demo.local, password pw-0123456789abcdefghij\n"; !strings.Contains(out.String(), want) {
		t.Errorf("banner lacks %q:\n%s", want, out.String())
	}
}
