// Package secret encrypts small secrets (API access keys, shop credentials) before they are stored
// in the database, with AES-256-GCM under one key the operator keeps outside the database.
//
// A sealed value is "v1:" followed by the standard base64 of nonce||ciphertext||tag. The version
// prefix lets a later release change the scheme or rotate keys without guessing the format of the
// rows already written.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the length in bytes of a box key (AES-256).
const KeySize = 32

// prefixV1 marks values sealed with AES-256-GCM, a random 96-bit nonce and no associated data.
const prefixV1 = "v1:"

var (
	// ErrInvalidKey reports a key that is missing, not base64 or not KeySize bytes long.
	ErrInvalidKey = errors.New("secret: invalid key")
	// ErrOpen reports a sealed value that cannot be opened: wrong key, tampered or truncated
	// ciphertext, or an unknown format. The cause is deliberately not more specific.
	ErrOpen = errors.New("secret: cannot open sealed value")
)

// Box seals and opens secrets with one key. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// NewBox returns a Box for a KeySize-byte key.
func NewBox(key []byte) (*Box, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: key is %d bytes, want %d", ErrInvalidKey, len(key), KeySize)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secret: new cipher: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secret: new gcm: %w", err)
	}
	return &Box{aead: aead}, nil
}

// ParseKey decodes a base64 key as printed by `openssl rand -base64 32` (standard or URL
// alphabet, padded or not; surrounding white space is ignored) and checks its length.
func ParseKey(encoded string) ([]byte, error) {
	s := strings.TrimSpace(encoded)
	if s == "" {
		return nil, fmt.Errorf("%w: key is missing (want %d random bytes in base64, e.g. from `openssl rand -base64 32`)", ErrInvalidKey, KeySize)
	}
	var key []byte
	var err error
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err = enc.DecodeString(s)
		if err == nil {
			break
		}
	}
	if err != nil {
		// The decoder's error quotes an offset, never the key itself.
		return nil, fmt.Errorf("%w: key is not valid base64", ErrInvalidKey)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("%w: key decodes to %d bytes, want %d (use `openssl rand -base64 32`)", ErrInvalidKey, len(key), KeySize)
	}
	return key, nil
}

// GenerateKey returns KeySize fresh random bytes.
func GenerateKey() ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("secret: generate key: %w", err)
	}
	return key, nil
}

// EncodeKey returns the standard base64 form of key, the form ParseKey reads.
func EncodeKey(key []byte) string {
	return base64.StdEncoding.EncodeToString(key)
}

// Seal encrypts plaintext under a fresh random nonce and returns the versioned, printable result.
// Sealing the same plaintext twice gives different outputs.
func (b *Box) Seal(plaintext string) (string, error) {
	nonce := make([]byte, b.aead.NonceSize(), b.aead.NonceSize()+len(plaintext)+b.aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secret: nonce: %w", err)
	}
	out := b.aead.Seal(nonce, nonce, []byte(plaintext), nil)
	return prefixV1 + base64.StdEncoding.EncodeToString(out), nil
}

// Open authenticates and decrypts a value made by Seal. Any failure wraps ErrOpen.
func (b *Box) Open(sealed string) (string, error) {
	payload, ok := strings.CutPrefix(sealed, prefixV1)
	if !ok {
		return "", fmt.Errorf("%w: unknown format", ErrOpen)
	}
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return "", fmt.Errorf("%w: not base64", ErrOpen)
	}
	ns := b.aead.NonceSize()
	if len(raw) < ns+b.aead.Overhead() {
		return "", fmt.Errorf("%w: too short", ErrOpen)
	}
	plain, err := b.aead.Open(nil, raw[:ns], raw[ns:], nil)
	if err != nil {
		return "", fmt.Errorf("%w: authentication failed (wrong key or tampered value)", ErrOpen)
	}
	return string(plain), nil
}

// String keeps the key material out of fmt output.
func (b *Box) String() string { return "secret.Box(REDACTED)" }

// GoString keeps the key material out of %#v output.
func (b *Box) GoString() string { return b.String() }
