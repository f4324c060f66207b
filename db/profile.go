package db

import (
	"context"
	"database/sql"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// MaxSignatureLen is the longest signature, in characters: a few lines
// (name, role, a link), not a letterhead.
const MaxSignatureLen = 500

// Profile is what an agent sets about themselves at /agent/profile.
// Language is "en", "es", or "" for none chosen.
type Profile struct {
	Name      string
	Signature string
	Language  string
}

// agentLanguage is the SQL for the language of an email to the agent in
// the users row being read: their own choice, English when they made
// none.
const agentLanguage = `CASE WHEN language IN ('en', 'es') THEN language ELSE 'en' END`

// Profile returns the profile of the account with id (ENOTFOUND).
func (d *DB) Profile(ctx context.Context, id int64) (Profile, error) {
	var p Profile
	err := d.read.QueryRowContext(ctx, `SELECT name, signature, language FROM users WHERE id = ?`, id).
		Scan(&p.Name, &p.Signature, &p.Language)
	if err == sql.ErrNoRows {
		return p, Errorf(ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return p, fmt.Errorf("db: unable to fetch profile: %w", err)
	}
	return p, nil
}

// UpdateProfile validates p and stores it as the profile of id. Name is
// required (it signs the agent's replies); Signature may be empty;
// Language must be "", "en" or "es". EINVALID names each bad field.
func (d *DB) UpdateProfile(ctx context.Context, id int64, p Profile) (Profile, error) {
	var v Invalid
	name, _ := v.text("name", p.Name, MaxNameLen, true)
	sig, _ := v.text("signature", p.Signature, MaxSignatureLen, false)
	if p.Language != "" && p.Language != "en" && p.Language != "es" {
		v.Add("language", "must be en, es or empty")
	}
	if err := v.Err(); err != nil {
		return Profile{}, err
	}
	out := Profile{Name: name, Signature: sig, Language: p.Language}
	err := d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE users SET name = ?, signature = ?, language = ? WHERE id = ?`, name, sig, p.Language, id)
		if err != nil {
			return fmt.Errorf("db: unable to update profile: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "user %d not found", id)
		}
		return nil
	})
	return out, err
}

// ChangePassword sets the password of id to next when current is its
// password now, and ends every other session of the account (keepSession
// is the one making the change). A wrong current password is EINVALID on
// "current", a bad new one EINVALID on "password".
func (d *DB) ChangePassword(ctx context.Context, id int64, current, next, keepSession string) error {
	var hash string
	err := d.read.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, id).Scan(&hash)
	if err == sql.ErrNoRows {
		return Errorf(ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return fmt.Errorf("db: unable to fetch user: %w", err)
	}
	if hash == "" || bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return &Error{Code: EINVALID, Message: "Some fields are not valid.",
			Fields: []FieldError{{Field: "current", Message: "is not your password"}}}
	}
	newHash, err := passwordHash(next)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *Tx) error {
		// The hash read above must still be the one in place: a change
		// made meanwhile (another tab, a reset link) is not overwritten
		// on the strength of the old password.
		res, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?`, newHash, id, hash)
		if err != nil {
			return fmt.Errorf("db: unable to set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &Error{Code: EINVALID, Message: "Some fields are not valid.",
				Fields: []FieldError{{Field: "current", Message: "is not your password"}}}
		}
		return deleteUserSessions(tx, id, keepSession)
	})
}

// EndOtherSessions signs the account id out everywhere but keepSession,
// and reports how many sessions it ended.
func (d *DB) EndOtherSessions(ctx context.Context, id int64, keepSession string) (int64, error) {
	var n int64
	err := d.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`DELETE FROM sessions WHERE user_id = ? AND id_hash <> ?`, id, hashSecret(keepSession))
		if err != nil {
			return fmt.Errorf("db: unable to end sessions: %w", err)
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return n, err
}

// CountSessions counts the live sessions of the account id.
func (d *DB) CountSessions(ctx context.Context, id int64) (int, error) {
	var n int
	err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM sessions WHERE user_id = ? AND expires_at > ?`, id, Time{d.now()}).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("db: unable to count sessions: %w", err)
	}
	return n, nil
}
