package dedup

import (
	"hash/maphash"
	"sync"
	"time"
)

// Filter remembers, in a fixed amount of memory, the duplicate keys and
// URLs of the entries stored in the last window or two, so that a new
// entry that shares none of them with any stored entry can skip the
// candidate query (most new entries are no copy of anything), and the
// query of one that does looks up only the keys that may be stored. It is two
// Bloom filters, the current window's and the one before, so it has no
// false negatives: it only ever says "maybe" for a key it was given, and a
// "maybe" is decided by the query and the exact check as before.
//
// It also counts, approximately, how many entries chose each key (two
// count-min sketches, by the same generations), so that Keys can pass over
// crowded keys: see CrowdedKey.
type Filter struct {
	mu      sync.Mutex
	seed    maphash.Seed
	window  time.Duration
	start   time.Time // of the current generation
	current []uint64
	prev    []uint64
	counts  [2]counts // the current generation's, the previous one's
	ready   bool
}

// Filter sizes: 2^23 bits (1 MiB) per generation and 4 probes: about 2%
// false positives at a million keys in a window.
const (
	filterBits   = 1 << 23
	filterProbes = 4
)

// NewFilter returns an empty Filter for the given dedup window. It says
// "maybe" to everything until MarkReady (the stored keys are loaded).
func NewFilter(window time.Duration) *Filter {
	return &Filter{seed: maphash.MakeSeed(), window: window,
		current: make([]uint64, filterBits/64), prev: make([]uint64, filterBits/64),
		counts: [2]counts{newCounts(), newCounts()}}
}

// MarkReady says the filter holds every key stored since start: from now
// on its "no" is to be trusted.
func (f *Filter) MarkReady(start time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.start, f.ready = start, true
}

// AddKey and AddURL remember an entry stored at time at.
func (f *Filter) AddKey(key uint32, at time.Time) {
	h := f.keyHash(key)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rotate(at)
	set(f.current, h)
	f.counts[0].add(h)
}

// Crowded reports whether about CrowdedKey or more entries of the last
// window or two chose key. It may say so of a few keys that fewer chose,
// never the other way round; until the filter is ready it says no.
func (f *Filter) Crowded(key uint32) bool {
	h := f.keyHash(key)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.ready && int(f.counts[0].get(h))+int(f.counts[1].get(h)) >= CrowdedKey
}

func (f *Filter) keyHash(key uint32) uint64 {
	var b [4]byte
	b[0], b[1], b[2], b[3] = byte(key), byte(key>>8), byte(key>>16), byte(key>>24)
	return maphash.Bytes(f.seed, b[:])
}

func (f *Filter) AddURL(url string, at time.Time) {
	if url != "" {
		h := maphash.String(f.seed, "u"+url)
		f.mu.Lock()
		defer f.mu.Unlock()
		f.rotate(at)
		set(f.current, h)
	}
}

// rotate starts a new generation when the current one is a window old:
// what was added two windows ago is forgotten.
func (f *Filter) rotate(now time.Time) {
	if !f.ready || now.Sub(f.start) < f.window {
		return
	}
	f.prev, f.current = f.current, f.prev
	clear(f.current)
	f.counts[1], f.counts[0] = f.counts[0], f.counts[1]
	clear(f.counts[0])
	f.start = now
}

// Seen reports whether a stored entry may have url (when not ""), and
// returns those of keys that a stored entry may have: no stored entry has
// any of the others, so the candidate query need not look them up. Until
// the filter is ready it says every key and URL may have been seen.
func (f *Filter) Seen(url string, keys []uint32) (urlSeen bool, seen []uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.ready {
		return url != "", keys
	}
	urlSeen = url != "" && f.has(maphash.String(f.seed, "u"+url))
	for _, key := range keys {
		if f.has(f.keyHash(key)) {
			seen = append(seen, key)
		}
	}
	return urlSeen, seen
}

func (f *Filter) has(h uint64) bool { return test(f.current, h) || test(f.prev, h) }

// The probes are double hashing of h's two halves.
func set(bits []uint64, h uint64) {
	for i := uint64(0); i < filterProbes; i++ {
		p := (h + i*(h>>32|1)) % filterBits
		bits[p/64] |= 1 << (p % 64)
	}
}

func test(bits []uint64, h uint64) bool {
	for i := uint64(0); i < filterProbes; i++ {
		p := (h + i*(h>>32|1)) % filterBits
		if bits[p/64]&(1<<(p%64)) == 0 {
			return false
		}
	}
	return true
}
