package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // timezone names work on machines without tzdata

	"github.com/robfig/cron/v3"
	"github.com/tributary/tributary/config/redact"
	"go.yaml.in/yaml/v3"
	"golang.org/x/net/html/charset"
)

// Load reads, validates and defaults the config at path. A returned error is
// either an I/O error or an *Error listing every problem with its line.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse is Load for bytes already read; path names the file in errors and
// anchors relative paths.
func Parse(path string, data []byte) (*Config, error) {
	errs := &Error{File: path}
	defer errs.sort()

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		errs.addSyntax(err.Error(), data)
		return nil, errs
	}
	if len(doc.Content) == 0 {
		errs.add(0, "the file is empty: a config needs at least a list of sources")
		return nil, errs
	}
	expandEnv(&doc, errs)
	root := doc.Content[0]
	cfg := defaults()
	if !checkShape(root, reflect.TypeFor[Config](), "", errs) {
		return nil, errs
	}
	// The shape check took the bad parts out of the tree: the rest is
	// decoded and checked, and cfg's lists match the tree's for lineOf.
	if err := root.Decode(cfg); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, m := range te.Errors {
				errs.addYAML(m)
			}
		} else {
			errs.addYAML(err.Error())
		}
	}
	cfg.Path = path
	cfg.fillEmpty()
	cfg.validate(&doc, errs)
	if len(errs.Problems) > 0 {
		return nil, errs
	}
	return cfg, nil
}

// defaults returns a Config holding the default of every number and
// duration. The YAML is decoded over it, so a key that is absent keeps its
// default and a key given as 0 is 0 (related.max: 0 turns hints off).
func defaults() *Config {
	return &Config{
		ItemsPerFeed:  DefaultItemsPerFeed,
		Retention:     Duration(DefaultRetention),
		KeepPerSource: DefaultKeep,
		MaxPerSource:  DefaultMaxPerSource,
		Dedup:         Dedup{Window: Duration(DefaultDedupWindow)},
		Related:       Related{Max: DefaultRelatedMax, Window: Duration(DefaultRelatedWindow), IndexEntries: DefaultRelatedIndex, IndexTerms: DefaultRelatedTerms},
		Fetch: Fetch{
			Timeout:      Duration(DefaultTimeout),
			MaxBodyBytes: DefaultMaxBodyBytes,
			MaxRedirects: DefaultMaxRedirects,
			Workers:      DefaultWorkers,
			PerHost:      DefaultPerHost,
			MaxItems:     DefaultMaxItems,
		},
	}
}

// fillEmpty gives the text settings left empty their defaults: an empty
// title, address or schedule is never meant literally.
func (c *Config) fillEmpty() {
	if c.Title == "" {
		c.Title = DefaultTitle
	}
	if c.Language == "" {
		c.Language = "en"
	}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.BaseURL == "" {
		c.BaseURL = "http://" + c.Listen + "/"
	}
	if !strings.HasSuffix(c.BaseURL, "/") {
		c.BaseURL += "/"
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if c.Schedule == "" {
		c.Schedule = DefaultSchedule
	}
	if c.Timezone == "" {
		c.Timezone = DefaultTimezone
	}
	if c.FutureDates == "" {
		c.FutureDates = FutureClamp
	}
	if c.Log.Level == "" {
		c.Log.Level = "info"
	}
	if c.Log.Format == "" {
		c.Log.Format = "text"
	}
}

// LogLevels and LogFormats are the values log.level and log.format take.
var (
	LogLevels  = []string{"debug", "info", "warn", "error"}
	LogFormats = []string{"text", "json"}
)

// dir is the directory relative paths in the config are taken from.
func (c *Config) dir() string {
	abs, err := filepath.Abs(c.Path)
	if err != nil {
		return filepath.Dir(c.Path)
	}
	return filepath.Dir(abs)
}

func (c *Config) validate(doc *yaml.Node, errs *Error) {
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs.add(lineOf(doc, "base_url"), "base_url %q must be an absolute http or https URL", c.BaseURL)
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		errs.add(lineOf(doc, "timezone"), "unknown timezone %q", c.Timezone)
		loc = time.UTC
	}
	c.Location = loc
	if !filepath.IsAbs(c.Database) {
		c.Database = filepath.Join(c.dir(), c.Database)
	}
	if c.Metrics.Listen != "" {
		if err := checkListen(c.Metrics.Listen); err != nil {
			errs.add(lineOf(doc, "metrics", "listen"), "metrics.listen %q: %v", c.Metrics.Listen, err)
		} else if c.Metrics.Listen == c.Listen {
			errs.add(lineOf(doc, "metrics", "listen"), "metrics.listen is listen's address; leave it out to serve /metrics there")
		}
	}
	if err := checkListen(c.Listen); err != nil {
		errs.add(lineOf(doc, "listen"), "listen %q: %v", c.Listen, err)
	}
	checkSchedule(c.Schedule, loc, lineOf(doc, "schedule"), errs)
	if c.ItemsPerFeed < 1 || c.ItemsPerFeed > 1000 {
		errs.add(lineOf(doc, "items_per_feed"), "items_per_feed must be between 1 and 1000, not %d", c.ItemsPerFeed)
	}
	if !validFuture(c.FutureDates) {
		errs.add(lineOf(doc, "future_dates"), "future_dates must be clamp, hold or keep, not %q", c.FutureDates)
	}
	if c.Related.Max < 0 || c.Related.Max > 20 {
		errs.add(lineOf(doc, "related", "max"), "related.max must be between 0 and 20")
	}
	if !slices.Contains(LogLevels, c.Log.Level) {
		errs.add(lineOf(doc, "log", "level"), "log.level must be one of %s, not %q", strings.Join(LogLevels, ", "), c.Log.Level)
	}
	if !slices.Contains(LogFormats, c.Log.Format) {
		errs.add(lineOf(doc, "log", "format"), "log.format must be one of %s, not %q", strings.Join(LogFormats, ", "), c.Log.Format)
	}
	if c.Related.IndexEntries < 100 || c.Related.IndexEntries > 10_000_000 {
		errs.add(lineOf(doc, "related", "index_entries"), "related.index_entries must be between 100 and 10000000, not %d", c.Related.IndexEntries)
	}
	if c.Related.IndexTerms < 1000 || c.Related.IndexTerms > 100_000_000 {
		errs.add(lineOf(doc, "related", "index_terms"), "related.index_terms must be between 1000 and 100000000, not %d", c.Related.IndexTerms)
	}
	if c.Related.Max > 0 && c.Related.Window <= 0 {
		errs.add(lineOf(doc, "related", "window"), "related.window must be positive (related.max: 0 turns related entries off)")
	}
	if c.KeepPerSource < 0 {
		errs.add(lineOf(doc, "keep_per_source"), "keep_per_source must not be negative")
	}
	if c.MaxPerSource < 1 || c.MaxPerSource < c.KeepPerSource {
		errs.add(lineOf(doc, "max_per_source"), "max_per_source must be at least 1 and at least keep_per_source (%d), not %d", c.KeepPerSource, c.MaxPerSource)
	}
	c.Fetch.validate(doc, errs)

	for i := range c.Categories.Rules {
		validateRule(&c.Categories.Rules[i], true, doc, errs, "categories", "rules", i)
	}
	for i := range c.Keep {
		validateRule(&c.Keep[i], false, doc, errs, "keep", i)
	}
	for i := range c.Block {
		validateRule(&c.Block[i], false, doc, errs, "block", i)
	}

	if len(c.Sources) == 0 {
		errs.add(lineOf(doc), "sources: at least one source is required")
	}
	seen := map[string]int{}
	ids := map[string]int{}
	for i := range c.Sources {
		s := &c.Sources[i]
		line := lineOf(doc, "sources", i, "url")
		if s.URL == "" {
			errs.add(lineOf(doc, "sources", i), "source %d has no url", i+1)
			continue
		}
		if strings.TrimSpace(s.URL) != s.URL || strings.ContainsAny(s.URL, " \t\r\n") {
			errs.add(line, "source url %q contains white space (percent-encode a space inside a URL as %%20)", redact.URL(s.URL))
			continue
		}
		loc, err := resolveLocation(s.URL, c.dir())
		if err != nil {
			errs.add(line, "source url %q: %v", redact.URL(s.URL), err)
			continue
		}
		s.Location = loc
		if first, dup := seen[loc]; dup {
			errs.add(line, "duplicate source %q (first listed on line %d)", redact.URL(s.URL), first)
		} else {
			seen[loc] = line
		}
		if s.Schedule != "" {
			checkSchedule(s.Schedule, c.Location, lineOf(doc, "sources", i, "schedule"), errs)
		}
		if s.ID != "" {
			if !validSourceID(s.ID) {
				errs.add(lineOf(doc, "sources", i, "id"), "id %q: use letters, digits, '-', '_' and '.' (at most 100)", s.ID)
			} else if first, dup := ids[s.ID]; dup {
				errs.add(lineOf(doc, "sources", i, "id"), "duplicate source id %q (first on line %d)", s.ID, first)
			} else {
				ids[s.ID] = lineOf(doc, "sources", i, "id")
			}
		}
		if s.Interval != 0 {
			switch {
			case s.Schedule != "":
				errs.add(lineOf(doc, "sources", i, "interval"), "a source takes interval or schedule, not both")
			case s.Interval.Std() < MinInterval:
				errs.add(lineOf(doc, "sources", i, "interval"), "interval must be at least %s", MinInterval)
			}
		}
		if s.Encoding != "" {
			if enc, _ := charset.Lookup(s.Encoding); enc == nil {
				errs.add(lineOf(doc, "sources", i, "encoding"), "unknown encoding %q", s.Encoding)
			}
		}
		if s.FutureDates != "" && !validFuture(s.FutureDates) {
			errs.add(lineOf(doc, "sources", i, "future_dates"), "future_dates must be clamp, hold or keep, not %q", s.FutureDates)
		}
		for j := range s.Keep {
			validateRule(&s.Keep[j], false, doc, errs, "sources", i, "keep", j)
		}
		for j := range s.Block {
			validateRule(&s.Block[j], false, doc, errs, "sources", i, "block", j)
		}
		s.Zone = c.Location
		if s.Timezone != "" {
			if z, err := time.LoadLocation(s.Timezone); err != nil {
				errs.add(lineOf(doc, "sources", i, "timezone"), "unknown timezone %q", s.Timezone)
			} else {
				s.Zone = z
			}
		}
	}
}

func (f *Fetch) validate(doc *yaml.Node, errs *Error) {
	if f.Timeout.Std() <= 0 {
		errs.add(lineOf(doc, "fetch", "timeout"), "fetch.timeout must be positive")
	}
	if f.MaxBodyBytes < 1024 {
		errs.add(lineOf(doc, "fetch", "max_body_bytes"), "fetch.max_body_bytes must be at least 1024")
	}
	if f.MaxRedirects < 0 || f.MaxRedirects > 20 {
		errs.add(lineOf(doc, "fetch", "max_redirects"), "fetch.max_redirects must be between 0 and 20")
	}
	if f.Workers < 1 || f.Workers > 64 {
		errs.add(lineOf(doc, "fetch", "workers"), "fetch.workers must be between 1 and 64")
	}
	if f.MaxItems < 1 || f.MaxItems > 100_000 {
		errs.add(lineOf(doc, "fetch", "max_items"), "fetch.max_items must be between 1 and 100000, not %d", f.MaxItems)
	}
	if f.PerHost < 1 || f.PerHost > f.Workers {
		errs.add(lineOf(doc, "fetch", "per_host"), "fetch.per_host must be between 1 and fetch.workers")
	}
}

// validateRule checks a rule found at path and compiles its regex.
func validateRule(r *Rule, needCategory bool, doc *yaml.Node, errs *Error, path ...any) {
	line := lineOf(doc, path...)
	if needCategory && strings.TrimSpace(r.Category) == "" {
		errs.add(line, "a category rule needs a category")
	}
	if !needCategory && r.Category != "" {
		errs.add(lineOf(doc, append(path, "category")...), "a keep or block filter gives no category")
	}
	if len(r.Any) == 0 && len(r.All) == 0 && r.Regex == "" {
		errs.add(line, "a rule needs any, all or regex")
	}
	if r.Regex != "" {
		re, err := regexp.Compile("(?i)" + r.Regex)
		if err != nil {
			errs.add(lineOf(doc, append(path, "regex")...), "bad regex %q: %v", r.Regex, err)
		}
		r.Compiled = re
	}
	for i, f := range r.Fields {
		switch f {
		case "title", "content", "author", "url", "source":
		default:
			errs.add(lineOf(doc, append(path, "fields", i)...), "unknown field %q: use title, content, author, url or source", f)
		}
	}
}

func validFuture(p string) bool { return p == FutureClamp || p == FutureKeep || p == FutureHold }

// resolveLocation checks a source URL and returns where to fetch it from:
// http and https URLs as they are, file URLs and paths as absolute file://
// URLs. Any other scheme is refused.
func resolveLocation(raw, dir string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", errors.New("not a valid URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return "", errors.New("has no host")
		}
		return u.String(), nil
	case "file":
		if u.Path == "" || !filepath.IsAbs(u.Path) {
			return "", errors.New("a file URL needs an absolute path, like file:///srv/feed.xml")
		}
		return (&url.URL{Scheme: "file", Path: u.Path}).String(), nil
	case "":
		p := raw
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		if host, _, _ := strings.Cut(raw, "/"); looksLikeHost(host) {
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("has no scheme: write https://%s for a feed on the web (no local file %s exists)", raw, p)
			}
		}
		return (&url.URL{Scheme: "file", Path: filepath.Clean(p)}).String(), nil
	default:
		return "", fmt.Errorf("scheme %q is not allowed: only http, https and local files", u.Scheme)
	}
}

// looksLikeHost reports whether s looks like a host name ("blog.example.com",
// "example.org:8080"): dot-separated labels of letters, digits and hyphens,
// the last one letters only. A local path rarely starts that way, and when
// it does the file exists.
func looksLikeHost(s string) bool {
	s, _, _ = strings.Cut(s, ":")
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
			return false
		}
	}
	tld := labels[len(labels)-1]
	return len(tld) >= 2 && strings.Trim(tld, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" &&
		!strings.EqualFold(tld, "xml") && !strings.EqualFold(tld, "json") && !strings.EqualFold(tld, "rss") && !strings.EqualFold(tld, "atom")
}

// validSourceID reports whether id is a usable source id.
func validSourceID(id string) bool {
	if len(id) > 100 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// checkListen checks an HTTP listen address: host:port, the port a number
// from 0 to 65535 (0: any free port).
func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("must be host:port, like 127.0.0.1:8080 or :8080")
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("port %q must be a number from 0 to 65535", port)
	}
	if host != "" && strings.ContainsAny(host, " /") {
		return fmt.Errorf("host %q is not a host name or address", host)
	}
	return nil
}

// MinInterval is the shortest time between two polls of a source that a
// schedule may ask for.
const MinInterval = time.Minute

// checkSchedule checks a cron spec and that it does not poll more often
// than once a MinInterval.
func checkSchedule(spec string, loc *time.Location, line int, errs *Error) {
	sched, err := ParseSchedule(spec, loc)
	if err != nil {
		errs.add(line, "schedule: %v", err)
		return
	}
	if every, ok := sched.(cron.ConstantDelaySchedule); ok && every.Delay < MinInterval {
		errs.add(line, "schedule %q polls more often than once a minute: be polite to the feeds' servers", spec)
	}
}
