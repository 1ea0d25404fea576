package admin

// ReportsDeps are the services of the reports pages (/reports); main fills them.
type ReportsDeps struct{}

// mountReports registers the reports pages (/reports) when its services are set.
func (u *UI) mountReports(rt Routes) {
	_ = rt
}
