package components

import (
	"slices"

	"github.com/kinconecta/helpdesk/i18n"
)

// Step is one state of the ticket workflow as the step bar shows it.
type Step struct {
	Status string // canonical status: created, open, in_progress, ...
	Label  string
	State  string // "done", "skipped", "current" or "todo"
}

// workflow is the requester-facing order of the states.
var workflow = []string{"created", "open", "in_progress", "resolved", "closed"}

// StepsFor lays out the workflow with current marked. visited is every
// status the ticket has had, from its history; the request's arrival
// ("created") always happened, whether or not it was ever a status of its
// own. A step before the current one is done only when the ticket really
// was in that state: a ticket closed straight from open never was in
// progress nor resolved, and ticking those would tell the requester of
// work that never happened, so they show as skipped. Steps after the
// current one are still to come, even when an earlier round reached them:
// a reopened ticket is back at open with resolved to come again.
func StepsFor(lang i18n.Lang, current string, visited []string) []Step {
	at := slices.Index(workflow, current)
	steps := make([]Step, len(workflow))
	for i, s := range workflow {
		state := "todo"
		switch {
		case i == at:
			state = "current"
		case at >= 0 && i > at:
			// still to come
		case s == "created" || slices.Contains(visited, s):
			state = "done"
		case at >= 0:
			state = "skipped"
		}
		steps[i] = Step{Status: s, Label: lang.T("status." + s), State: state}
	}
	return steps
}

func stepDotClass(state string) string {
	switch state {
	case "done":
		return "step-dot step-dot-done"
	case "current":
		return "step-dot step-dot-current"
	case "skipped":
		return "step-dot step-dot-skipped"
	}
	return "step-dot"
}
