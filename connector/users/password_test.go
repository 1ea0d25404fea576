package users

import (
	"strings"
	"testing"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	t.Parallel()
	p := Argon2Params{Memory: 64, Iterations: 2, Parallelism: 1}
	h, err := hashPassword("correct horse", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horse ": false, "": false} {
		ok, got, err := verifyPassword(pw, h)
		if err != nil || ok != want || got != p {
			t.Errorf("verify(%q) = %v, %+v, %v; want %v with %+v", pw, ok, got, err, want, p)
		}
	}
	// RFC 9106 parameters in a hash made elsewhere (the PHC reference form) are read.
	if _, err := parsePHC("$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"); err != nil {
		t.Errorf("reference hash: %v", err)
	}
}

func TestParsePHCRefusesMalformed(t *testing.T) {
	t.Parallel()
	for _, h := range []string{
		"",
		"plain text password",
		"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",       // argon2i, not id
		"$argon2id$v=16$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",      // old version
		"$argon2id$v=19$m=64,t=0,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",      // no pass
		"$argon2id$v=19$m=4,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",       // too little memory
		"$argon2id$v=19$m=4194304,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", // 4 GiB
		"$argon2id$v=19$m=64,t=1000,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",   // too many passes
		"$argon2id$v=19$m=64,t=1,p=1,x=2$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=64,t=1,p=1$!!$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$c2hvcnQ", // 5-byte hash
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ",
	} {
		if _, err := parsePHC(h); err == nil {
			t.Errorf("parsePHC(%q) accepted it", h)
		}
		if ok, _, err := verifyPassword("x", h); ok || err == nil {
			t.Errorf("verifyPassword with %q = %v, %v", h, ok, err)
		}
	}
}
