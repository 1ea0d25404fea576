package store

// SetPurgeBatch shrinks the purge batch so tests exercise several batches with few rows.
func SetPurgeBatch(s *Store, n int) { s.purgeBatch = n }

// SetGroupLeaders sets how many group-commit batches run at once, so tests can line calls up
// behind a batch that is running.
func SetGroupLeaders(s *Store, n int) { s.group.maxLeaders = n }

// PendingGroupCalls is how many GroupTransaction calls wait for a batch.
func PendingGroupCalls(s *Store) int {
	s.group.mu.Lock()
	defer s.group.mu.Unlock()
	return len(s.group.pending)
}
