package db

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// User roles: agents work tickets; admins also manage people, keys and
// categories, and may delete tickets.
const (
	RoleAgent = "agent"
	RoleAdmin = "admin"
)

// MinPasswordLen is the shortest password we accept.
const MinPasswordLen = 10

// User is an agent or admin account.
type User struct {
	ID        int64  `json:"id"`
	Email     string `json:"email"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	Active    bool   `json:"active"`
	CreatedAt Time   `json:"createdAt"`
	// Language is the desk language the agent chose ("en", "es"), ""
	// for none; filled for the signed-in agent (SessionByID).
	Language string `json:"-"`
}

// NewUser is an account to create.
type NewUser struct {
	Email    string
	Name     string
	Role     string
	Password string
}

// CreateUser validates u and stores it with a bcrypt hash of its password.
func (d *DB) CreateUser(ctx context.Context, u NewUser) (User, error) {
	return d.createUser(ctx, u, false)
}

// CreateFirstUser is CreateUser when no account exists yet, in one write;
// created is false, and nothing stored, when one does. Processes starting
// at once on one database each try: one wins, whatever emails they were
// given (the others' transactions conflict with it and, run again, find
// its account).
func (d *DB) CreateFirstUser(ctx context.Context, u NewUser) (user User, created bool, err error) {
	user, err = d.createUser(ctx, u, true)
	if errors.Is(err, errUsersExist) {
		return User{}, false, nil
	}
	return user, err == nil, err
}

// errUsersExist stops createUser's first-user insert.
var errUsersExist = errors.New("db: accounts exist")

func (d *DB) createUser(ctx context.Context, u NewUser, onlyFirst bool) (User, error) {
	var v Invalid
	email := v.email("email", u.Email)
	name, _ := v.text("name", u.Name, MaxNameLen, true)
	if u.Role != RoleAgent && u.Role != RoleAdmin {
		v.Add("role", "must be agent or admin")
	}
	if m := PasswordProblem(u.Password); m != "" {
		v.Add("password", m)
	}
	if err := v.Err(); err != nil {
		return User{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(u.Password), bcrypt.DefaultCost)
	if err != nil {
		return User{}, fmt.Errorf("db: unable to hash password: %w", err)
	}
	user := User{Email: email, Name: name, Role: u.Role, Active: true, CreatedAt: Time{d.now()}}
	err = d.write(ctx, func(tx *Tx) error {
		if onlyFirst {
			var exist bool
			if err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM users)`).Scan(&exist); err != nil {
				return fmt.Errorf("db: unable to look for accounts: %w", err)
			}
			if exist {
				return errUsersExist
			}
		}
		err := tx.QueryRow(`INSERT INTO users (email, name, role, password_hash, created_at)
			VALUES (?, ?, ?, ?, ?) RETURNING id`, email, name, u.Role, string(hash), user.CreatedAt).Scan(&user.ID)
		if isUniqueViolation(err) {
			return &Error{Code: ECONFLICT, Message: "an account with that email exists",
				Fields: []FieldError{{Field: "email", Message: "is already in use"}}}
		}
		if err != nil {
			return fmt.Errorf("db: unable to insert user: %w", err)
		}
		return nil
	})
	return user, err
}

// User returns the account with id.
func (d *DB) User(ctx context.Context, id int64) (User, error) {
	var u User
	err := d.read.QueryRowContext(ctx, `SELECT id, email, name, role, active, created_at FROM users WHERE id = ?`, id).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt)
	if err == sql.ErrNoRows {
		return u, Errorf(ENOTFOUND, "user %d not found", id)
	}
	if err != nil {
		return u, fmt.Errorf("db: unable to fetch user: %w", err)
	}
	return u, nil
}

// UserByEmail returns the account whose sign-in email is email (any case).
func (d *DB) UserByEmail(ctx context.Context, email string) (User, error) {
	var u User
	err := d.read.QueryRowContext(ctx, `SELECT id, email, name, role, active, created_at FROM users
		WHERE email = ? COLLATE NOCASE`, strings.TrimSpace(email)).
		Scan(&u.ID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt)
	if err == sql.ErrNoRows {
		return u, Errorf(ENOTFOUND, "no account has the email %s", email)
	}
	if err != nil {
		return u, fmt.Errorf("db: unable to fetch user: %w", err)
	}
	return u, nil
}

// CountUsers counts accounts, active or not.
func (d *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := d.read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("db: unable to count users: %w", err)
	}
	return n, nil
}

// RandomPassword returns a password for one-time use (first start, resets).
func RandomPassword() string {
	b := make([]byte, 15)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
