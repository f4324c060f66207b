package i18n

// The agent desk's frame and sign-in. Each desk page adds its strings from
// a file of its own through addStrings, so pages can grow independently.
func init() {
	addStrings(map[string][2]string{
		"agent.nav":                  {"Agent desk", "Escritorio de agentes"},
		"agent.nav.queue":            {"Queue", "Cola"},
		"agent.nav.reports":          {"Reports", "Informes"},
		"agent.nav.settings":         {"Settings", "Ajustes"},
		"agent.signOut":              {"Sign out", "Cerrar sesión"},
		"agent.login.title":          {"Sign in to the agent desk", "Entrar al escritorio de agentes"},
		"agent.login.lead":           {"For Kinconecta's support team.", "Para el equipo de soporte de Kinconecta."},
		"agent.login.password":       {"Password", "Contraseña"},
		"agent.login.submit":         {"Sign in", "Entrar"},
		"agent.login.wrong":          {"That email and password do not match an active account.", "Ese correo y esa contraseña no corresponden a una cuenta activa."},
		"agent.login.throttled":      {"Too many attempts. Wait %d minutes and try again.", "Demasiados intentos. Espera %d minutos y vuelve a intentarlo."},
		"agent.setPassword.title":    {"Choose your password", "Elige tu contraseña"},
		"agent.setPassword.lead":     {"For the account %s. At least 10 characters; at most 72 bytes (about 36 accented letters).", "Para la cuenta %s. Al menos 10 caracteres; como máximo 72 bytes (unas 36 letras acentuadas)."},
		"agent.setPassword.password": {"New password", "Nueva contraseña"},
		"agent.setPassword.submit":   {"Save and sign in", "Guardar y entrar"},
		"agent.setPassword.invalid":  {"This link is not valid or has expired. Ask an admin for a new one.", "Este enlace no es válido o ha caducado. Pide uno nuevo a un administrador."},
	})
}

// addStrings adds a part's strings to the catalogue; a key defined twice
// is a programming error, caught at start.
func addStrings(m map[string][2]string) {
	for k, v := range m {
		if _, dup := catalog[k]; dup {
			panic("i18n: key defined twice: " + k)
		}
		catalog[k] = v
	}
}
