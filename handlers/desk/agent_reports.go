package desk

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kinconecta/helpdesk/db"
	"github.com/kinconecta/helpdesk/handlers/web"
	"github.com/kinconecta/helpdesk/views/agent"
)

// ReportDays is the period the reports cover.
const ReportDays = 30

// reportsRoutes is the reports page with its charts.
func (h *Handler) reportsRoutes() []web.Route {
	return []web.Route{
		{Method: "GET", Path: "/agent/reports", Access: web.Agent, Limited: false, Body: web.NoBody, Handler: h.reportsPage},
	}
}

// reportsPage handles GET /agent/reports.
func (h *Handler) reportsPage(c *fiber.Ctx) error {
	lang := web.PageLang(c)
	rep, err := h.DB.Report(c.UserContext(), ReportDays)
	if err != nil {
		return err
	}
	v := agent.Reports{
		Frame:      h.frameMeta(c, lang.T("reports.title"), agent.NavReports),
		Days:       ReportDays,
		AsOf:       h.DB.Now().UTC(),
		FirstReply: agent.ReportFigure{Median: rep.MedianFirstReply, Tickets: rep.RepliedTickets},
		Resolution: agent.ReportFigure{Median: rep.MedianResolution, Tickets: rep.ResolvedTickets},
	}
	for _, s := range db.Statuses {
		v.Statuses = append(v.Statuses, agent.ReportSeries{Status: string(s), Label: lang.T("status." + string(s))})
	}
	for _, d := range rep.CreatedPerDay {
		day := agent.ReportDay{Day: d.Day}
		for _, s := range db.Statuses {
			day.Counts = append(day.Counts, d.ByStatus[s])
		}
		v.PerDay = append(v.PerDay, day)
	}
	for _, cc := range rep.OpenByCategory {
		v.Open = append(v.Open, agent.ReportBar{Label: cc.Category.Label(string(lang)), Value: cc.Open})
	}
	return web.Render(c, fiber.StatusOK, agent.ReportsPage(v))
}
