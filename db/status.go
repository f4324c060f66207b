package db

import "strings"

// Status is a ticket's place in the workflow
// created → open → in_progress → resolved → closed.
type Status string

// The workflow's states, in order.
const (
	StatusCreated    Status = "created"
	StatusOpen       Status = "open"
	StatusInProgress Status = "in_progress"
	StatusResolved   Status = "resolved"
	StatusClosed     Status = "closed"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusCreated, StatusOpen, StatusInProgress, StatusResolved, StatusClosed}

// ParseStatus accepts any case and space, '-' or '_' between words
// ("In Progress", "IN_PROGRESS", "in-progress").
func ParseStatus(s string) (Status, bool) {
	norm := strings.ToLower(strings.TrimSpace(s))
	norm = strings.NewReplacer(" ", "_", "-", "_").Replace(norm)
	for _, st := range Statuses {
		if string(st) == norm {
			return st, true
		}
	}
	return "", false
}

func (s Status) rank() int {
	for i, st := range Statuses {
		if st == s {
			return i
		}
	}
	return -1
}

// Next lists the states s may move to: any later state, and from resolved
// back to open or in_progress. Closed is final.
func (s Status) Next() []Status {
	var next []Status
	if s == StatusResolved {
		next = append(next, StatusOpen, StatusInProgress)
	}
	for _, st := range Statuses {
		if st.rank() > s.rank() {
			next = append(next, st)
		}
	}
	return next
}

// CanMoveTo reports whether the workflow allows s → to.
func (s Status) CanMoveTo(to Status) bool {
	for _, st := range s.Next() {
		if st == to {
			return true
		}
	}
	return false
}

// Role is who the requester is on Kinconecta.
type Role string

// The requester roles.
const (
	RoleTourist Role = "tourist"
	RoleGuide   Role = "guide"
	RoleGuest   Role = "guest"
)

// Roles lists every requester role.
var Roles = []Role{RoleTourist, RoleGuide, RoleGuest}

// ParseRole accepts any case ("TOURIST").
func ParseRole(s string) (Role, bool) {
	norm := Role(strings.ToLower(strings.TrimSpace(s)))
	for _, r := range Roles {
		if r == norm {
			return r, true
		}
	}
	return "", false
}

// Priority orders an agent's work.
type Priority string

// The priorities, lowest first.
var Priorities = []Priority{"low", "normal", "high", "urgent"}

// ParsePriority accepts any case.
func ParsePriority(s string) (Priority, bool) {
	norm := Priority(strings.ToLower(strings.TrimSpace(s)))
	for _, p := range Priorities {
		if p == norm {
			return p, true
		}
	}
	return "", false
}
