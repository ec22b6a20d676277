package publisher

// SetCacheBudget sets how many bytes of renderings the cache keeps, and
// trims it to them, for tests of its bound.
func (s *Server) SetCacheBudget(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cacheBudget = n
	s.trimCache()
}

// Cached returns the size of each rendering the cache holds, by
// "format category", and their total as the cache counts it.
func (s *Server) Cached() (sizes map[string]int64, total int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sizes = map[string]int64{}
	for k, e := range s.cache {
		if e.out != nil {
			sizes[k.format+" "+k.category] = e.out.size()
		}
	}
	return sizes, s.cacheBytes
}
