package dedup

// counts is a count-min sketch of duplicate keys: how many entries chose
// each key, never under the truth, rarely much over it while the counters
// are far fewer than the keys counted. Counters stop at 255, above any
// threshold of interest (see CrowdedKey).
type counts []uint8

// Count-min sizes: 4 rows of 2^16 counters, 256 KiB in all.
const (
	countRows  = 4
	countWidth = 1 << 16
)

func newCounts() counts { return make(counts, countRows*countWidth) }

// cells are the key's counter in each row: double hashing of h's halves.
func cells(h uint64) [countRows]int {
	var out [countRows]int
	for i := range countRows {
		out[i] = i*countWidth + int((h+uint64(i)*(h>>32|1))%countWidth)
	}
	return out
}

// add counts one more entry for the hashed key. Only the smallest of its
// counters are raised ("conservative update"), which keeps the estimate
// closer to the truth without ever going under it.
func (c counts) add(h uint64) {
	at := cells(h)
	least := c.get(h)
	if least == 255 {
		return
	}
	for _, i := range at {
		if c[i] == least {
			c[i]++
		}
	}
}

// get returns the estimate for the hashed key: at least its true count.
func (c counts) get(h uint64) uint8 {
	least := uint8(255)
	for _, i := range cells(h) {
		least = min(least, c[i])
	}
	return least
}
