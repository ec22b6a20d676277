package publisher

// SetCacheBudget sets how many bytes of renderings the cache keeps, for
// tests of its bound.
func (s *Server) SetCacheBudget(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cacheBudget = n
}

// CacheSize returns how many renderings the cache holds and their bytes.
func (s *Server) CacheSize() (entries int, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.cache {
		if e.out != nil {
			n++
		}
	}
	return n, s.cacheBytes
}
