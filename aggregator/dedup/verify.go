package dedup

// Verification thresholds. A candidate proposed by the sketches becomes a
// duplicate only when the exact shingles of both stored texts agree: the
// sketches overstate how much of a short text a long one contains (pairs
// with an exact overlap of 0.12 were estimated at 1.0), and an estimate
// alone must never hide an entry from subscribers.
const (
	// MinRatio is the least share of the longer text's shingles that the
	// shorter must have for Threshold to apply; below it the shorter text
	// must lie almost wholly in the longer (ExcerptThreshold): an excerpt
	// of a story is a copy of it, a short story that shares a topic's
	// common phrases with a long one is not.
	MinRatio         = 0.25
	ExcerptThreshold = 0.9
)

// Verify compares two plain texts exactly: the share of the shorter text's
// shingles found in the longer (containment), and whether that makes them
// the same story. Texts too short to sketch are never duplicates by text.
func Verify(a, b string) (containment float64, same bool) {
	return verify(shingles(a), shingles(b))
}

func verify(sa, sb map[uint64]struct{}) (containment float64, same bool) {
	if len(sa) < MinShingles || len(sb) < MinShingles {
		return 0, false
	}
	if len(sa) > len(sb) {
		sa, sb = sb, sa
	}
	both := 0
	for h := range sa {
		if _, ok := sb[h]; ok {
			both++
		}
	}
	containment = float64(both) / float64(len(sa))
	need := Threshold
	if float64(len(sa)) < MinRatio*float64(len(sb)) {
		need = ExcerptThreshold
	}
	return containment, containment >= need
}

// shingles returns the set of a text's shingles, hashed to 64 bits so that
// collisions do not matter at any text length.
func shingles(text string) map[uint64]struct{} {
	out := map[uint64]struct{}{}
	eachShingle(text, func(parts []string) { out[fnv64(parts)] = struct{}{} })
	return out
}
