package main

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// --min-free-mb (or HELPDESK_MIN_FREE_MB) reaches the running server: with
// a floor above the disk's free space, /readyz answers 503 saying why (in
// sizes, no path), new tickets are refused with 507, and deletions are not
// refused. Bad values end the program with a usage error.
func TestServeMinFreeFloor(t *testing.T) {
	t.Run("BadValues", func(t *testing.T) {
		for name, tc := range map[string]struct{ env, args []string }{
			"Negative":       {nil, []string{"serve", "--min-free-mb", "-1"}},
			"TooLarge":       {nil, []string{"serve", "--min-free-mb", "1048577"}},
			"EnvNotANumber":  {[]string{"HELPDESK_MIN_FREE_MB=lots"}, []string{"serve"}},
			"EnvNegative":    {[]string{"HELPDESK_MIN_FREE_MB=-5"}, []string{"serve"}},
			"FlagNotANumber": {nil, []string{"serve", "--min-free-mb", "1G"}},
		} {
			t.Run(name, func(t *testing.T) {
				env := append([]string{"HELPDESK_DATA=" + filepath.Join(t.TempDir(), "data"), "HELPDESK_ADDR=127.0.0.1:0"}, tc.env...)
				r := runCLI(t, env, "", tc.args...)
				if r.Code != 2 || strings.Count(r.Stderr, "\n") != 1 {
					t.Fatalf("exit %d, stderr %q; want 2 and one line", r.Code, r.Stderr)
				}
			})
		}
	})

	for name, how := range map[string]struct{ env, flags []string }{
		"Flag": {nil, []string{"--min-free-mb", "1048576"}},
		"Env":  {[]string{"HELPDESK_MIN_FREE_MB=1048576"}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			data := t.TempDir()
			key := mintAPIKey(t, data, "admin")
			addr := freeAddr(t)
			url := "http://" + addr
			s := launch(t, how.env, url, append([]string{"--data", data, "--addr", addr, "--base-url", url}, how.flags...)...)
			client := newClient(t)
			// Not ready, by design: wait for it to be up.
			for i := 0; ; i++ {
				if r, err := send(client, "GET", url+"/healthz", "", "", nil); err == nil && r.Status == http.StatusOK {
					break
				}
				if i == 500 {
					t.Fatalf("the server never came up; log:\n%s", s.Log)
				}
				time.Sleep(20 * time.Millisecond)
			}

			r := mustSend(t, client, "GET", url+"/readyz", "", "", nil)
			var h struct{ Status, Reason string }
			if err := json.Unmarshal(r.Body, &h); err != nil || r.Status != http.StatusServiceUnavailable || !strings.Contains(h.Reason, "1048576.0 MiB") {
				t.Fatalf("readyz with a 1 TiB floor: %d %s, want 503 naming the floor", r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), data) {
				t.Errorf("readyz shows the data folder: %s", r.Body)
			}
			if _, r, _ := createJSON(client, url, "Pago duplicado"); r.Status != http.StatusInsufficientStorage {
				t.Errorf("create below the floor: %d %s, want 507", r.Status, r.Body)
			}
			if r := mustSend(t, client, "DELETE", url+"/api/support-tickets/999", "", key, nil); r.Status != http.StatusNotFound {
				t.Errorf("delete below the floor: %d %s, want it not refused (404 for no such ticket)", r.Status, r.Body)
			}
		})
	}
}
