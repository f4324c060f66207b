package db

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// keyFixture is a database with two admins, Ana (who makes keys) and Bea
// (who changes Ana's account), and a key made on the command line.
type keyFixture struct {
	d            *DB
	ana, bea     User
	commandKey   string
	commandKeyID int64
}

func newKeyFixture(t *testing.T) *keyFixture {
	t.Helper()
	d := mustOpen(t)
	f := &keyFixture{d: d}
	var err error
	if f.ana, err = d.CreateUser(t.Context(), NewUser{Email: "ana@kinconecta.com", Name: "Ana", Role: RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	if f.bea, err = d.CreateUser(t.Context(), NewUser{Email: "bea@kinconecta.com", Name: "Bea", Role: RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	var k APIKey
	if k, f.commandKey, err = d.CreateAPIKey(t.Context(), "cron", RoleAdmin); err != nil {
		t.Fatal(err)
	}
	f.commandKeyID = k.ID
	return f
}

// mint makes a key as user.
func (f *keyFixture) mint(t *testing.T, user User, role string) (APIKey, string) {
	t.Helper()
	k, secret, err := f.d.CreateAPIKeyBy(t.Context(), "key of "+user.Name+" ("+role+")", role, user.ID)
	if err != nil {
		t.Fatal(err)
	}
	return k, secret
}

// works reports whether secret still authenticates.
func (f *keyFixture) works(t *testing.T, secret string) bool {
	t.Helper()
	_, err := f.d.APIKeyBySecret(t.Context(), secret)
	switch ErrorCode(err) {
	case EINTERNAL:
		if err != nil {
			t.Fatal(err)
		}
		return true
	case EUNAUTHORIZED:
		return false
	}
	t.Fatalf("lookup: %v", err)
	return false
}

// listed is the key with id as the settings list shows it.
func (f *keyFixture) listed(t *testing.T, id int64) APIKey {
	t.Helper()
	keys, err := f.d.APIKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("key %d is not listed", id)
	return APIKey{}
}

// Deactivating an account revokes every key it made, for good, recording
// why and by whom; keys of the command line and of others keep working.
func TestAPIKeyCreatorDeactivated(t *testing.T) {
	f := newKeyFixture(t)
	adminKey, adminSecret := f.mint(t, f.ana, RoleAdmin)
	agentKey, agentSecret := f.mint(t, f.ana, RoleAgent)
	_, beaSecret := f.mint(t, f.bea, RoleAdmin)

	if got := f.listed(t, adminKey.ID); got.CreatedVia != KeyFromSettings || got.CreatorName != "Ana" || got.CreatorID != f.ana.ID {
		t.Fatalf("creator recorded as %q %q %d, want settings, Ana", got.CreatedVia, got.CreatorName, got.CreatorID)
	}
	if got := f.listed(t, f.commandKeyID); got.CreatedVia != KeyFromCommand || got.CreatorID != 0 {
		t.Fatalf("command key recorded as %q %d", got.CreatedVia, got.CreatorID)
	}

	revoked, err := f.d.UpdateUserBy(t.Context(), f.ana.ID, RoleAdmin, false, f.bea.ID)
	if err != nil {
		t.Fatal(err)
	}
	if revoked != 2 {
		t.Errorf("revoked %d keys, want 2", revoked)
	}
	for name, secret := range map[string]string{"admin key": adminSecret, "agent key": agentSecret} {
		if f.works(t, secret) {
			t.Errorf("Ana's %s works after her account was deactivated", name)
		}
	}
	for name, secret := range map[string]string{"command-line key": f.commandKey, "Bea's key": beaSecret} {
		if !f.works(t, secret) {
			t.Errorf("%s stopped working", name)
		}
	}
	for _, id := range []int64{adminKey.ID, agentKey.ID} {
		k := f.listed(t, id)
		if !k.Revoked || !k.RevokedAt.Valid || k.RevokedReason != KeyCreatorDeactivated || k.RevokedByName != "Bea" {
			t.Errorf("key %d listed as revoked=%v at %v why %q by %q, want revoked because its creator was deactivated, by Bea",
				id, k.Revoked, k.RevokedAt.Valid, k.RevokedReason, k.RevokedByName)
		}
	}

	// Turning the account back on does not revive a key nobody watched.
	if _, err := f.d.UpdateUserBy(t.Context(), f.ana.ID, RoleAdmin, true, f.bea.ID); err != nil {
		t.Fatal(err)
	}
	if f.works(t, adminSecret) {
		t.Error("the admin key works again after reactivation")
	}
}

// Taking the admin role away revokes the admin keys the account made; its
// agent keys, within the rights it keeps, go on working.
func TestAPIKeyCreatorDemoted(t *testing.T) {
	f := newKeyFixture(t)
	adminKey, adminSecret := f.mint(t, f.ana, RoleAdmin)
	_, agentSecret := f.mint(t, f.ana, RoleAgent)

	revoked, err := f.d.UpdateUserBy(t.Context(), f.ana.ID, RoleAgent, true, f.bea.ID)
	if err != nil {
		t.Fatal(err)
	}
	if revoked != 1 {
		t.Errorf("revoked %d keys, want 1", revoked)
	}
	if f.works(t, adminSecret) {
		t.Error("an admin key works after its creator became an agent")
	}
	if !f.works(t, agentSecret) {
		t.Error("an agent key stopped working when its creator became an agent")
	}
	if k := f.listed(t, adminKey.ID); k.RevokedReason != KeyCreatorDemoted || k.RevokedByName != "Bea" {
		t.Errorf("revoked because %q by %q, want %q by Bea", k.RevokedReason, k.RevokedByName, KeyCreatorDemoted)
	}
	// Promoting again revives nothing.
	if _, err := f.d.UpdateUserBy(t.Context(), f.ana.ID, RoleAdmin, true, f.bea.ID); err != nil {
		t.Fatal(err)
	}
	if f.works(t, adminSecret) {
		t.Error("the admin key works again after promotion")
	}
}

// The lookup holds the rule by itself, even when an account changed some
// other way than UpdateUserBy (an old build, a hand-made SQL fix).
func TestAPIKeyLookupChecksCreator(t *testing.T) {
	f := newKeyFixture(t)
	_, adminSecret := f.mint(t, f.ana, RoleAdmin)
	_, agentSecret := f.mint(t, f.ana, RoleAgent)
	set := func(sql string) {
		t.Helper()
		if err := f.d.write(t.Context(), func(tx *Tx) error {
			_, err := tx.Exec(sql, f.ana.ID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(`UPDATE users SET role = 'agent' WHERE id = ?`)
	if f.works(t, adminSecret) {
		t.Error("an admin key works while its creator is an agent")
	}
	if !f.works(t, agentSecret) {
		t.Error("an agent key of an agent stopped working")
	}
	set(`UPDATE users SET active = FALSE WHERE id = ?`)
	if f.works(t, agentSecret) {
		t.Error("a key works while its creator is deactivated")
	}
}

// No one mints a key with more rights than they hold.
func TestAPIKeyCreateRefusesMoreThanCreator(t *testing.T) {
	f := newKeyFixture(t)
	agent, err := f.d.CreateUser(t.Context(), NewUser{Email: "carla@kinconecta.com", Name: "Carla", Role: RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.d.CreateAPIKeyBy(t.Context(), "escalate", RoleAdmin, agent.ID); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("an agent minting an admin key: %v, want %s", err, EFORBIDDEN)
	}
	if _, _, err := f.d.CreateAPIKeyBy(t.Context(), "mine", RoleAgent, agent.ID); err != nil {
		t.Errorf("an agent minting an agent key: %v", err)
	}
	if err := f.d.UpdateUser(t.Context(), agent.ID, RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.d.CreateAPIKeyBy(t.Context(), "ghost", RoleAgent, agent.ID); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("a deactivated account minting a key: %v, want %s", err, EFORBIDDEN)
	}
}

// A key made with a key answers to the same account, so deactivating that
// account ends the whole chain.
func TestAPIKeyMadeWithKeyInheritsCreator(t *testing.T) {
	f := newKeyFixture(t)
	parent, _ := f.mint(t, f.ana, RoleAdmin)
	child, childSecret, err := f.d.CreateAPIKeyWithKey(t.Context(), "child", RoleAdmin, parent.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.listed(t, child.ID); got.CreatorID != f.ana.ID || got.CreatedVia != KeyFromSettings {
		t.Fatalf("child recorded as %q by %d, want settings by Ana (%d)", got.CreatedVia, got.CreatorID, f.ana.ID)
	}
	fromCommand, _, err := f.d.CreateAPIKeyWithKey(t.Context(), "grandchild of cron", RoleAgent, f.commandKeyID)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.listed(t, fromCommand.ID); got.CreatedVia != KeyFromCommand || got.CreatorID != 0 {
		t.Errorf("key made with the command-line key recorded as %q by %d", got.CreatedVia, got.CreatorID)
	}
	if _, err := f.d.UpdateUserBy(t.Context(), f.ana.ID, RoleAdmin, false, f.bea.ID); err != nil {
		t.Fatal(err)
	}
	if f.works(t, childSecret) {
		t.Error("a key made with Ana's key works after her account was deactivated")
	}
	if _, _, err := f.d.CreateAPIKeyWithKey(t.Context(), "late", RoleAgent, parent.ID); ErrorCode(err) != EFORBIDDEN {
		t.Errorf("minting with a revoked key: %v, want %s", err, EFORBIDDEN)
	}
}

// A key's last use is written at most once per KeyUseInterval, however
// many calls it serves, so reads do not turn into writes.
func TestAPIKeyLastUseWrittenOncePerInterval(t *testing.T) {
	sqliteOnly(t)
	d := mustOpen(t)
	var clock atomic.Int64
	start := time.Date(2026, 3, 10, 11, 0, 0, 0, time.UTC)
	clock.Store(start.UnixNano())
	d.Now = func() time.Time { return time.Unix(0, clock.Load()) }
	// Count every write of last_used_at.
	if err := d.write(t.Context(), func(tx *Tx) error {
		_, err := tx.Exec(`CREATE TABLE key_use_writes (at TEXT);
			CREATE TRIGGER key_use_written AFTER UPDATE OF last_used_at ON api_keys
			BEGIN INSERT INTO key_use_writes VALUES (new.last_used_at); END`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	k, secret, err := d.CreateAPIKey(t.Context(), "reader", RoleAgent)
	if err != nil {
		t.Fatal(err)
	}

	lookups := func(n int) {
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := d.APIKeyBySecret(context.Background(), secret); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	// waitLastUsed waits until the stored last use is want: the write is
	// queued without the caller waiting, so it lands a moment later.
	waitLastUsed := func(want time.Time) {
		t.Helper()
		for range 2000 {
			kk := mustKey(t, d, k.ID)
			if kk.LastUsedAt.Valid && kk.LastUsedAt.Time.Equal(want) {
				return
			}
			time.Sleep(5 * time.Millisecond)
		}
		t.Fatalf("last use never became %v", want)
	}
	writes := func() int {
		t.Helper()
		var n int
		if err := d.read.QueryRowContext(t.Context(), `SELECT count(*) FROM key_use_writes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	lookups(300)
	waitLastUsed(start)
	clock.Store(start.Add(KeyUseInterval - time.Second).UnixNano())
	lookups(300)
	later := start.Add(KeyUseInterval + time.Second)
	clock.Store(later.UnixNano())
	lookups(1)
	waitLastUsed(later)
	// Writes are FIFO: every write queued before the last one has landed.
	if got := writes(); got != 2 {
		t.Fatalf("last use written %d times for 601 calls over %v, want 2", got, KeyUseInterval+time.Second)
	}
}

func mustKey(t *testing.T, d *DB, id int64) APIKey {
	t.Helper()
	keys, err := d.APIKeys(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if k.ID == id {
			return k
		}
	}
	t.Fatalf("no key %d", id)
	return APIKey{}
}
