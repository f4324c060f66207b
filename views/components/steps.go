package components

import "github.com/kinconecta/helpdesk/i18n"

// Step is one state of the ticket workflow as the step bar shows it.
type Step struct {
	Status string // canonical status: created, open, in_progress, ...
	Label  string
	State  string // "done", "current" or "todo"
}

// workflow is the requester-facing order of the states.
var workflow = []string{"created", "open", "in_progress", "resolved", "closed"}

// StepsFor lays out the workflow with current marked; states before it
// are done. A reopened ticket is simply back at open.
func StepsFor(lang i18n.Lang, current string) []Step {
	steps := make([]Step, len(workflow))
	state := "done"
	for i, s := range workflow {
		if s == current {
			state = "current"
		}
		steps[i] = Step{Status: s, Label: lang.T("status." + s), State: state}
		if state == "current" {
			state = "todo"
		}
	}
	return steps
}

func stepDotClass(state string) string {
	switch state {
	case "done":
		return "step-dot step-dot-done"
	case "current":
		return "step-dot step-dot-current"
	}
	return "step-dot"
}
