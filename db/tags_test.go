package db

import (
	"context"
	"slices"
	"testing"
)

func TestTags(t *testing.T) {
	d := mustOpen(t)
	ctx := context.Background()
	agent := Actor{Type: "agent", ID: 1, Name: "Lucía"}
	var ids []int64
	for i := 0; i < 3; i++ {
		tk, _, err := d.CreateTicket(ctx, NewTicket{RoleContext: "tourist", FullName: "Ana", Email: "ana@example.com",
			Subject: "Refund please", Category: "Billing", Message: "refund"}, Actor{Type: "requester", Name: "Ana"})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, tk.ID)
	}
	set := func(id int64, tags ...string) (Ticket, error) {
		return d.UpdateTicket(ctx, id, TicketPatch{Tags: &tags}, agent)
	}
	tk, err := set(ids[0], "Refund", " vip ", "refund")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"refund", "vip"}; !slices.Equal(tk.Tags, want) {
		t.Errorf("tags %q, want normalized, sorted, without repeats %q", tk.Tags, want)
	}
	if _, err := set(ids[1], "refund"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdateTicket(ctx, ids[2], TicketPatch{AddTags: []string{"vip", "late-guide"}}, agent); err != nil {
		t.Fatal(err)
	}
	tk, err = d.UpdateTicket(ctx, ids[2], TicketPatch{AddTags: []string{"refund"}, RemoveTags: []string{"late-guide"}}, agent)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"refund", "vip"}; !slices.Equal(tk.Tags, want) {
		t.Errorf("after add/remove: %q, want %q", tk.Tags, want)
	}

	t.Run("Filter", func(t *testing.T) {
		for _, tc := range []struct {
			tags []string
			want []int64
		}{
			{[]string{"refund"}, []int64{ids[2], ids[1], ids[0]}},
			{[]string{"refund", "vip"}, []int64{ids[2], ids[0]}},
			{[]string{"late-guide"}, nil},
		} {
			page, err := d.ListTickets(ctx, TicketFilter{Tags: tc.tags, Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != len(tc.want) {
				t.Errorf("%q: total %d, want %d", tc.tags, page.Total, len(tc.want))
			}
			if len(tc.want) > 0 && (len(page.Tickets) != 1 || page.Tickets[0].ID != tc.want[0]) {
				t.Errorf("%q: first %v, want %d", tc.tags, page.Tickets, tc.want[0])
			}
			if len(page.Tickets) == 1 && !slices.Contains(page.Tickets[0].Tags, "refund") {
				t.Errorf("listed ticket lacks its tags: %q", page.Tickets[0].Tags)
			}
		}
	})
	t.Run("Suggestions", func(t *testing.T) {
		got, err := d.TagSuggestions(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		want := []TagCount{{"refund", 3}, {"vip", 2}}
		if !slices.Equal(got, want) {
			t.Errorf("suggestions %v, want %v", got, want)
		}
		if got, _ := d.TagSuggestions(ctx, "VI"); !slices.Equal(got, []TagCount{{"vip", 2}}) {
			t.Errorf("prefix VI: %v", got)
		}
		if got, _ := d.TagSuggestions(ctx, "_"); len(got) != 0 {
			t.Errorf("'_' is not a wildcard: %v", got)
		}
	})
	t.Run("History", func(t *testing.T) {
		events, err := d.Events(ctx, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			found = found || e.Field == "tags" && e.To == "refund,vip"
		}
		if !found {
			t.Errorf("no tags event in %+v", events)
		}
	})
	t.Run("Invalid", func(t *testing.T) {
		many := make([]string, MaxTagsATicket+1)
		for i := range many {
			many[i] = "t" + string(rune('a'+i))
		}
		for name, p := range map[string]TicketPatch{
			"Space":      {Tags: &[]string{"two words"}},
			"Comma":      {Tags: &[]string{"a,b"}},
			"Empty":      {Tags: &[]string{" "}},
			"TooLong":    {Tags: &[]string{"abcdefghijabcdefghijabcdefghijabcdefghijx"}},
			"TooMany":    {Tags: &many},
			"AddTooMany": {AddTags: many[:MaxTagsATicket-1]},
		} {
			before, _ := d.Ticket(ctx, ids[0], true)
			_, err := d.UpdateTicket(ctx, ids[0], p, agent)
			if ErrorCode(err) != EINVALID {
				t.Errorf("%s: err %v, want EINVALID", name, err)
			}
			after, _ := d.Ticket(ctx, ids[0], true)
			if !slices.Equal(before.Tags, after.Tags) {
				t.Errorf("%s: tags changed %q → %q", name, before.Tags, after.Tags)
			}
		}
	})
}
