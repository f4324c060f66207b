package e2e

import (
	"fmt"
	"testing"

	"github.com/kinconecta/helpdesk/i18n"
)

// The workspace's working controls come first in its side panel: at
// 1280×800 assignment and tags show above the fold even when the
// requester has ten other tickets, which follow them. On a 360 px phone
// the desk's header keeps the product, sections and menu on one row.
// A mistyped queue filter shows the queue with the problem named. Each
// page passes axe in English and Spanish.
func TestDeskWorkspaceOrder(t *testing.T) {
	a := startApp(t)
	a.admin(t) // the longest header: Settings too
	var last createdTicket
	for i := range 11 {
		last = a.apiTicket(t, fmt.Sprintf("Booking question %d", i), "Where is my booking?")
	}
	b := openTab(t, a, true)
	b.open("/agent/login")
	b.signIn(adminEmail, adminPassword)

	for _, lang := range []i18n.Lang{i18n.EN, i18n.ES} {
		b.screen(1280, 800)
		b.open(ticketPath(last.ID) + "?lang=" + string(lang))
		b.waitFor("the workspace", `document.readyState === 'complete' && document.querySelector('[data-testid="other-tickets"]')`)
		pos := eval[map[string]float64](b, `(() => {
			const top = s => document.querySelector(s).getBoundingClientRect().top + scrollY;
			return { assignee: top('#assigneeId'), tags: top('[data-testid="tags"]'), others: top('[data-testid="other-tickets"]') };
		})()`)
		if pos["assignee"] > 800 || pos["tags"] > 800 {
			t.Errorf("%s: assignment at y=%v, tags at y=%v, want both above the fold", lang, pos["assignee"], pos["tags"])
		}
		if pos["others"] < pos["tags"] {
			t.Errorf("%s: the requester's other tickets (y=%v) come before the tags (y=%v)", lang, pos["others"], pos["tags"])
		}
		if n := b.count(`[data-testid="other-ticket"]`); n != 10 {
			t.Errorf("%s: %d other tickets listed, want 10", lang, n)
		}
		b.checkAxe("agent-ticket-side-" + string(lang))
		b.deskScreenshots("agent-ticket-side-" + string(lang))

		b.open("/agent?status=bogus&tag=%23vip+x1&lang=" + string(lang))
		b.waitFor("the queue", `document.readyState === 'complete' && document.querySelector('[data-testid="queue-filter-problems"]')`)
		if got := eval[string](b, `document.getElementById('filter-tag').value`); got != "vip,x1" {
			t.Errorf("%s: tag box %q, want the tags tidied", lang, got)
		}
		b.checkAxe("agent-queue-filter-problem-" + string(lang))

		b.screen(360, 640)
		for _, page := range []string{"/agent", ticketPath(last.ID), "/agent/settings"} {
			b.open(page + "?lang=" + string(lang))
			b.waitFor("the header", `document.readyState === 'complete' && document.querySelector('[data-testid="agent-menu"]')`)
			// A reader with larger text (or wider fonts than this
			// browser's): the header still keeps one row.
			rows := eval[map[string]float64](b, `(() => {
				document.documentElement.style.fontSize = '20px';
				const r = s => document.querySelector(s).getBoundingClientRect();
				const home = r('[data-testid="desk-home"]'), menu = r('[data-testid="agent-menu"] summary'), nav = r('[data-testid="desk-header"] nav');
				return { home: home.top + home.height / 2, menu: menu.top + menu.height / 2, nav: nav.top + nav.height / 2, navRight: nav.right, width: document.documentElement.scrollWidth };
			})()`)
			if d := rows["menu"] - rows["home"]; d > 4 || d < -4 || rows["nav"]-rows["home"] > 4 {
				t.Errorf("%s %s at 360 px: home, sections and menu are not on one row: %v", lang, page, rows)
			}
			if rows["width"] > 360 {
				t.Errorf("%s %s at 360 px: the page scrolls sideways (%v px)", lang, page, rows["width"])
			}
		}
		b.checkAxe("agent-settings-360-" + string(lang))
	}
}
