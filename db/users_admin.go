package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// dummyHash is compared against when an email is unknown, so a sign-in
// takes as long for an unknown account as for a wrong password.
var dummyHash, _ = bcrypt.GenerateFromPassword([]byte("not a real password"), bcrypt.DefaultCost)

// Authenticate returns the active user with email and password, or
// EUNAUTHORIZED with one message for every failure (no account enumeration).
func (d *DB) Authenticate(ctx context.Context, email, password string) (User, error) {
	var u User
	var hash string
	err := d.read.QueryRowContext(ctx, `SELECT id, email, name, role, active, created_at, password_hash
		FROM users WHERE email = ? COLLATE NOCASE`, email).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt, &hash)
	if err != nil && err != sql.ErrNoRows {
		return u, fmt.Errorf("db: unable to fetch user: %w", err)
	}
	if err == sql.ErrNoRows || hash == "" {
		hash = string(dummyHash)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) != nil || err == sql.ErrNoRows || !u.Active {
		return User{}, Errorf(EUNAUTHORIZED, "email or password is wrong")
	}
	return u, nil
}

// Users lists every account, active first, by name.
func (d *DB) Users(ctx context.Context) ([]User, error) {
	rows, err := d.read.QueryContext(ctx, `SELECT id, email, name, role, active, created_at FROM users
		ORDER BY active DESC, name COLLATE NOCASE`)
	if err != nil {
		return nil, fmt.Errorf("db: unable to list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt); err != nil {
			return nil, fmt.Errorf("db: unable to scan user: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser is UpdateUserBy with no account recorded as making the
// change (commands and tests).
func (d *DB) UpdateUser(ctx context.Context, id int64, role string, active bool) error {
	_, err := d.UpdateUserBy(ctx, id, role, active, 0)
	return err
}

// UpdateUserBy changes an account's role and whether it is active, as
// the admin byID (0 for none). Turning an account off ends its sessions
// and revokes every API key it made; taking its admin role away revokes
// the admin keys it made (its agent keys stay: it still holds those
// rights). Revocation is for good, so giving the role or the account back
// does not revive a key nobody is looking after. It returns how many keys
// it revoked. The last active admin cannot be demoted or turned off
// (ECONFLICT): someone must be able to manage the desk.
func (d *DB) UpdateUserBy(ctx context.Context, id int64, role string, active bool, byID int64) (int64, error) {
	if role != RoleAgent && role != RoleAdmin {
		return 0, &Error{Code: EINVALID, Message: "Some fields are not valid.", Fields: []FieldError{{Field: "role", Message: "must be agent or admin"}}}
	}
	var revoked int64
	err := d.write(ctx, func(tx *Tx) error {
		var others, isAdmin int
		if err := tx.QueryRow(`SELECT
			(SELECT count(*) FROM users WHERE role = 'admin' AND active = TRUE AND id <> ?1),
			(SELECT count(*) FROM users WHERE role = 'admin' AND active = TRUE AND id = ?1)`, id).Scan(&others, &isAdmin); err != nil {
			return fmt.Errorf("db: unable to count admins: %w", err)
		}
		if isAdmin == 1 && others == 0 && (role != RoleAdmin || !active) {
			return Errorf(ECONFLICT, "the last active admin must stay an active admin")
		}
		res, err := tx.Exec(`UPDATE users SET role = ?, active = ? WHERE id = ?`, role, active, id)
		if err != nil {
			return fmt.Errorf("db: unable to update user: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "user %d not found", id)
		}
		if revoked, err = revokeCreatorKeys(tx, id, role, active, byID, Time{d.now()}); err != nil {
			return err
		}
		if !active {
			// A set-password link made before the account was turned off
			// must not outlive it: deleted, it stays dead if the account
			// is turned back on.
			if _, err := tx.Exec(`DELETE FROM password_tokens WHERE user_id = ?`, id); err != nil {
				return fmt.Errorf("db: unable to delete password links: %w", err)
			}
			return deleteUserSessions(tx, id, "")
		}
		return nil
	})
	return revoked, err
}

// SetPassword replaces a user's password and ends their other sessions.
// keepSession is the session that made the change ("" for none).
func (d *DB) SetPassword(ctx context.Context, id int64, password, keepSession string) error {
	hash, err := passwordHash(password)
	if err != nil {
		return err
	}
	return d.write(ctx, func(tx *Tx) error {
		return setPasswordHash(tx, id, hash, keepSession)
	})
}

// passwordHash checks a new password's length and hashes it.
func passwordHash(password string) (string, error) {
	if m := PasswordProblem(password); m != "" {
		return "", &Error{Code: EINVALID, Message: "Some fields are not valid.",
			Fields: []FieldError{{Field: "password", Message: m}}}
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("db: unable to hash password: %w", err)
	}
	return string(hash), nil
}

func setPasswordHash(tx *Tx, id int64, hash, keepSession string) error {
	if _, err := tx.Exec(`UPDATE users SET password_hash = ? WHERE id = ?`, hash, id); err != nil {
		return fmt.Errorf("db: unable to set password: %w", err)
	}
	return deleteUserSessions(tx, id, keepSession)
}

// SetNotifyNewTickets sets whether a user gets an email for each new ticket.
func (d *DB) SetNotifyNewTickets(ctx context.Context, id int64, on bool) error {
	return d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE users SET notify_new_tickets = ? WHERE id = ?`, on, id)
		return err
	})
}

// PasswordTokenTTL is how long a set-password link works.
const PasswordTokenTTL = 72 * time.Hour

// CreatePasswordToken makes a one-time set-password link token for a user.
func (d *DB) CreatePasswordToken(ctx context.Context, userID int64) (string, error) {
	token, hash := newSecret("hdp_")
	err := d.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`INSERT INTO password_tokens (token_hash, user_id, expires_at) VALUES (?, ?, ?)`,
			hash, userID, Time{d.now().Add(PasswordTokenTTL)})
		return err
	})
	if err != nil {
		return "", fmt.Errorf("db: unable to create password token: %w", err)
	}
	return token, nil
}

// errPasswordLink answers a set-password link that is unknown, expired,
// spent, or for an account that is turned off.
func errPasswordLink() error {
	return Errorf(ENOTFOUND, "this link is not valid or has expired")
}

// passwordTokenSQL finds the account a live set-password link is for, as
// long as that account is active.
const passwordTokenSQL = `SELECT t.user_id FROM password_tokens t JOIN users u ON u.id = t.user_id
	WHERE t.token_hash = ? AND t.expires_at > ? AND u.active = TRUE`

// PasswordTokenUser returns the active user a live set-password token is
// for; a link for an account that is turned off opens nothing.
func (d *DB) PasswordTokenUser(ctx context.Context, token string) (User, error) {
	var id int64
	err := d.read.QueryRowContext(ctx, passwordTokenSQL, hashSecret(token), Time{d.now()}).Scan(&id)
	if err == sql.ErrNoRows {
		return User{}, errPasswordLink()
	}
	if err != nil {
		return User{}, fmt.Errorf("db: unable to read password token: %w", err)
	}
	return d.User(ctx, id)
}

// UsePasswordToken sets the password of the token's user and spends the
// token (and every other token of that user). The link is checked again
// in the write that sets the password: the account may have been turned
// off, or the link used, since the page was opened.
func (d *DB) UsePasswordToken(ctx context.Context, token, password string) (User, error) {
	u, err := d.PasswordTokenUser(ctx, token)
	if err != nil {
		return u, err
	}
	hash, err := passwordHash(password)
	if err != nil {
		return u, err
	}
	err = d.write(ctx, func(tx *Tx) error {
		var id int64
		err := tx.QueryRow(passwordTokenSQL, hashSecret(token), Time{d.now()}).Scan(&id)
		if err == sql.ErrNoRows {
			return errPasswordLink()
		}
		if err != nil {
			return fmt.Errorf("db: unable to read password token: %w", err)
		}
		if err := setPasswordHash(tx, id, hash, ""); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM password_tokens WHERE user_id = ?`, id); err != nil {
			return fmt.Errorf("db: unable to spend password links: %w", err)
		}
		return nil
	})
	return u, err
}
