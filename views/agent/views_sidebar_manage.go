package agent

// ViewsPage is /agent/views: the saved views an agent sees.
type ViewsPage struct {
	Frame  FrameMeta
	Notice string
	Views  []SavedViewRow
	// EditID, Name and Error are a refused rename: which view, what was
	// typed, why.
	EditID int64
	Name   string
	Error  string
}

// SavedViewRow is one saved view as the page lists it.
type SavedViewRow struct {
	ID        int64
	Name      string
	URL       string
	Shared    bool
	Owner     string
	Mine      bool // the signed-in agent owns it: may rename
	CanDelete bool
}

// renameValue is the rename box's text: what was typed when it was
// refused, else the current name.
func (p ViewsPage) renameValue(v SavedViewRow) string {
	if p.EditID == v.ID {
		return p.Name
	}
	return v.Name
}
