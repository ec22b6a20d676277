package store

import "time"

// SetExternalCheckInterval sets how stale Generation may be about other
// processes' commits, so that a test need not wait.
func SetExternalCheckInterval(s *Store, d time.Duration) {
	s.external.mu.Lock()
	defer s.external.mu.Unlock()
	s.external.every = d
}
