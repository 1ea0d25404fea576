package catalog

// DisableHashShortcut makes s compare every stored product in full.
func DisableHashShortcut(s *Syncer) { s.noShortcut = true }

// HashShortcuts is how many products s found unchanged from their hashes alone.
func HashShortcuts(s *Syncer) int64 { return s.shortcuts.Load() }
