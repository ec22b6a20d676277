package publisher_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

func TestRelatedEntriesInEveryFormat(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	a := write("a.xml", rssFeed("River Times", "https://times.example/", "Salmon climb the new fish ladder",
		"https://times.example/ladder", "<p>Salmon numbers at the mill weir rose as the new fish ladder opened, counters said.</p>"))
	b := write("b.xml", rssFeed("Angler News", "https://angler.example/", "Anglers cheer salmon run at the weir",
		"https://angler.example/run", "<p>Anglers below the weir reported the best salmon run in years after the fish ladder opened.</p>"))
	c := write("c.xml", rssFeed("Market Wire", "https://market.example/", "Oil prices climb again",
		"https://market.example/oil", "<p>Crude oil prices climbed for a third day as supply worries grew.</p>"))

	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.pollPaths(a, b, c)

	var doc struct {
		Items []struct {
			Title       string `json:"title"`
			ContentHTML string `json:"content_html"`
			Tributary   struct {
				Related []struct {
					ID, URL, Title string
					Score          float64
				} `json:"related"`
			} `json:"_tributary"`
		} `json:"items"`
	}
	if err := json.Unmarshal(s.body("/feed.json"), &doc); err != nil {
		t.Fatal(err)
	}
	byTitle := map[string]int{}
	for i, it := range doc.Items {
		byTitle[it.Title] = i
	}
	ladder := doc.Items[byTitle["Salmon climb the new fish ladder"]]
	rel := ladder.Tributary.Related
	if len(rel) != 1 || rel[0].URL != "https://angler.example/run" || rel[0].Title != "Anglers cheer salmon run at the weir" ||
		!strings.HasPrefix(rel[0].ID, "urn:uuid:") || rel[0].Score <= 0 {
		t.Errorf("related of the ladder story = %+v", rel)
	}
	if oil := doc.Items[byTitle["Oil prices climb again"]]; len(oil.Tributary.Related) != 0 {
		t.Errorf("the oil story got hints: %+v", oil.Tributary.Related)
	}
	if !strings.Contains(ladder.ContentHTML, `<div class="tributary-related"><p>Related:</p><ul><li><a href="https://angler.example/run">Anglers cheer salmon run at the weir</a></li></ul></div>`) {
		t.Errorf("content lacks the Related list: %s", ladder.ContentHTML)
	}
	if atom := s.body("/feed.atom"); !bytes.Contains(atom, []byte(`<link href="https://angler.example/run" rel="related" type="text/html" title="Anglers cheer salmon run at the weir">`)) {
		t.Error("Atom lacks rel=related")
	}
	if rss := s.body("/feed.rss"); !bytes.Contains(rss, []byte(`<atom:link href="https://angler.example/run" rel="related" type="text/html" title="Anglers cheer salmon run at the weir">`)) {
		t.Error("RSS lacks atom:link rel=related")
	}
	// Hints are stable between renders.
	if first, again := s.body("/feed.json"), s.body("/feed.json"); !bytes.Equal(first, again) {
		t.Error("two renders differ")
	}
}
