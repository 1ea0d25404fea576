package admin

// LogsDeps are the services of the API log pages (/logs); main fills them.
type LogsDeps struct{}

// mountLogs registers the API log pages (/logs) when its services are set.
func (u *UI) mountLogs(rt Routes) {
	_ = rt
}
