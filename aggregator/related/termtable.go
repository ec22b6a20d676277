package related

// termTable finds a term's id by its hash. It is an open-addressing table
// of ids (linear probing) whose keys are the hashes the index keeps by id
// anyway (Index.hashes): 4 bytes a slot, at most three quarters full,
// where a Go map of hash to id took 24-38 bytes a term beside that list,
// and text in Chinese brings hundreds of thousands of terms.
type termTable struct {
	slots []uint32 // a term's id plus one; 0: empty
	n     int      // ids held
	shift uint     // 64 - log2(len(slots))
}

// home returns the slot where a hash's probe starts: the top bits of the
// hash mixed by a multiplication (Fibonacci hashing), since the low byte
// of a term's key is always zero.
func (t *termTable) home(h uint64) int {
	return int((h * 0x9E3779B97F4A7C15) >> t.shift)
}

// get returns the id of the term with hash h.
func (t *termTable) get(h uint64, hashes []uint64) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := t.home(h); ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return 0, false
		}
		if hashes[s-1] == h {
			return s - 1, true
		}
	}
}

// put adds the term with hash h (not held) and id; hashes[id] is h.
func (t *termTable) put(h uint64, id uint32, hashes []uint64) {
	if 4*(t.n+1) > 3*len(t.slots) {
		t.grow(hashes)
	}
	mask := len(t.slots) - 1
	i := t.home(h)
	for t.slots[i] != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = id + 1
	t.n++
}

// grow doubles the table (or makes its first 1,024 slots) and places the
// ids again.
func (t *termTable) grow(hashes []uint64) {
	old := t.slots
	size := max(1024, 2*len(old))
	t.slots, t.shift = make([]uint32, size), uint(64)
	for s := size; s > 1; s >>= 1 {
		t.shift--
	}
	mask := size - 1
	for _, s := range old {
		if s != 0 {
			i := t.home(hashes[s-1])
			for t.slots[i] != 0 {
				i = (i + 1) & mask
			}
			t.slots[i] = s
		}
	}
}

// del removes the term with hash h, if held. The ids after it in its run
// are moved back over the gap where their probes may start (backward-shift
// deletion), so that no probe meets a gap before its id and no mark of a
// deleted slot is needed.
func (t *termTable) del(h uint64, hashes []uint64) {
	if t.n == 0 {
		return
	}
	mask := len(t.slots) - 1
	i := t.home(h)
	for {
		s := t.slots[i]
		if s == 0 {
			return
		}
		if hashes[s-1] == h {
			break
		}
		i = (i + 1) & mask
	}
	t.slots[i] = 0
	t.n--
	for j := (i + 1) & mask; t.slots[j] != 0; j = (j + 1) & mask {
		// The id at j may move to the gap at i unless its probe starts
		// after i (cyclically, in (i, j]).
		k := t.home(hashes[t.slots[j]-1])
		if (j > i && (k <= i || k > j)) || (j < i && k <= i && k > j) {
			t.slots[i], t.slots[j] = t.slots[j], 0
			i = j
		}
	}
}
