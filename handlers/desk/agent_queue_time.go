package desk

import (
	"time"

	"github.com/kinconecta/helpdesk/i18n"
	"github.com/kinconecta/helpdesk/views/agent"
)

// relativeStamp is an instant as the queue shows it: how long ago, in the
// fewest characters that still read well ("now", "3 min", "2 h",
// "yesterday", "5 d", then the date), with the full date and time for
// its title and <time datetime>.
func relativeStamp(lang i18n.Lang, t, now time.Time) agent.Stamp {
	s := agent.Stamp{Title: lang.DateTime(t), ISO: t.UTC().Format(time.RFC3339)}
	switch d := now.Sub(t); {
	case d < time.Minute:
		s.Text = lang.T("views.time.now")
	case d < time.Hour:
		s.Text = lang.T("views.time.min", lang.Number(int64(d/time.Minute)))
	case d < 24*time.Hour:
		s.Text = lang.T("views.time.h", lang.Number(int64(d/time.Hour)))
	case d < 48*time.Hour:
		s.Text = lang.T("views.time.yesterday")
	case d < 7*24*time.Hour:
		s.Text = lang.T("views.time.d", lang.Number(int64(d/(24*time.Hour))))
	default:
		s.Text = lang.Date(t)
	}
	return s
}
