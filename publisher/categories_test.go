package publisher_test

import (
	"bytes"
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
)

func TestCategoriesAndFilters(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string { return writeFile(t, dir, name, body) }
	tech := write("tech.xml", `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>科技日报</title><link>https://keji.example/</link><description>x</description>`+
		`<item><title>深度学习新模型发布</title><link>https://keji.example/1</link><category>人工智能</category><description>研究团队发布了新的深度学习模型。</description></item>`+
		`<item><title>Sponsored: buy our GPU</title><link>https://keji.example/ad</link><category>广告</category><description>Sponsored content.</description></item>`+
		`</channel></rss>`)
	fish := write("fish.xml", rssFeed("River Times", "https://times.example/", "Salmon return", "https://times.example/salmon", "<p>The salmon are back.</p>"))
	cfg, err := config.Parse(filepath.Join(dir, "c.yaml"), []byte(`categories:
  aliases: {"人工智能": "AI", "ai": "AI"}
  rules:
    - category: Fish
      any: [salmon]
      fields: [title]
block:
  - regex: "sponsored"
sources:
  - url: `+tech+`
    use_feed_categories: true
    categories: [科技]
  - url: `+fish+`
    categories: [Nature]
`))
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t, filepath.Join(dir, "t.db"), nil)
	s.cats = aggregator.NewCategories(cfg)
	s.pollPaths(tech, fish)

	var doc struct {
		Items []struct {
			Title string   `json:"title"`
			Tags  []string `json:"tags"`
		} `json:"items"`
	}
	if err := json.Unmarshal(s.body("/feed.json"), &doc); err != nil {
		t.Fatal(err)
	}
	tags := map[string]string{}
	for _, it := range doc.Items {
		tags[it.Title] = strings.Join(it.Tags, ",")
	}
	if len(doc.Items) != 2 {
		t.Errorf("feed has %d items (the sponsored one must be blocked): %v", len(doc.Items), tags)
	}
	if tags["深度学习新模型发布"] != "AI,科技" || tags["Salmon return"] != "fish,nature" && tags["Salmon return"] != "Fish,Nature" {
		t.Errorf("tags = %v", tags)
	}
	if atom := s.body("/feed.atom"); !bytes.Contains(atom, []byte(`<category term="ai" scheme="https://news.example.org/category/" label="AI">`)) {
		t.Error("Atom lacks the AI category")
	}
	if rss := s.body("/feed.rss"); !bytes.Contains(rss, []byte(`<category>科技</category>`)) {
		t.Error("RSS lacks the 科技 category")
	}

	// A category feed holds that category only; Chinese slugs are
	// percent-encoded in the URL.
	resp, body := s.get("/category/" + url.PathEscape("科技") + ".json")
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte("深度学习新模型发布")) || bytes.Contains(body, []byte("Salmon")) {
		t.Errorf("/category/科技.json: %s\n%s", resp.Status, body)
	}
	if resp, _ := s.get("/category/nosuch.atom"); resp.StatusCode != 404 {
		t.Errorf("unknown category: %s", resp.Status)
	}
	// The category's page without its slash redirects to it.
	if resp, _ := s.get("/category/" + url.PathEscape("科技")); resp.StatusCode != 301 || resp.Header.Get("Location") != "/category/"+url.PathEscape("科技")+"/" {
		t.Errorf("/category/科技: %s, Location %q", resp.Status, resp.Header.Get("Location"))
	}
	if resp, _ := s.get("/category/nosuch"); resp.StatusCode != 404 {
		t.Errorf("/category/nosuch: %s", resp.Status)
	}
	var cats struct {
		Categories []struct {
			Label, Slug string
			Count       int
		} `json:"categories"`
	}
	if err := json.Unmarshal(s.body("/categories.json"), &cats); err != nil {
		t.Fatal(err)
	}
	if len(cats.Categories) != 4 {
		t.Errorf("categories.json = %+v", cats.Categories)
	}

	// The blocked entry does not come back, even when its source lists it again.
	s.pollPaths(tech, fish)
	if body := s.body("/feed.json"); bytes.Contains(body, []byte("Sponsored")) {
		t.Error("blocked entry came back")
	}
}
