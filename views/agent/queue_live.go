package agent

// QueuePoll is the answer to the queue's live poll.
type QueuePoll struct {
	// URL is the next poll's address.
	URL string
	// Counts are the views' fresh counts (Key and Count are used).
	Counts []QueueView
	// Notice replaces the new-tickets notice; nil leaves it as it is, so
	// the live region speaks only when there is something new to say.
	Notice *QueueNotice
}

// QueueNotice tells how many new tickets match the view, with a link to
// the refreshed list; an empty Text clears the notice.
type QueueNotice struct {
	Text    string
	Show    string
	ShowURL string
}
