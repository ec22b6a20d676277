// Package publisher serves the merged feed as Atom 1.0, RSS 2.0 and JSON
// Feed 1.1. Rendered bytes (plain and gzipped) are cached until the store
// reports a change, and every response carries ETag and Last-Modified so that
// feed readers can poll with conditional requests.
package publisher

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary/tributary/aggregator/related"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config/redact"
	"github.com/tributary/tributary/publisher/onewrite"
)

// Settings are the parts of the config the publisher uses. They can change
// on reload.
type Settings struct {
	Title            string
	BaseURL          string // ends in "/"
	ItemsPerFeed     int
	RelatedMax       int    // related entries per entry; 0: none
	RelatedInContent bool   // append a "Related" list to the content
	Language         string // the page's lang attribute, the feeds' language, and the page's words
	// Location is the zone the page prints times in (the config's
	// timezone); nil: UTC.
	Location *time.Location
}

func (s Settings) location() *time.Location {
	if s.Location == nil {
		return time.UTC
	}
	return s.Location
}

// feedData is what every feed format renders.
type feedData struct {
	// FirstURL is the feed's first page, NextURL its next (older) page, ""
	// when there is none (RFC 5005 paged feeds); SelfURL is this page.
	FirstURL, NextURL string
	Title             string
	Language          string // the config's language, for xml:lang, <language> and language
	BaseURL           string
	SelfURL           string
	Updated           time.Time
	Items             []item
	// RelatedInContent appends a "Related" list to each entry's content.
	RelatedInContent bool
}

// item is an entry as rendered: the stored entry and its related entries.
type item struct {
	store.Item
	Related []relatedRef
}

// relatedRef is a related entry, as the feeds link it.
type relatedRef struct {
	store.Ref
	Score float64
}

// Hints finds related entries: the aggregator's related index.
type Hints interface {
	// Hints returns up to limit related entries of each of the entries,
	// best first; complete is false when some are still to be computed
	// (the rendering is then made again at the next request).
	Hints(ctx context.Context, rowIDs []int64, limit int) (hits map[int64][]related.Hit, complete bool, err error)
}

// format is one output format.
type format struct {
	contentType string
	render      func(*feedData) ([]byte, error)
}

var formats = map[string]format{
	"atom": {"application/atom+xml; charset=utf-8", renderAtom},
	"rss":  {"application/rss+xml; charset=utf-8", renderRSS},
	"json": {"application/feed+json; charset=utf-8", renderJSON},
}

// rendered is one cached response.
type rendered struct {
	generation uint64      // store generation rendered
	settings   int         // settings version rendered
	expires    time.Time   // when a held entry becomes due; zero: never
	headers    http.Header // sent with the body (not with a 304)
	body, gz   []byte
	etag       string // of body; the gzipped variant adds "-gz"
	modified   time.Time
	ctype      string
	hdr        headerValues
}

// size is what r costs the cache: its bodies.
func (r *rendered) size() int64 { return int64(cap(r.body) + cap(r.gz)) }

// Server is the HTTP handler for the published feeds.
type Server struct {
	store   *store.Store
	hints   Hints
	log     *slog.Logger
	now     func() time.Time
	started time.Time
	mux     *http.ServeMux
	page    *template.Template
	// sourcesPage is /sources.
	sourcesPage *template.Template

	mu              sync.Mutex // guards settings and cache; not held while rendering
	settings        Settings
	settingsVersion int // bumped by SetSettings, so cached output is redone
	cache           map[cacheKey]*cacheEntry
	cacheBytes      int64  // of the cached renderings, plain and gzipped
	cacheBudget     int64  // past it, the least recently used categories' renderings are dropped
	uses            uint64 // counts lookups, to date each entry's last use
	freshness       Freshness
	reloadRefused   string // why the last reload was refused; "" after one applied

	// hits and misses count answers from ready bytes and answers that
	// started a rendering.
	hits, misses atomic.Uint64

	countsMu  sync.Mutex
	counts    []store.CategoryCount // the categories, as of countsGen
	countsGen uint64
}

// New returns a Server reading from st. now is the clock (time.Now outside
// tests); it decides when entries held back for their future date appear.
//
// hints may be nil: entries then have no related entries.
func New(st *store.Store, hints Hints, settings Settings, now func() time.Time, log *slog.Logger) *Server {
	if settings.Language == "" {
		settings.Language = "en"
	}
	s := &Server{store: st, hints: hints, log: log, now: now, started: now().UTC(), settings: settings,
		cache: map[cacheKey]*cacheEntry{}, cacheBudget: defaultCacheBudget}
	s.mux = http.NewServeMux()
	for _, ext := range []string{"atom", "rss", "json"} {
		s.mux.HandleFunc("GET /feed."+ext, func(w http.ResponseWriter, r *http.Request) { s.serveFeed(w, r, ext) })
	}
	s.page = parsePage()
	s.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "html", "") })
	s.mux.HandleFunc("GET /category/{slug}/{$}", s.serveCategoryPage)
	s.mux.HandleFunc("GET /style.css", s.serveStyle)
	s.mux.HandleFunc("GET /index.html", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "html", "") })
	s.mux.HandleFunc("GET /favicon.svg", s.serveFavicon)
	s.mux.HandleFunc("GET /favicon.ico", s.serveFavicon)
	s.mux.HandleFunc("GET /category/{name}", s.serveCategory)
	s.mux.HandleFunc("GET /categories.json", func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, "categories", "") })
	s.mux.HandleFunc("GET /healthz", s.serveHealth)
	s.sourcesPage = parseSourcesPage()
	s.mux.HandleFunc("GET /sources", func(w http.ResponseWriter, r *http.Request) { s.serveSources(w, r, false) })
	s.mux.HandleFunc("GET /sources.json", func(w http.ResponseWriter, r *http.Request) { s.serveSources(w, r, true) })
	s.mux.HandleFunc("GET /sources.opml", s.serveOPML)
	s.mux.HandleFunc("GET /sources.atom", s.serveSourceEvents)
	return s
}

// SetSettings applies a reloaded config; cached output is rendered again.
func (s *Server) SetSettings(settings Settings) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = settings
	s.settingsVersion++
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Handle serves pattern with h beside the feeds: the daemon's /metrics,
// when they have no listener of their own. One ServeMux for both spares
// every request a second route lookup.
func (s *Server) Handle(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// serveFeed serves /feed.EXT.
func (s *Server) serveFeed(w http.ResponseWriter, r *http.Request, ext string) {
	s.serve(w, r, ext, "")
}

// serveCategory serves /category/SLUG.EXT.
func (s *Server) serveCategory(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 { // the category's page, without its slash
		if label, err := s.categoryLabel(r.Context(), name); err == nil && label != "" {
			http.Redirect(w, r, url.PathEscape(name)+"/", http.StatusMovedPermanently)
			return
		}
	}
	if dot < 0 || formats[name[dot+1:]].render == nil {
		http.NotFound(w, r)
		return
	}
	slug, ext := name[:dot], name[dot+1:]
	if label, err := s.categoryLabel(context.WithoutCancel(r.Context()), slug); err != nil || label == "" {
		if err != nil {
			s.log.Error("category", "slug", slug, "err", err)
		}
		http.NotFound(w, r)
		return
	}
	s.serve(w, r, ext, slug)
}

// serveCategoryPage serves /category/SLUG/.
func (s *Server) serveCategoryPage(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if label, err := s.categoryLabel(r.Context(), slug); err != nil || label == "" {
		http.NotFound(w, r)
		return
	}
	s.serve(w, r, "html", slug)
}

// serveFavicon serves the site's icon (SVG, which browsers take at
// /favicon.ico too).
func (s *Server) serveFavicon(w http.ResponseWriter, r *http.Request) {
	icon, _ := web.ReadFile("web/favicon.svg")
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "favicon.svg", s.started, bytes.NewReader(icon))
}

// serveStyle serves the page's style sheet.
func (s *Server) serveStyle(w http.ResponseWriter, r *http.Request) {
	css, _ := web.ReadFile("web/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "style.css", s.started, bytes.NewReader(css))
}

// serve writes the cached rendering of format (for category, when not
// empty) with its validators, gzipped when the client accepts it.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, format, category string) {
	var out *rendered
	var err error
	before := ""
	if r.URL.RawQuery != "" { // most requests have none: spare the parse
		before = r.URL.Query().Get("before")
	}
	if before != "" && format != "categories" {
		out, err = s.olderPage(r.Context(), format, category, before)
		if errors.Is(err, errBadCursor) {
			http.Error(w, "bad page", http.StatusBadRequest)
			return
		}
	} else {
		out, err = s.render(r.Context(), format, category)
	}
	if err != nil { // logged by the rendering
		http.Error(w, "unavailable", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Vary"] = varyAcceptEncoding
	h["Cache-Control"] = cachePublic60
	body, etag, gzipped := out.body, out.hdr.etag, acceptsGzip(r)
	if gzipped {
		body, etag = out.gz, out.hdr.gzETag
	}
	h["Etag"] = etag
	if r.Header.Get("Range") != "" {
		maps.Copy(h, out.headers)
		h["Content-Type"] = out.hdr.ctype
		if gzipped {
			h["Content-Encoding"] = contentEncodingGzip
		}
		http.ServeContent(w, r, "", out.modified, bytes.NewReader(body))
		return
	}
	// The common case, without ServeContent's range and sniffing work:
	// the bytes are ready, and so are their validators.
	h["Last-Modified"] = out.hdr.lastModified
	if notModified(r, etag[0], out.modified) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	maps.Copy(h, out.headers)
	h["Content-Type"] = out.hdr.ctype
	if gzipped {
		h["Content-Encoding"] = contentEncodingGzip
	}
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		onewrite.Write(w, r, body)
	}
}

// Header values shared by every response (net/http only reads them).
var (
	varyAcceptEncoding  = []string{"Accept-Encoding"}
	cachePublic60       = []string{"public, max-age=60"}
	contentEncodingGzip = []string{"gzip"}
)

// headerValues are a rendering's header values, made once per rendering.
type headerValues struct {
	ctype, etag, gzETag, lastModified []string
}

// notModified reports whether the request's validators match: any of its
// If-None-Match ETags (weakly compared), else an If-Modified-Since no
// earlier than modified (RFC 9110 §13.2.2).
func notModified(r *http.Request, etag string, modified time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		etag = strings.TrimPrefix(etag, "W/")
		for rest := inm; rest != ""; {
			var t string
			t, rest, _ = strings.Cut(rest, ",")
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		if t, err := http.ParseTime(ims); err == nil {
			return !modified.Truncate(time.Second).After(t)
		}
	}
	return false
}

// categoryCounts returns the categories and their entry counts, queried
// again only when the store has changed: every category request needs them.
func (s *Server) categoryCounts(ctx context.Context) ([]store.CategoryCount, error) {
	gen := s.store.Generation()
	s.countsMu.Lock()
	defer s.countsMu.Unlock()
	if s.counts != nil && s.countsGen == gen {
		return s.counts, nil
	}
	counts, err := s.store.CategoryCounts(ctx)
	if err != nil {
		return nil, err
	}
	if counts == nil {
		counts = []store.CategoryCount{}
	}
	s.counts, s.countsGen = counts, gen
	return counts, nil
}

// categoryLabel returns the label of the category with slug, or "" when
// no entry has it.
func (s *Server) categoryLabel(ctx context.Context, slug string) (string, error) {
	counts, err := s.categoryCounts(ctx)
	if err != nil {
		return "", err
	}
	for _, c := range counts {
		if c.Slug == slug {
			return c.Label, nil
		}
	}
	return "", nil
}

// Freshness says how a request is answered when what it asks for has
// changed in the store since it was last rendered. The zero value renders at
// once and waits for the result.
type Freshness struct {
	// Wait is how long a request waits for a new rendering before it is
	// answered with the previous bytes; the rendering goes on. 0: until it
	// is done.
	Wait time.Duration
	// Every is the least time from the end of one rendering of an output to
	// the start of the next while the store keeps changing (an ingest
	// commits many times a second); meanwhile requests get the previous
	// bytes.
	Every time.Duration
}

// CacheStats returns how many answers came from rendered bytes (hits) and
// how many started a rendering (misses), since the Server was made.
func (s *Server) CacheStats() (hits, misses uint64) { return s.hits.Load(), s.misses.Load() }

// SetFreshness sets how out of date an answer may be, for speed.
func (s *Server) SetFreshness(f Freshness) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.freshness = f
}

// render returns the cached output of format for category, rendering it
// again when the store or the settings changed since, or a held entry fell
// due. Renders run outside the lock: while one request renders a key, other
// requests for it get the previous bytes at once rather than wait, and how
// long the request that started it waits is s.freshness.Wait (only the very
// first rendering of a key is always waited for).
func (s *Server) render(ctx context.Context, format, category string) (*rendered, error) {
	key := cacheKey{format, category}
	for {
		gen := s.store.Generation()
		now := s.now()
		s.mu.Lock()
		e := s.cache[key]
		if e == nil {
			e = &cacheEntry{}
			s.cache[key] = e
		}
		s.uses++
		e.used = s.uses
		out := e.out
		if out != nil && out.generation == gen && out.settings == s.settingsVersion &&
			(out.expires.IsZero() || now.Before(out.expires)) {
			s.mu.Unlock()
			s.hits.Add(1)
			return out, nil
		}
		if r := e.rendering; r != nil {
			s.mu.Unlock()
			if out != nil {
				s.hits.Add(1)
				return out, nil // the previous bytes, while the new ones are made
			}
			<-r.done
			continue
		}
		fresh := s.freshness
		if out != nil && out.settings == s.settingsVersion && time.Since(e.renderedAt) < fresh.Every {
			s.mu.Unlock()
			s.hits.Add(1)
			return out, nil // rendered a moment ago: the store is busy
		}
		s.misses.Add(1)
		r := &renderCall{done: make(chan struct{})}
		e.rendering = r
		set, version := s.settings, s.settingsVersion
		s.mu.Unlock()

		// The rendering fills the cache for every later request, so a
		// client that goes away does not cancel it.
		go s.renderInto(context.WithoutCancel(ctx), e, r, now, gen, set, version, format, category)
		if out == nil || fresh.Wait <= 0 {
			<-r.done
			return r.out, r.err
		}
		t := time.NewTimer(fresh.Wait)
		select {
		case <-r.done:
			t.Stop()
			return r.out, r.err
		case <-t.C:
			return out, nil
		}
	}
}

// cacheKey names a rendering: a format and a category ("": all). A struct
// rather than one string, so that finding it allocates nothing.
type cacheKey struct{ format, category string }

// cacheEntry is the cached rendering of one key, and the render under way.
type cacheEntry struct {
	out        *rendered
	renderedAt time.Time   // when the last rendering ended
	rendering  *renderCall // nil: none under way
	used       uint64      // the Server's uses at its last lookup
}

// renderCall is a rendering under way; done is closed when out or err is
// set.
type renderCall struct {
	done chan struct{}
	out  *rendered
	err  error
}

var errBadCursor = errors.New("bad page cursor")

// currentSettings returns the settings in force (a reload may change them).
func (s *Server) currentSettings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// olderPage renders a page of older entries: not cached (readers ask for
// them rarely, and their number is unbounded).
func (s *Server) olderPage(ctx context.Context, format, category, before string) (*rendered, error) {
	c, err := store.ParseCursor(before)
	if err != nil {
		return nil, errBadCursor
	}
	out, err := s.renderPage(ctx, s.now(), s.currentSettings(), format, category, c)
	if err != nil {
		s.log.Error("render", "format", format, "category", category, "before", before, "err", err)
		return nil, err
	}
	out.hdr = headerValuesOf(out)
	return out, nil
}

// headerValuesOf makes out's header values once.
func headerValuesOf(out *rendered) headerValues {
	return headerValues{
		ctype:        []string{out.ctype},
		etag:         []string{out.etag},
		gzETag:       []string{strings.TrimSuffix(out.etag, `"`) + `-gz"`},
		lastModified: []string{out.modified.UTC().Format(http.TimeFormat)},
	}
}

// renderInto renders a key and, unless it failed, makes the result the
// entry's cached output.
func (s *Server) renderInto(ctx context.Context, e *cacheEntry, r *renderCall, now time.Time, gen uint64, set Settings, version int, format, category string) {
	out, err := s.renderNow(ctx, now, set, format, category)
	if err == nil { // it stays cached: without the room its buffers grew by
		out.body, out.gz = trimmed(out.body), trimmed(out.gz)
	}
	s.mu.Lock()
	defer func() {
		e.rendering, e.renderedAt = nil, time.Now()
		s.mu.Unlock()
		r.out, r.err = out, err
		close(r.done)
	}()
	if err != nil {
		s.log.Error("render", "format", format, "category", category, "err", err)
		return
	}
	out.generation, out.settings = gen, version
	// Last-Modified must never go back while the content changes, or
	// clients polling with If-Modified-Since alone would miss the change
	// (a removed source takes its newer entries with it).
	if prev := e.out; prev != nil && prev.etag != out.etag && !out.modified.After(prev.modified) {
		out.modified = now.UTC().Truncate(time.Second)
	}
	out.hdr = headerValuesOf(out)
	if e.out != nil {
		s.cacheBytes -= e.out.size()
	}
	e.out = out
	s.cacheBytes += out.size()
	s.trimCache()
}

// defaultCacheBudget bounds the cached renderings: the site-wide ones are
// always kept, and each category's four (three feeds and its page) only
// while they fit. Categories can come from the feeds themselves, hundreds
// of them, and a crawler may ask for every one.
const defaultCacheBudget = 16 << 20

// trimCache drops the renderings of the categories used longest ago while
// the cache is over its budget. Entries being rendered stay, and so do the
// site-wide ones, whatever their size. s.mu is held.
func (s *Server) trimCache() {
	if s.cacheBytes <= s.cacheBudget {
		return
	}
	var keys []cacheKey
	for k, e := range s.cache {
		if k.category != "" && e.rendering == nil {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b cacheKey) int { return cmp.Compare(s.cache[a].used, s.cache[b].used) })
	for _, k := range keys {
		if s.cacheBytes <= s.cacheBudget {
			return
		}
		if out := s.cache[k].out; out != nil {
			s.cacheBytes -= out.size()
		}
		delete(s.cache, k)
	}
}

// renderNow renders format for category, with its gzip form and ETag.
func (s *Server) renderNow(ctx context.Context, now time.Time, set Settings, format, category string) (*rendered, error) {
	return s.renderPage(ctx, now, set, format, category, store.Cursor{})
}

// renderPage is renderNow for the page of entries older than before.
func (s *Server) renderPage(ctx context.Context, now time.Time, set Settings, format, category string, before store.Cursor) (*rendered, error) {
	out, err := s.build(ctx, now, set, format, category, before)
	if err != nil {
		return nil, err
	}
	if out.gz, err = gzipBytes(out.body); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(out.body)
	out.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
	return out, nil
}

// build renders format for category from the store.
func (s *Server) build(ctx context.Context, now time.Time, set Settings, format, category string, before store.Cursor) (*rendered, error) {
	switch format {
	case "categories":
		return s.buildCategories(ctx, set)
	case "html":
		return s.buildPage(ctx, now, set, category, before)
	}
	stored, more, err := s.store.LatestPage(ctx, now, set.ItemsPerFeed, category, before)
	if err != nil {
		return nil, err
	}
	items, complete, err := s.withRelated(ctx, set, stored)
	if err != nil {
		return nil, err
	}
	expires, err := s.expiry(ctx, now, complete)
	if err != nil {
		return nil, err
	}
	data := &feedData{
		Language: set.Language,
		Title:    set.Title,
		BaseURL:  set.BaseURL,
		SelfURL:  set.BaseURL + "feed." + format,
		Updated:  latestChange(stored, s.started),
		Items:    items,

		RelatedInContent: set.RelatedInContent,
	}
	if category != "" {
		label, err := s.categoryLabel(ctx, category)
		if err != nil {
			return nil, err
		}
		data.Title = set.Title + " · " + label
		data.SelfURL = set.BaseURL + "category/" + url.PathEscape(category) + "." + format
	}
	if before != (store.Cursor{}) || more {
		data.FirstURL = data.SelfURL
	}
	if more {
		data.NextURL = data.SelfURL + "?before=" + store.CursorOf(stored[len(stored)-1]).String()
	}
	if before != (store.Cursor{}) {
		data.SelfURL += "?before=" + before.String()
	}
	f := formats[format]
	body, err := f.render(data)
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", format, err)
	}
	return &rendered{body: body, modified: data.Updated, ctype: f.contentType, expires: expires}, nil
}

// buildCategories renders /categories.json: every category, its entry
// count and its feeds.
func (s *Server) buildCategories(ctx context.Context, set Settings) (*rendered, error) {
	counts, err := s.categoryCounts(ctx)
	if err != nil {
		return nil, err
	}
	type category struct {
		Label string            `json:"label"`
		Slug  string            `json:"slug"`
		Count int               `json:"count"`
		Feeds map[string]string `json:"feeds"`
	}
	list := []category{}
	for _, c := range counts {
		base := set.BaseURL + "category/" + url.PathEscape(c.Slug)
		list = append(list, category{Label: c.Label, Slug: c.Slug, Count: c.Count, Feeds: map[string]string{
			"atom": base + ".atom", "rss": base + ".rss", "json": base + ".json", "html": base + "/",
		}})
	}
	body, err := json.MarshalIndent(struct {
		Categories []category `json:"categories"`
	}{list}, "", "  ")
	if err != nil {
		return nil, err
	}
	return &rendered{body: append(body, '\n'), modified: s.started, ctype: "application/json; charset=utf-8"}, nil
}

func (s *Server) serveHealth(w http.ResponseWriter, r *http.Request) {
	sources, err := s.store.Sources(r.Context())
	if err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	type failing struct {
		URL   string `json:"url"`
		Error string `json:"error"`
	}
	type notice struct {
		URL    string `json:"url"`
		Notice string `json:"notice"`
	}
	report := struct {
		// Status is "ok", or "degraded" when a source fails or the last
		// reload was refused: the daemon serves, but not all is well.
		Status        string     `json:"status"`
		Sources       int        `json:"sources"`
		LastPoll      *time.Time `json:"last_poll,omitempty"`
		Failing       []failing  `json:"failing"`
		Notices       []notice   `json:"notices"`
		ReloadRefused string     `json:"reload_refused,omitempty"`
	}{Status: "ok", Sources: len(sources), Failing: []failing{}, Notices: []notice{}, ReloadRefused: s.reloadRefusal()}
	for _, src := range sources {
		if !src.LastPoll.IsZero() && (report.LastPoll == nil || src.LastPoll.After(*report.LastPoll)) {
			t := src.LastPoll
			report.LastPoll = &t
		}
		if src.LastError != "" {
			report.Failing = append(report.Failing, failing{URL: redact.Status(src.URL), Error: src.LastError})
		}
		if src.URLIdentity {
			report.Notices = append(report.Notices, notice{URL: redact.Status(src.URL), Notice: "GUIDs missing or repeated: entries identified by URL"})
		}
		for _, n := range src.Notices {
			report.Notices = append(report.Notices, notice{URL: redact.Status(src.URL), Notice: n})
		}
	}
	if len(report.Failing) > 0 || report.ReloadRefused != "" {
		report.Status = "degraded"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(report)
}

// expiry is when a rendering made at now must be made again although the
// store has not changed: when a held entry falls due, or at once (after
// Freshness.Every) when some related entries were left to compute.
func (s *Server) expiry(ctx context.Context, now time.Time, hintsComplete bool) (time.Time, error) {
	if !hintsComplete {
		return now, nil
	}
	t, _, err := s.store.NextRelease(ctx, now)
	return t, err
}

// withRelated pairs each stored entry with its related entries; complete
// is false when some of them are still to be computed.
func (s *Server) withRelated(ctx context.Context, set Settings, stored []store.Item) (items []item, complete bool, err error) {
	items = make([]item, len(stored))
	rowIDs := make([]int64, len(stored))
	for i := range stored {
		items[i].Item = stored[i]
		rowIDs[i] = stored[i].RowID
	}
	var hits map[int64][]related.Hit
	complete = true
	if s.hints != nil && set.RelatedMax > 0 {
		if hits, complete, err = s.hints.Hints(ctx, rowIDs, set.RelatedMax); err != nil {
			return nil, false, err
		}
	}
	var ids []int64
	for _, hs := range hits {
		for _, h := range hs {
			ids = append(ids, h.ID)
		}
	}
	refs, err := s.store.Refs(ctx, ids)
	if err != nil {
		return nil, false, err
	}
	for i := range items {
		for _, h := range hits[rowIDs[i]] {
			if r, ok := refs[h.ID]; ok {
				items[i].Related = append(items[i].Related, relatedRef{Ref: r, Score: h.Score})
			}
		}
	}
	return items, complete, nil
}

// latestChange is when the newest of items was last written, or fallback
// when there are none.
func latestChange(items []store.Item, fallback time.Time) time.Time {
	var latest time.Time
	for _, it := range items {
		if it.Modified.After(latest) {
			latest = it.Modified
		}
	}
	if latest.IsZero() {
		return fallback
	}
	return latest
}

func acceptsGzip(r *http.Request) bool {
	for rest := r.Header.Get("Accept-Encoding"); rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") && strings.ReplaceAll(params, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// trimmed returns b, or a copy of it without the room a buffer grew by
// when that is more than an eighth: a rendering stays cached for long.
func trimmed(b []byte) []byte {
	if cap(b)-len(b) > len(b)/8 {
		return bytes.Clone(b)
	}
	return b
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// publicFeedURL is the source's feed URL when it may be shown to the world:
// http and https feeds only, never the path of a local file, and without the
// user info and query string that may hold credentials or tokens.
func publicFeedURL(src store.SourceRef) string {
	return redact.Public(src.FeedURL)
}
