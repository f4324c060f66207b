package agent

import (
	"strconv"
	"strings"

	"github.com/kinconecta/helpdesk/i18n"
)

// MacroPicker is the composer's macro chooser: a searchable list with a
// script (static/js/macros.js), a plain select and "Apply" without one.
// It sits inside the composer's form, whose post then carries the staged
// macro (macroId, macroVersion) so the reply and the macro's actions are
// sent together.
type MacroPicker struct {
	Lang i18n.Lang
	// TicketPath is the workspace's address ("/agent/tickets/12"): Apply
	// posts to TicketPath+"/macro", the script reads
	// TicketPath+"/macros/{id}".
	TicketPath string
	Options    []MacroOption
	// Staged is the macro whose actions the next send applies; nil for none.
	Staged *MacroStaged
	// Error says why the last Apply or send with a macro was refused.
	Error string
}

// MacroOption is one macro to pick.
type MacroOption struct {
	ID   int64
	Name string
}

// MacroStaged is a picked macro: what sending will do besides the reply,
// in words ("status → Resolved"), and warnings about actions that cannot
// apply to this ticket as it is now.
type MacroStaged struct {
	ID       int64
	Version  int64
	Name     string
	Actions  []string
	Warnings []string
}

func macroIDString(id int64) string { return strconv.FormatInt(id, 10) }

func (p MacroPicker) stagedID() string {
	if p.Staged == nil {
		return ""
	}
	return macroIDString(p.Staged.ID)
}

func (p MacroPicker) stagedVersion() string {
	if p.Staged == nil {
		return ""
	}
	return strconv.FormatInt(p.Staged.Version, 10)
}

// joinActions lists a staged macro's actions as one line.
func joinActions(actions []string) string { return strings.Join(actions, " · ") }
