package publisher

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// Export writes every feed and page as static files under dir, laid out so
// that a plain web server serving dir answers the same paths as the daemon:
// index.html, style.css, favicon.svg, feed.atom|rss|json, categories.json, and for each
// category category/SLUG.atom|rss|json and category/SLUG/index.html. Slugs
// are written as UTF-8 file names. It returns the number of files written.
func (s *Server) Export(ctx context.Context, dir string) (int, error) {
	files := map[string][]byte{}
	css, err := web.ReadFile("web/style.css")
	if err != nil {
		return 0, err
	}
	files["style.css"] = css
	if files["favicon.svg"], err = web.ReadFile("web/favicon.svg"); err != nil {
		return 0, err
	}
	add := func(name, format, category string) error {
		out, err := s.render(ctx, format, category)
		if err != nil {
			return fmt.Errorf("export %s: %w", name, err)
		}
		files[name] = out.body
		return nil
	}
	if err := add("index.html", "html", ""); err != nil {
		return 0, err
	}
	if err := add("categories.json", "categories", ""); err != nil {
		return 0, err
	}
	for _, ext := range []string{"atom", "rss", "json"} {
		if err := add("feed."+ext, ext, ""); err != nil {
			return 0, err
		}
	}
	counts, err := s.categoryCounts(ctx)
	if err != nil {
		return 0, err
	}
	for _, c := range counts {
		if err := add(filepath.Join("category", c.Slug, "index.html"), "html", c.Slug); err != nil {
			return 0, err
		}
		for _, ext := range []string{"atom", "rss", "json"} {
			if err := add(filepath.Join("category", c.Slug+"."+ext), ext, c.Slug); err != nil {
				return 0, err
			}
		}
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
		if err := os.WriteFile(path, body, 0o644); err != nil {
			return 0, fmt.Errorf("export: %w", err)
		}
	}
	return len(files), nil
}
