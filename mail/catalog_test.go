package mail

import (
	"reflect"
	"testing"

	"github.com/kinconecta/helpdesk/db"
)

// TestCatalogComplete: every sentence exists in every language, and the
// lists name every status, role and priority.
func TestCatalogComplete(t *testing.T) {
	for lang, w := range catalogs {
		t.Run(lang, func(t *testing.T) {
			v := reflect.ValueOf(*w)
			for i := range v.NumField() {
				if f := v.Field(i); f.Kind() == reflect.String && f.String() == "" {
					t.Errorf("%s: %s is empty", lang, v.Type().Field(i).Name)
				}
			}
			for _, s := range db.Statuses {
				if w.Statuses[string(s)] == "" {
					t.Errorf("%s: no name for status %s", lang, s)
				}
			}
			for _, r := range db.Roles {
				if w.Roles[string(r)] == "" {
					t.Errorf("%s: no name for role %s", lang, r)
				}
			}
			for _, p := range db.Priorities {
				if w.Priorities[string(p)] == "" {
					t.Errorf("%s: no name for priority %s", lang, p)
				}
			}
		})
	}
}
