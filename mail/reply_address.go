package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strconv"
	"strings"
)

// replyKeyName names the server key (db.ServerKey) that signs reply
// addresses; it lives with the data, so a restored backup keeps old
// addresses working.
const replyKeyName = "reply-address"

// macEncoding writes the signature in lowercase letters and digits, which
// survive relays that fold the case of local parts.
var macEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// replyAddresses makes and checks reply+{ticket}.{mac}@{domain}: the
// signature makes an address impossible to guess, so a stranger cannot
// post into someone else's ticket by writing to reply+12@….
type replyAddresses struct {
	key    []byte
	domain string
}

// For is the reply address of a ticket.
func (r replyAddresses) For(ticketID int64) string {
	return "reply+" + strconv.FormatInt(ticketID, 10) + "." + r.mac(ticketID) + "@" + r.domain
}

// TicketID returns the ticket that addr names, and false when addr is not
// one of ours or its signature is wrong.
func (r replyAddresses) TicketID(addr string) (int64, bool) {
	at := strings.LastIndexByte(addr, '@')
	if at < 0 || !strings.EqualFold(addr[at+1:], r.domain) {
		return 0, false
	}
	rest, ok := strings.CutPrefix(strings.ToLower(addr[:at]), "reply+")
	if !ok {
		return 0, false
	}
	idText, mac, ok := strings.Cut(rest, ".")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 || strconv.FormatInt(id, 10) != idText {
		return 0, false
	}
	return id, hmac.Equal([]byte(mac), []byte(r.mac(id)))
}

// mac is the first 80 bits of HMAC-SHA256 over the ticket id: guessing
// online, one RCPT at a time under a rate limit, is hopeless.
func (r replyAddresses) mac(ticketID int64) string {
	h := hmac.New(sha256.New, r.key)
	h.Write([]byte("ticket-reply:" + strconv.FormatInt(ticketID, 10)))
	return strings.ToLower(macEncoding.EncodeToString(h.Sum(nil)[:10]))
}
