package publisher

import (
	"encoding/json"
	"math"
	"time"

	"github.com/gorilla/feeds"
)

// gorilla/feeds's JSON Feed types have no extension objects; these types
// embed them and add "_tributary", the machine-readable contract described in
// DESIGN.md.

type jsonFeed struct {
	feeds.JSONFeed
	Language string      `json:"language,omitempty"`
	Items    []*jsonItem `json:"items"`
}

type jsonItem struct {
	feeds.JSONItem
	Tributary jsonExtension `json:"_tributary"`
}

type jsonExtension struct {
	FirstSeen time.Time  `json:"first_seen"`
	Source    jsonSource `json:"source"`
	AlsoFrom  []jsonCopy `json:"also_from,omitempty"`
	Related   []jsonRef  `json:"related"`
}

type jsonRef struct {
	ID    string  `json:"id"`
	URL   string  `json:"url,omitempty"`
	Title string  `json:"title"`
	Score float64 `json:"score"`
}

type jsonCopy struct {
	Title string `json:"title"`
	URL   string `json:"url,omitempty"`
}

type jsonSource struct {
	Title   string `json:"title"`
	URL     string `json:"url,omitempty"`
	FeedURL string `json:"feed_url,omitempty"`
}

// renderJSON writes f as a JSON Feed 1.1 document.
func renderJSON(f *feedData) ([]byte, error) {
	doc := jsonFeed{
		JSONFeed: feeds.JSONFeed{
			Version:     "https://jsonfeed.org/version/1.1",
			Title:       f.Title,
			HomePageUrl: f.BaseURL,
			FeedUrl:     f.SelfURL,
			NextUrl:     f.NextURL,
		},
		Items:    make([]*jsonItem, 0, len(f.Items)),
		Language: f.Language,
	}
	for i := range f.Items {
		doc.Items = append(doc.Items, newJSONItem(&f.Items[i], f))
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func newJSONItem(it *item, f *feedData) *jsonItem {
	published := it.PublishedOr(it.FirstSeen).UTC()
	ji := &jsonItem{
		JSONItem: feeds.JSONItem{
			Id:            it.ID,
			Url:           it.Link,
			Title:         it.Title,
			ContentHTML:   content(it, f),
			PublishedDate: &published,
		},
		Tributary: jsonExtension{
			FirstSeen: it.FirstSeen.UTC(),
			Source:    jsonSource{Title: it.Source.Title, URL: it.Source.SiteURL, FeedURL: publicFeedURL(it.Source)},
		},
	}
	for _, c := range it.Categories {
		ji.Tags = append(ji.Tags, c.Label)
	}
	ji.Tributary.Related = []jsonRef{}
	for _, r := range it.Related {
		ji.Tributary.Related = append(ji.Tributary.Related, jsonRef{ID: r.ID, URL: r.URL, Title: r.Title, Score: math.Round(r.Score*1000) / 1000})
	}
	for _, c := range it.AlsoFrom {
		ji.Tributary.AlsoFrom = append(ji.Tributary.AlsoFrom, jsonCopy{Title: c.Source, URL: c.URL})
	}
	if !it.Updated.IsZero() {
		updated := it.Updated.UTC()
		ji.ModifiedDate = &updated
	}
	if a := authorOf(it); a != "" {
		ji.Authors = []*feeds.JSONAuthor{{Name: a}}
	}
	if ji.ContentHTML == "" {
		// JSON Feed requires content_html or content_text.
		ji.ContentText = it.Title
	}
	return ji
}
