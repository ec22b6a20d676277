package dedup

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

const en = "The river authority said on Tuesday that the new fish ladder at the old mill weir had carried more than four thousand salmon upstream in its first month, twice what engineers expected."
const zh = "今年长江流域的春汛比往年提前了两周，水利部门表示，三峡水库已经开始泄洪，下游各地正在做好防汛准备，部分地区的水位已经超过警戒线。"

func mustSketch(t *testing.T, text string) Sketch {
	t.Helper()
	s, ok := NewSketch(text)
	if !ok {
		t.Fatalf("NewSketch(%q) is too short", text)
	}
	return s
}

func TestContainment(t *testing.T) {
	tests := []struct {
		name   string
		a, b   string
		dup    bool
		strict bool // containment must be exactly 1
	}{
		{"same text", en, en, true, true},
		{"case, width and punctuation", en, strings.ToUpper(strings.ReplaceAll(en, ",", " ;")), true, true},
		{"byline and source added", en, "By Sam Reed. " + en + " Source: River Times", true, false},
		{"trimmed", en, en[:strings.Index(en, ", twice")], true, true},
		{"chinese with source line", zh, "本报记者 王小明 " + zh + "来源：东方日报", true, false},
		{"chinese trimmed", zh, zh[:strings.Index(zh, "，下游")], true, true},
		{"different story", en, "Anglers welcomed an early start to the salmon season after a mild winter warmed the upper river and its many tributaries this year.", false, false},
		{"different chinese story", zh, "教育部今天发布通知，要求各地中小学在寒假期间减少作业量，保证学生每天有足够的体育锻炼时间和睡眠时间。", false, false},
	}
	for _, tt := range tests {
		c := Containment(mustSketch(t, tt.a), mustSketch(t, tt.b))
		if (c >= Threshold) != tt.dup || (tt.strict && c != 1) {
			t.Errorf("%s: containment %.2f", tt.name, c)
		}
	}
}

func TestShortTextsAreNotSketched(t *testing.T) {
	for _, s := range []string{"", "Read more", "点击查看", "Breaking news from the river"} {
		if _, ok := NewSketch(s); ok {
			t.Errorf("NewSketch(%q) should be too short", s)
		}
	}
}

func TestSketchRoundTrip(t *testing.T) {
	s := mustSketch(t, en+" "+zh)
	b, _ := s.MarshalBinary()
	var back Sketch
	if err := back.UnmarshalBinary(b); err != nil || back.Size != s.Size || len(back.Hashes) != len(s.Hashes) || Containment(s, back) != 1 {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	if err := back.UnmarshalBinary([]byte{0x05, 1, 2}); err == nil {
		t.Error("malformed sketch accepted")
	}
}

func TestDecide(t *testing.T) {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	original := Candidate{ID: 1, Source: 10, FirstSeen: at, Sketch: mustSketch(t, en)}
	copyOf := Candidate{ID: 2, Source: 20, FirstSeen: at.Add(time.Hour), Sketch: mustSketch(t, en),
		Original: 1, OriginalSource: 10, OriginalFirstSeen: at}
	texts := map[int64]string{1: en, 2: en, 5: zh}
	lookup := func(id int64) (string, bool) { t, ok := texts[id]; return t, ok }
	byURL := func(c Candidate) Candidate { c.ByURL = true; return c }
	byline := "By A. Writer. " + en
	tests := []struct {
		name  string
		doc   Doc
		text  string
		cands []Candidate
		want  int64 // 0: no match
	}{
		{"same URL, other source", Doc{Source: 30, URL: "https://a.example/story"}, "", []Candidate{byURL(original)}, 1},
		{"same text, other source", Doc{Source: 30, Sketch: mustSketch(t, byline)}, byline, []Candidate{original}, 1},
		{"copy of a copy points to the original", Doc{Source: 30, URL: "https://b.example/copy"}, "", []Candidate{byURL(copyOf)}, 1},
		{"a copy found by text points to the original", Doc{Source: 30, Sketch: mustSketch(t, byline)}, byline, []Candidate{copyOf}, 1},
		{"same source is never a duplicate", Doc{Source: 10, Sketch: mustSketch(t, en)}, en, []Candidate{original}, 0},
		{"a copy of this source's own entry", Doc{Source: 10, Sketch: mustSketch(t, en)}, en, []Candidate{copyOf}, 0},
		{"unrelated", Doc{Source: 30, Sketch: mustSketch(t, zh)}, zh, []Candidate{original}, 0},
		{"a home page is no story's URL", Doc{Source: 30, URL: "https://a.example/"}, "", []Candidate{byURL(original)}, 0},
		{"the original's text is gone", Doc{Source: 30, Sketch: mustSketch(t, byline)}, byline, []Candidate{{ID: 9, Source: 40, Sketch: mustSketch(t, en)}}, 0},
	}
	for _, tt := range tests {
		m, ok := Decide(tt.doc, tt.text, tt.cands, lookup)
		if (tt.want == 0 && ok) || (tt.want != 0 && (!ok || m.ID != tt.want)) {
			t.Errorf("%s: Decide = %+v, %v; want %d", tt.name, m, ok, tt.want)
		}
	}
}

// The false merge seen on real feeds: a short entry (English sentences and
// one Chinese line) estimated to lie wholly inside an unrelated long
// Chinese entry with which it shares one common phrase. The sketches
// propose the pair; the exact check on the texts refuses it.
func TestShortEntryIsNotACopyOfALongUnrelatedOne(t *testing.T) {
	// ~1,170 characters of Chinese, every 6-character shingle its own.
	pool := []rune("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可而子也能年下过说发部民其务业")
	r := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	for i := range 1170 {
		if i%40 == 39 {
			b.WriteRune('。')
			continue
		}
		b.WriteRune(pool[r.IntN(len(pool))])
	}
	long := b.String()
	longRunes := []rune(long)
	cands := []Candidate{{ID: 1, Source: 10, Sketch: mustSketch(t, long)}}
	lookup := func(id int64) (string, bool) { return long, id == 1 }
	proposed := 0
	for i := range 400 {
		// One Chinese line that shares a few common words with the long
		// entry, and nothing else.
		off := (i * 37) % (len(longRunes) - 8)
		short := fmt.Sprintf("The council met on day %d to discuss the budget for the new library and the repairs to the old bridge. "+
			"Members asked for a second vote next month. %s", i, string(longRunes[off:off+6]))
		s := mustSketch(t, short)
		if Containment(s, mustSketch(t, long)) < Threshold {
			continue
		}
		proposed++
		if c, same := Verify(short, long); same {
			t.Errorf("Verify takes %q for a copy (containment %.2f)", short, c)
		}
		if m, ok := Decide(Doc{Source: 20, Sketch: s}, short, cands, lookup); ok {
			t.Errorf("Decide merged the short entry into the long one: %+v", m)
		}
	}
	if proposed == 0 {
		t.Fatal("no variant fooled the sketch: the test no longer shows the estimate's error")
	}
	t.Logf("%d of 400 short entries were proposed by the sketch; none verified", proposed)
}

// Excerpts and trimmed copies remain copies; a short story sharing a few
// phrases with a long one is not.
func TestVerify(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"same", en, en, true},
		{"trimmed with a byline", en, "By Sam Reed. " + en[:strings.Index(en, ", twice")], true},
		{"short text wholly inside a long one", en, en + " " + strings.Repeat(zh, 3), true},
		{"short text sharing a phrase with a much longer one", "Anglers said on Tuesday that the new fish ladder would open in spring, and the council promised money for a second one at the lower weir.", en + " " + strings.Repeat(zh, 3), false},
		{"lede of a long story", strings.Repeat(en+" ", 1), en + " The authority will publish the counts every week. Engineers plan a second ladder at the lower weir next year, and the council has promised money for it.", true},
		{"unrelated", en, zh, false},
		{"too short", "Read more", "Read more", false},
	}
	for _, tt := range tests {
		if c, same := Verify(tt.a, tt.b); same != tt.same {
			t.Errorf("%s: Verify = %.2f, %v; want %v", tt.name, c, same, tt.same)
		}
	}
}

// The written-out hashes are FNV-1a of the parts, each followed by a zero
// byte, as stored sketches were made with hash/fnv.
func TestShingleHashesAreFNV1a(t *testing.T) {
	for _, parts := range [][]string{{"a"}, {"the", "river", "authority"}, {"新", "闻", "发", "布", "会", "上"}, {""}, {"ünïcode", "mixed 1.26"}} {
		h32, h64 := fnv.New32a(), fnv.New64a()
		for _, p := range parts {
			h32.Write(append([]byte(p), 0))
			h64.Write(append([]byte(p), 0))
		}
		if fnv32(parts) != h32.Sum32() || fnv64(parts) != h64.Sum64() {
			t.Errorf("%q: %x %x, want %x %x", parts, fnv32(parts), fnv64(parts), h32.Sum32(), h64.Sum64())
		}
	}
}

// The shingles of a text: three words or six CJK characters, a window
// sliding along each run of one kind; case, width and punctuation do not
// matter, and a run shorter than a shingle is one.
func TestShingles(t *testing.T) {
	tests := []struct {
		text string
		want []string // parts joined by "|"
	}{
		{"", nil},
		{"One", []string{"one"}},
		{"The River, rose.", []string{"the|river|rose"}},
		{"a b c d", []string{"a|b|c", "b|c|d"}},
		{"ＡＢＣ def ghi", []string{"abc|def|ghi"}},
		{"新闻发布会上说", []string{"新|闻|发|布|会|上", "闻|发|布|会|上|说"}},
		{"新闻，发布会。上说", []string{"新|闻|发|布|会|上", "闻|发|布|会|上|说"}}, // punctuation does not end a run
		{"新闻 AI 模型", []string{"新|闻", "ai", "模|型"}},            // a word ends a CJK run
		{"one two 新闻发布 three four five", []string{"one|two", "新|闻|发|布", "three|four|five"}},
	}
	for _, tt := range tests {
		var got []string
		eachShingle(tt.text, func(parts []string) { got = append(got, strings.Join(parts, "|")) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("shingles of %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}
