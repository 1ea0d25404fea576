package admin

// SyncDeps are the services of the sync pages (/sync); main fills them.
type SyncDeps struct{}

// mountSync registers the sync pages (/sync) when its services are set.
func (u *UI) mountSync(rt Routes) {
	_ = rt
}
