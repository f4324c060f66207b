package db

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Prefixes that make a leaked secret recognisable (secret scanners, logs).
const (
	APIKeyPrefix      = "hdk_"
	TicketTokenPrefix = "hdt_"
)

// newSecret returns a random secret with prefix, and the hash that is stored
// in its place: 256 bits of entropy, so a plain SHA-256 is enough (no
// password stretching needed) and a lookup by hash leaks nothing useful.
func newSecret(prefix string) (secret string, hash []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux; a broken RNG must stop us
	}
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
