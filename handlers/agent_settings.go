package handlers

// settingsRoutes is empty until this part of the desk lands.
func (h *Handler) settingsRoutes() []Route { return nil }
