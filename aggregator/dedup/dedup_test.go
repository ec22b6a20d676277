package dedup

import (
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

func TestIndexFind(t *testing.T) {
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	ix := NewIndex(7 * 24 * time.Hour)
	ix.Add(Doc{ID: 1, Source: 10, URL: "https://a.example/story", At: at, Sketch: mustSketch(t, en)})
	ix.Add(Doc{ID: 2, Source: 20, URL: "https://b.example/copy", At: at.Add(time.Hour), Sketch: mustSketch(t, en), Original: 1})

	tests := []struct {
		name string
		doc  Doc
		want int64 // 0: no match
	}{
		{"same URL, other source", Doc{Source: 30, URL: "https://a.example/story", At: at.Add(2 * time.Hour)}, 1},
		{"same text, other source", Doc{Source: 30, At: at.Add(2 * time.Hour), Sketch: mustSketch(t, "By A. Writer. "+en)}, 1},
		{"copy of a copy points to the original", Doc{Source: 30, URL: "https://b.example/copy", At: at.Add(2 * time.Hour)}, 1},
		{"same source is never a duplicate", Doc{Source: 10, At: at.Add(2 * time.Hour), Sketch: mustSketch(t, en)}, 0},
		{"outside the window", Doc{Source: 30, URL: "https://a.example/story", At: at.Add(8 * 24 * time.Hour)}, 0},
		{"unrelated", Doc{Source: 30, At: at.Add(time.Hour), Sketch: mustSketch(t, zh)}, 0},
	}
	for _, tt := range tests {
		m, ok := ix.Find(tt.doc)
		if (tt.want == 0 && ok) || (tt.want != 0 && (!ok || m.ID != tt.want)) {
			t.Errorf("%s: Find = %+v, %v; want %d", tt.name, m, ok, tt.want)
		}
	}
	// Finding at a much later time prunes what left the window.
	ix.Find(Doc{Source: 30, At: at.Add(30 * 24 * time.Hour)})
	if n := ix.Len(); n != 0 {
		t.Errorf("%d entries left after the window passed", n)
	}
}
