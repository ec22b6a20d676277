package parse

import (
	"encoding/json"
	"strconv"
)

// lenientJSON repairs the field types JSON Feeds in the wild get wrong, so
// that one wrong field does not refuse the whole feed: a string where a list
// is expected (tags, authors), an object where a list is expected
// (authors, items), a name where an author object is expected, a number as
// an id, and a non-string where text is expected (dropped). A document that
// is not a JSON object is returned as it is, for gofeed to refuse.
func lenientJSON(text []byte) []byte {
	var doc map[string]any
	if err := json.Unmarshal(text, &doc); err != nil {
		return text
	}
	fixAuthors(doc)
	items := asList(doc["items"])
	for _, it := range items {
		item, ok := it.(map[string]any)
		if !ok {
			continue
		}
		switch id := item["id"].(type) {
		case float64:
			item["id"] = strconv.FormatFloat(id, 'f', -1, 64)
		case string, nil:
		default:
			delete(item, "id")
		}
		if tags, ok := item["tags"]; ok {
			var out []any
			for _, t := range asList(tags) {
				if s, ok := t.(string); ok {
					out = append(out, s)
				}
			}
			item["tags"] = out
		}
		for _, k := range []string{"title", "summary", "content_text", "content_html", "url", "external_url", "image", "banner_image", "date_published", "date_modified"} {
			if v, ok := item[k]; ok {
				if _, isString := v.(string); !isString {
					delete(item, k)
				}
			}
		}
		fixAuthors(item)
	}
	if items != nil {
		doc["items"] = items
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return text
	}
	return out
}

// fixAuthors makes obj's author an object and its authors a list of
// objects, whatever the feed wrote.
func fixAuthors(obj map[string]any) {
	if a, ok := obj["author"]; ok {
		if p := asPerson(a); p != nil {
			obj["author"] = p
		} else {
			delete(obj, "author")
		}
	}
	if as, ok := obj["authors"]; ok {
		var out []any
		for _, a := range asList(as) {
			if p := asPerson(a); p != nil {
				out = append(out, p)
			}
		}
		obj["authors"] = out
	}
}

// asList is v as a list: itself, or a list of it.
func asList(v any) []any {
	switch l := v.(type) {
	case nil:
		return nil
	case []any:
		return l
	default:
		return []any{l}
	}
}

// asPerson is v as an author object, or nil.
func asPerson(v any) map[string]any {
	switch p := v.(type) {
	case map[string]any:
		for _, k := range []string{"name", "url", "avatar"} {
			if _, isString := p[k].(string); p[k] != nil && !isString {
				delete(p, k)
			}
		}
		return p
	case string:
		return map[string]any{"name": p}
	}
	return nil
}
