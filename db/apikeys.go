package db

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"fmt"
	"time"
)

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
}

// CreateAPIKey mints a key with role agent or admin and returns it with the
// secret, which is shown once.
func (d *DB) CreateAPIKey(ctx context.Context, name, role string) (APIKey, string, error) {
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
	err := d.write(ctx, func(tx *Tx) error {
		return tx.QueryRow(`INSERT INTO api_keys (name, role, key_hash, prefix, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, k.Name, k.Role, hash, k.Prefix, k.CreatedAt).Scan(&k.ID)
	})
	if err != nil {
		return APIKey{}, "", fmt.Errorf("db: unable to create API key: %w", err)
	}
	return k, secret, nil
}

// APIKeyBySecret returns the live key whose secret is given, or
// EUNAUTHORIZED. Its last use is recorded at most once a minute.
func (d *DB) APIKeyBySecret(ctx context.Context, secret string) (APIKey, error) {
	var k APIKey
	var stored []byte
	hash := hashSecret(secret)
	err := d.read.QueryRowContext(ctx, `SELECT id, name, role, prefix, created_at, last_used_at, key_hash
		FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL`, hash).
		Scan(&k.ID, &k.Name, &k.Role, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &stored)
	// The lookup is by hash of a 256-bit secret; the compare is belt and braces.
	if err == sql.ErrNoRows || err == nil && subtle.ConstantTimeCompare(stored, hash) != 1 {
		return APIKey{}, Errorf(EUNAUTHORIZED, "unknown or revoked API key")
	}
	if err != nil {
		return APIKey{}, fmt.Errorf("db: unable to find API key: %w", err)
	}
	now := d.now()
	if !k.LastUsedAt.Valid || now.Sub(k.LastUsedAt.Time.Time) > time.Minute {
		// Not on the request's path: a slow write must not slow the caller.
		go func(id int64) {
			_ = d.write(context.Background(), func(tx *Tx) error {
				_, err := tx.Exec(`UPDATE api_keys SET last_used_at = ? WHERE id = ?`, Time{now}, id)
				return err
			})
		}(k.ID)
	}
	return k, nil
}

// APIKeys lists every key, newest first, revoked ones included.
func (d *DB) APIKeys(ctx context.Context) ([]APIKey, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT id, name, role, prefix, created_at, last_used_at, revoked_at IS NOT NULL
		FROM api_keys ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list API keys: %w", err)
	}
	defer rows.Close()
	var out []APIKey
	for rows.Next() {
		var k APIKey
		if err := rows.Scan(&k.ID, &k.Name, &k.Role, &k.Prefix, &k.CreatedAt, &k.LastUsedAt, &k.Revoked); err != nil {
			return nil, fmt.Errorf("db: unable to scan API key: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey stops a key from working, at once and for good.
func (d *DB) RevokeAPIKey(ctx context.Context, id int64) error {
	return d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, Time{d.now()}, id)
		if err != nil {
			return fmt.Errorf("db: unable to revoke API key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "no live API key %d", id)
		}
		return nil
	})
}
