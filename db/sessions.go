package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Session is a signed-in agent's server-side session.
type Session struct {
	UserID    int64
	Data      []byte
	ExpiresAt Time
}

// NewSessionID returns a fresh random session id (shown only in the cookie;
// only its hash is stored).
func NewSessionID() string {
	id, _ := newSecret("hds_")
	return id
}

// SaveSession stores (or replaces) the session with id for user until expires.
func (d *DB) SaveSession(ctx context.Context, id string, userID int64, data []byte, expires time.Time) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO sessions (id_hash, user_id, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id_hash) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at`,
			hashSecret(id), userID, data, Time{d.now()}, Time{expires.UTC()})
		if err != nil {
			return fmt.Errorf("db: unable to save session: %w", err)
		}
		return nil
	})
}

// SessionByID returns a live session of an active user, or ENOTFOUND.
func (d *DB) SessionByID(ctx context.Context, id string) (Session, User, error) {
	var s Session
	var u User
	err := d.read.QueryRowContext(ctx, `
		SELECT s.user_id, s.data, s.expires_at, u.id, u.email, u.name, u.role, u.active, u.created_at, u.language
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = ? AND s.expires_at > ? AND u.active = TRUE`, hashSecret(id), Time{d.now()}).
		Scan(&s.UserID, &s.Data, &s.ExpiresAt, &u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt, &u.Language)
	if err == sql.ErrNoRows {
		return s, u, Errorf(ENOTFOUND, "no such session")
	}
	if err != nil {
		return s, u, fmt.Errorf("db: unable to fetch session: %w", err)
	}
	return s, u, nil
}

// DeleteSession ends one session (logout).
func (d *DB) DeleteSession(ctx context.Context, id string) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ?`, hashSecret(id))
		return err
	})
}

// deleteUserSessions ends every session of a user, but keep (the session
// id that made a password change, so its author stays signed in).
func deleteUserSessions(tx *Tx, userID int64, keep string) error {
	_, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, userID, hashSecret(keep))
	if err != nil {
		return fmt.Errorf("db: unable to end sessions: %w", err)
	}
	return nil
}

// PurgeExpiredSessions removes sessions past their expiry.
func (d *DB) PurgeExpiredSessions(ctx context.Context) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`DELETE FROM sessions WHERE expires_at <= ?`, Time{d.now()})
		return err
	})
}
