package db

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Where an API key came from (api_keys.created_via).
const (
	KeyFromCommand    = "command"    // `helpdesk apikey create`: the machine's operator
	KeyFromSettings   = "settings"   // an admin, on the settings page
	KeyFromUnrecorded = "unrecorded" // made before creators were recorded
)

// Why an API key stopped working (api_keys.revoked_reason).
const (
	KeyRevoked            = "revoked"             // an admin revoked it
	KeyCreatorDeactivated = "creator_deactivated" // its creator's account was turned off
	KeyCreatorDemoted     = "creator_demoted"     // an admin key whose creator is no longer an admin
)

// KeyUseInterval is how often, at most, a key's last use is written: a
// write on every call would put one on every read (get-by-id serves tens
// of thousands a second), so "last used" is accurate to this interval.
const KeyUseInterval = time.Minute

// APIKey is a credential for other Kinconecta services. Only a hash of the
// key is stored; Prefix (the first characters) lets people tell keys apart.
type APIKey struct {
	ID         int64    `json:"id"`
	Name       string   `json:"name"`
	Role       string   `json:"role"`
	Prefix     string   `json:"prefix"`
	CreatedAt  Time     `json:"createdAt"`
	LastUsedAt NullTime `json:"-"`
	Revoked    bool     `json:"revoked"`

	// CreatedVia is KeyFromCommand, KeyFromSettings or KeyFromUnrecorded;
	// CreatorID and CreatorName name the admin for KeyFromSettings.
	CreatedVia  string `json:"-"`
	CreatorID   int64  `json:"-"`
	CreatorName string `json:"-"`
	// RevokedAt, RevokedReason (KeyRevoked, KeyCreatorDeactivated,
	// KeyCreatorDemoted; "" for revocations older than the record) and
	// RevokedByName (the admin whose action revoked it; "" if unknown).
	RevokedAt     NullTime `json:"-"`
	RevokedReason string   `json:"-"`
	RevokedByName string   `json:"-"`
}

// CreateAPIKey mints a key with role agent or admin for the command line
// (`helpdesk apikey create`), which has no creator account, and returns it
// with the secret, which is shown once.
func (d *DB) CreateAPIKey(ctx context.Context, name, role string) (APIKey, string, error) {
	return d.createAPIKey(ctx, name, role, 0, 0)
}

// CreateAPIKeyBy mints a key on behalf of the account creatorID. A key
// never holds more than its creator: an inactive creator, or an agent
// asking for an admin key, is refused with EFORBIDDEN.
func (d *DB) CreateAPIKeyBy(ctx context.Context, name, role string, creatorID int64) (APIKey, string, error) {
	return d.createAPIKey(ctx, name, role, creatorID, 0)
}

// CreateAPIKeyWithKey mints a key on behalf of the live key parentID (an
// admin key calling the settings route): the new key answers to whoever
// the parent answers to, the same creator or the command line, so no
// chain of keys outlives the account at its root. EFORBIDDEN as for
// CreateAPIKeyBy, and when the parent is revoked.
func (d *DB) CreateAPIKeyWithKey(ctx context.Context, name, role string, parentID int64) (APIKey, string, error) {
	return d.createAPIKey(ctx, name, role, 0, parentID)
}

func (d *DB) createAPIKey(ctx context.Context, name, role string, creatorID, parentID int64) (APIKey, string, error) {
	var v Invalid
	name, _ = v.text("name", name, MaxNameLen, true)
	if role != RoleAgent && role != RoleAdmin {
		v.Add("role", "must be agent or admin")
	}
	if err := v.Err(); err != nil {
		return APIKey{}, "", err
	}
	secret, hash := newSecret(APIKeyPrefix)
	k := APIKey{Name: name, Role: role, Prefix: secret[:len(APIKeyPrefix)+6], CreatedAt: Time{d.now()}}
	forbidden := Errorf(EFORBIDDEN, "an API key cannot have more rights than the account creating it")
	err := d.write(ctx, func(tx *Tx) error {
		// Resolved in the transaction that inserts, so a demotion or a
		// revocation that lands first cannot be outrun.
		k.CreatedVia, k.CreatorID = KeyFromCommand, creatorID
		if creatorID != 0 {
			k.CreatedVia = KeyFromSettings
		}
		if parentID != 0 {
			var creator sql.NullInt64
			err := tx.QueryRow(`SELECT created_by, created_via FROM api_keys WHERE id = ? AND revoked_at IS NULL`, parentID).
				Scan(&creator, &k.CreatedVia)
			if err == sql.ErrNoRows {
				return forbidden
			}
			if err != nil {
				return fmt.Errorf("db: unable to read the parent API key: %w", err)
			}
			k.CreatorID = creator.Int64
		}
		if k.CreatorID != 0 {
			var creatorRole string
			var active bool
			err := tx.QueryRow(`SELECT name, role, active FROM users WHERE id = ?`, k.CreatorID).
				Scan(&k.CreatorName, &creatorRole, &active)
			if err == sql.ErrNoRows || err == nil && (!active || role == RoleAdmin && creatorRole != RoleAdmin) {
				return forbidden
			}
			if err != nil {
				return fmt.Errorf("db: unable to read API key creator: %w", err)
			}
		}
		return tx.QueryRow(`INSERT INTO api_keys (name, role, key_hash, prefix, created_at, created_by, created_via)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			k.Name, k.Role, hash, k.Prefix, k.CreatedAt, nullID(k.CreatorID), k.CreatedVia).Scan(&k.ID)
	})
	if err != nil {
		if ErrorCode(err) != EINTERNAL {
			return APIKey{}, "", err
		}
		return APIKey{}, "", fmt.Errorf("db: unable to create API key: %w", err)
	}
	return k, secret, nil
}

// APIKeyBySecret returns the live key whose secret is given, or
// EUNAUTHORIZED. A key made by an account works only while that account
// is active, and an admin key only while it is an admin: revoking the keys
// on deactivation or demotion (UpdateUserBy) is what people see; this
// check keeps the rule even for a change made some other way. Its last
// use is written at most once per KeyUseInterval, without waiting.
func (d *DB) APIKeyBySecret(ctx context.Context, secret string) (APIKey, error) {
	var hash [32]byte
	copy(hash[:], hashSecret(secret))
	// Found keys are cached until a revocation or a change of account
	// commits (lookup_cache.go): the lookup was 16 % of a get by id.
	k, ok, gen := d.apiKeys.get(hash)
	if !ok {
		var err error
		if k, err = d.findAPIKey(ctx, hash[:]); err != nil {
			return APIKey{}, err
		}
		d.apiKeys.put(hash, k, gen)
	}
	d.noteKeyUse(k.ID)
	return k, nil
}

func (d *DB) findAPIKey(ctx context.Context, hash []byte) (APIKey, error) {
	var k APIKey
	var stored []byte
	var creator sql.NullInt64
	err := d.read.QueryRowContext(ctx, `SELECT k.id, k.name, k.role, k.prefix, k.created_at, k.key_hash, k.created_by
		FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
		WHERE k.key_hash = ? AND k.revoked_at IS NULL
			AND (k.created_by IS NULL OR u.active = TRUE AND (k.role = 'agent' OR u.role = 'admin'))`, hash).
		Scan(&k.ID, &k.Name, &k.Role, &k.Prefix, &k.CreatedAt, &stored, &creator)
	// The lookup is by hash of a 256-bit secret; the compare is belt and braces.
	if err == sql.ErrNoRows || err == nil && subtle.ConstantTimeCompare(stored, hash) != 1 {
		return APIKey{}, Errorf(EUNAUTHORIZED, "unknown or revoked API key")
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("db: unable to find API key: %w", err)
	}
	k.CreatorID = creator.Int64
	return k, nil
}

// keyUses holds, per key id, when this process last wrote the key's
// last use (Unix nanoseconds in an *atomic.Int64): deciding costs a map
// read and at most one compare-and-swap, never a lock or a write.
type keyUses struct{ written sync.Map }

// due reports whether key id's use at now should be written, and if so
// claims the write, so that of many concurrent calls only one writes.
func (u *keyUses) due(id int64, now time.Time) bool {
	v, loaded := u.written.LoadOrStore(id, new(atomic.Int64))
	last := v.(*atomic.Int64)
	prev := last.Load()
	if loaded && prev != 0 && now.Sub(time.Unix(0, prev)) < KeyUseInterval {
		return false
	}
	return last.CompareAndSwap(prev, now.UnixNano())
}

// noteKeyUse queues the write of a key's last use when one is due. The
// caller does not wait: a write queued behind others must not slow a read.
func (d *DB) noteKeyUse(id int64) {
	now := d.now()
	if !d.keyUses.due(id, now) {
		return
	}
	go func() {
		err := d.write(context.Background(), func(tx *Tx) error {
			_, err := tx.Exec(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`, Time{now}, id)
			return err
		})
		if err != nil && err != errClosed {
			// Losing one "last used" stamp is harmless; the next is due
			// a minute later anyway.
			slog.Debug("db: unable to record API key use", "key", id, "err", err)
		}
	}()
}

// APIKeys lists every key: live ones first, then revoked ones, newest
// first within each, with who made and who revoked them.
func (d *DB) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT k.id, k.name, k.role, k.prefix, k.created_at, k.last_used_at,
			k.revoked_at, k.created_via, coalesce(k.created_by, 0), coalesce(c.name, ''),
			coalesce(k.revoked_reason, ''), coalesce(r.name, '')
		FROM api_keys k LEFT JOIN users c ON c.id = k.created_by LEFT JOIN users r ON r.id = k.revoked_by
		ORDER BY k.revoked_at IS NOT NULL, k.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list API keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		var k APIKey
		if err := rows.Scan(&k.ID, &k.Name, &k.Role, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.RevokedAt,
			&k.CreatedVia, &k.CreatorID, &k.CreatorName, &k.RevokedReason, &k.RevokedByName); err != nil {
			return nil, fmt.Errorf("db: unable to scan API key: %w", err)
		}
		k.Revoked = k.RevokedAt.Valid
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key from working, at once and for good, recording
// byID (the admin revoking it; 0 when unknown). ENOTFOUND when no live key
// has that id.
func (d *DB) RevokeAPIKey(ctx context.Context, id, byID int64) error {
	return d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE api_keys SET revoked_at = ?, revoked_by = ?, revoked_reason = ?
			WHERE id = ? AND revoked_at IS NULL`, Time{d.now()}, nullID(byID), KeyRevoked, id)
		if err != nil {
			return fmt.Errorf("db: unable to revoke API key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "no live API key %d", id)
		}
		return nil
	})
}

// revokeCreatorKeys revokes, inside tx, the live keys of userID that its
// new role and state no longer cover: all of them when it is turned off,
// its admin keys when it stops being an admin. It returns how many.
func revokeCreatorKeys(tx *Tx, userID int64, role string, active bool, byID int64, now Time) (int64, error) {
	reason, onlyAdmin := KeyCreatorDeactivated, false
	switch {
	case !active:
	case role != RoleAdmin:
		reason, onlyAdmin = KeyCreatorDemoted, true
	default:
		return 0, nil
	}
	res, err := tx.Exec(`UPDATE api_keys SET revoked_at = ?, revoked_by = ?, revoked_reason = ?
		WHERE created_by = ? AND revoked_at IS NULL AND (NOT ? OR role = 'admin')`,
		now, nullID(byID), reason, userID, onlyAdmin)
	if err != nil {
		return 0, fmt.Errorf("db: unable to revoke the account's API keys: %w", err)
	}
	return res.RowsAffected()
}

// nullID stores 0 as NULL: "no account".
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
