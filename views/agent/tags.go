package agent

// TicketTags is the workspace's tags card: the ticket's tags as chips, each
// removable, and the form that adds more, re-shown with what was typed when
// it was refused.
type TicketTags struct {
	Tags  []string
	Value string // what the add field held when refused
	Error string // why it was refused, in words; "" for none
}

// TagSuggestion is a tag in use, offered while an agent types one.
type TagSuggestion struct {
	Tag   string
	Value string // the add field's text with this tag completing it
	Count int
}

// tagsPath is where the tags forms post.
func (t Ticket) tagsPath() string { return t.path("tags") }
