package desk

// tagsAfter counts the tags a ticket holding have would hold with add
// added (tags already there count once), to warn before a macro's tags
// overflow the ticket.
func tagsAfter(have, add []string) int {
	set := make(map[string]struct{}, len(have)+len(add))
	for _, t := range have {
		set[t] = struct{}{}
	}
	for _, t := range add {
		set[t] = struct{}{}
	}
	return len(set)
}
