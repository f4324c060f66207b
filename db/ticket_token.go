package db

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
)

// A ticket's private link carries the ticket's id in front of its secret:
// hdt_<id>_<43 characters of base64url>. What is stored (and uniquely
// indexed) is the id as 8 big-endian bytes followed by the SHA-256 of the
// whole token, so new keys sort by ticket id and each insert lands on the
// index's last page. A key that is only a hash lands on a random page of
// the index: that one index was 30 % of all the WAL frames a create wrote,
// and the id in front cut a create's WAL frames from 3.32 to 2.40.
//
// Tokens made before carry no id (hdt_<43 characters>); their stored key is
// the plain SHA-256, as before, and they keep working.

// legacyTokenLen is the length of a token without an id.
const legacyTokenLen = len(TicketTokenPrefix) + 43

// newTicketToken returns a private link token for ticket id and the key
// stored for it.
func newTicketToken(id int64) (token string, key []byte) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on Linux; a broken RNG must stop us
	}
	token = TicketTokenPrefix + strconv.FormatInt(id, 10) + "_" + base64.RawURLEncoding.EncodeToString(b)
	return token, ticketTokenKey(token)
}

// ticketTokenKey is the stored key of token: the plain hash for a token
// without an id, the id then the hash otherwise. A token that is neither
// gets a key no token has.
func ticketTokenKey(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	if len(token) == legacyTokenLen {
		return sum[:]
	}
	digits, _, ok := strings.Cut(strings.TrimPrefix(token, TicketTokenPrefix), "_")
	id, err := strconv.ParseInt(digits, 10, 64)
	if !ok || err != nil || id <= 0 {
		return nil
	}
	key := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(sum)), uint64(id))
	return append(key, sum[:]...)
}

// nextTicketID is the id the next ticket inserted in tx gets. The token
// needs the id before the row exists, so the insert names it.
func nextTicketID(tx *Tx) (int64, error) { return tx.w.eng.nextTicketID(tx) }
