package secret_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/secret"
)

func newBox(t *testing.T) *secret.Box {
	t.Helper()
	key, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestRoundTrip(t *testing.T) {
	box := newBox(t)
	for _, plain := range []string{"", "a", "s3cr3t-access-key", strings.Repeat("ñ€😀", 1000)} {
		sealed, err := box.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(sealed, "v1:") {
			t.Errorf("sealed %q lacks version prefix", sealed)
		}
		if len(plain) >= 8 && strings.Contains(sealed, plain) { // short strings may occur in base64 by chance
			t.Errorf("sealed value contains the plaintext")
		}
		got, err := box.Open(sealed)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if got != plain {
			t.Errorf("round trip = %q, want %q", got, plain)
		}
	}
}

func TestSealIsRandomized(t *testing.T) {
	box := newBox(t)
	a, _ := box.Seal("same")
	b, _ := box.Seal("same")
	if a == b {
		t.Fatal("two seals of the same plaintext are equal; nonce is not random")
	}
}

func TestOpenRejects(t *testing.T) {
	box := newBox(t)
	sealed, err := box.Seal("access-key-123")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(sealed, "v1:"))
	flip := func(i int) string {
		b := append([]byte(nil), raw...)
		b[i] ^= 0x01
		return "v1:" + base64.StdEncoding.EncodeToString(b)
	}
	other := newBox(t)

	tests := []struct {
		name   string
		box    *secret.Box
		sealed string
	}{
		{"tampered nonce", box, flip(0)},
		{"tampered ciphertext", box, flip(13)},
		{"tampered tag", box, flip(len(raw) - 1)},
		{"truncated", box, "v1:" + base64.StdEncoding.EncodeToString(raw[:len(raw)-3])},
		{"too short", box, "v1:" + base64.StdEncoding.EncodeToString(raw[:5])},
		{"not base64", box, "v1:!!!"},
		{"no prefix", box, strings.TrimPrefix(sealed, "v1:")},
		{"unknown version", box, "v9:" + strings.TrimPrefix(sealed, "v1:")},
		{"empty", box, ""},
		{"wrong key", other, sealed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed)
			if !errors.Is(err, secret.ErrOpen) {
				t.Fatalf("Open = %q, %v; want ErrOpen", got, err)
			}
			if strings.Contains(err.Error(), "access-key-123") {
				t.Errorf("error leaks plaintext: %v", err)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	key, _ := secret.GenerateKey()
	std := base64.StdEncoding.EncodeToString(key)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"openssl output with newline", std + "\n", ""},
		{"raw std", base64.RawStdEncoding.EncodeToString(key), ""},
		{"url", base64.URLEncoding.EncodeToString(key), ""},
		{"missing", "", "missing"},
		{"blank", "  \n", "missing"},
		{"short", base64.StdEncoding.EncodeToString(key[:16]), "16 bytes, want 32"},
		{"long", base64.StdEncoding.EncodeToString(append(key, 1)), "33 bytes, want 32"},
		{"not base64", "this is not base64 at all!", "not valid base64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := secret.ParseKey(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseKey: %v", err)
				}
				if string(got) != string(key) {
					t.Fatal("ParseKey returned a different key")
				}
				return
			}
			if !errors.Is(err, secret.ErrInvalidKey) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("ParseKey err = %v, want ErrInvalidKey containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestNewBoxShortKey(t *testing.T) {
	for _, n := range []int{0, 16, 24, 31, 33} {
		if _, err := secret.NewBox(make([]byte, n)); !errors.Is(err, secret.ErrInvalidKey) {
			t.Errorf("NewBox(%d bytes) err = %v, want ErrInvalidKey", n, err)
		}
	}
}

func TestEncodeKeyRoundTrip(t *testing.T) {
	key, _ := secret.GenerateKey()
	got, err := secret.ParseKey(secret.EncodeKey(key))
	if err != nil || string(got) != string(key) {
		t.Fatalf("ParseKey(EncodeKey) = %v, %v", got, err)
	}
}

func TestBoxDoesNotPrintKey(t *testing.T) {
	box := newBox(t)
	for _, s := range []string{fmt.Sprint(box), fmt.Sprintf("%v", box), fmt.Sprintf("%#v", box), fmt.Sprintf("%+v", box)} {
		if s != "secret.Box(REDACTED)" {
			t.Errorf("printed box = %q", s)
		}
	}
}
