package db

import (
	"fmt"
	"sync"
	"testing"
)

// Processes starting at once on one database each try to make the first
// admin, with different emails: exactly one account is made, and a
// later try makes none.
func TestCreateFirstUserOnce(t *testing.T) {
	ds := openHandles(t, 3)
	var wg sync.WaitGroup
	made := make(chan bool, 2*len(ds))
	for i, d := range ds {
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, created, err := d.CreateFirstUser(t.Context(), NewUser{Email: fmt.Sprintf("admin%d-%d@example.com", i, j),
					Name: "Administrator", Role: RoleAdmin, Password: "correct horse battery"})
				if err != nil {
					t.Error(err)
				}
				made <- created
			}()
		}
	}
	wg.Wait()
	close(made)
	n := 0
	for created := range made {
		if created {
			n++
		}
	}
	count, err := ds[0].CountUsers(t.Context())
	if n != 1 || err != nil || count != 1 {
		t.Fatalf("%d tries made an account, %d accounts (%v); want exactly one", n, count, err)
	}
}
