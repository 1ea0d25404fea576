package users

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of new password hashes. A stored hash carries its own
// parameters, so changing these leaves existing passwords working (they are rehashed with the new
// ones at the next successful login).
type Argon2Params struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
}

// DefaultArgon2 is 64 MiB, one pass, two lanes: RFC 9106's memory of its second recommended
// option with fewer passes (as its first option does at 2 GiB), above OWASP's floor (46 MiB, one
// pass). On a busy two-core machine one hash takes a fifth of a second; 3 passes and 4 lanes
// took three times as long for little more against an attacker with memory to spare.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Iterations: 1, Parallelism: 2}

const (
	argon2SaltLen = 16
	argon2KeyLen  = 32
	// Bounds on the parameters of a stored hash, so a corrupt or hostile row cannot make one
	// login take gigabytes or minutes.
	argon2MaxMemory     = 1 << 20 // 1 GiB in KiB
	argon2MaxIterations = 64
)

var errBadHash = errors.New("users: malformed password hash")

// hashPassword returns the argon2id PHC string of password with a fresh random salt:
// $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash> (salt and hash in unpadded standard base64).
func hashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, argon2SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("users: salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, argon2KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// phc is a parsed argon2id PHC string.
type phc struct {
	params Argon2Params
	salt   []byte
	key    []byte
}

func parsePHC(s string) (phc, error) {
	parts := strings.Split(s, "$")
	// "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return phc{}, errBadHash
	}
	var h phc
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return phc{}, errBadHash
		}
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return phc{}, errBadHash
		}
		switch k {
		case "m":
			h.params.Memory = uint32(n)
		case "t":
			h.params.Iterations = uint32(n)
		case "p":
			if n > 255 {
				return phc{}, errBadHash
			}
			h.params.Parallelism = uint8(n)
		default:
			return phc{}, errBadHash
		}
	}
	p := h.params
	if p.Iterations < 1 || p.Iterations > argon2MaxIterations || p.Parallelism < 1 ||
		p.Memory < 8*uint32(p.Parallelism) || p.Memory > argon2MaxMemory {
		return phc{}, errBadHash
	}
	var err error
	if h.salt, err = base64.RawStdEncoding.DecodeString(parts[4]); err != nil || len(h.salt) < 8 {
		return phc{}, errBadHash
	}
	if h.key, err = base64.RawStdEncoding.DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 128 {
		return phc{}, errBadHash
	}
	return h, nil
}

// verifyPassword reports whether password matches the PHC string encoded, comparing in constant
// time. It also returns the parameters the hash was made with.
func verifyPassword(password, encoded string) (bool, Argon2Params, error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, Argon2Params{}, err
	}
	key := argon2.IDKey([]byte(password), h.salt, h.params.Iterations, h.params.Memory, h.params.Parallelism, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, h.params, nil
}
