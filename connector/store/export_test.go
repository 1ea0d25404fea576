package store

// SetPurgeBatch shrinks the purge batch so tests exercise several batches with few rows.
func SetPurgeBatch(s *Store, n int) { s.purgeBatch = n }
