package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	_ "time/tzdata" // timezone names work on machines without tzdata

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
	data = expandEnv(data, errs)

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		errs.addYAML(err.Error())
		return nil, errs
	}

	var cfg Config
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
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
	cfg.setDefaults()
	cfg.validate(&doc, errs)
	if len(errs.Problems) > 0 {
		return nil, errs
	}
	return &cfg, nil
}

// envRef matches ${NAME}. The bare $NAME form is left alone so that regular
// expressions ending in $ survive.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} by the environment variable NAME, reporting
// unset ones; comments are left alone. Values are inserted as they are; a
// value with a newline would shift later line numbers, so it is refused.
func expandEnv(data []byte, errs *Error) []byte {
	lines := bytes.Split(data, []byte("\n"))
	for i, line := range lines {
		code, comment := splitComment(line)
		lines[i] = envRef.ReplaceAllFunc(code, func(ref []byte) []byte {
			name := string(envRef.FindSubmatch(ref)[1])
			v, ok := os.LookupEnv(name)
			switch {
			case !ok:
				errs.add(i+1, "environment variable %s is not set", name)
			case strings.ContainsAny(v, "\r\n"):
				errs.add(i+1, "environment variable %s contains a newline", name)
			default:
				return []byte(v)
			}
			return ref
		})
		lines[i] = append(lines[i], comment...)
	}
	return bytes.Join(lines, []byte("\n"))
}

// splitComment cuts a YAML line before its comment: a # at the start or
// after white space, outside quotes.
func splitComment(line []byte) (code, comment []byte) {
	var quote byte
	for i, c := range line {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i:i], line[i:]
		}
	}
	return line, nil
}

func (c *Config) setDefaults() {
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
	if c.ItemsPerFeed == 0 {
		c.ItemsPerFeed = DefaultItemsPerFeed
	}
	if c.FutureDates == "" {
		c.FutureDates = FutureClamp
	}
	if c.Retention == 0 {
		c.Retention = Duration(DefaultRetention)
	}
	if c.KeepPerSource == 0 {
		c.KeepPerSource = DefaultKeep
	}
	if c.MaxPerSource == 0 {
		c.MaxPerSource = DefaultMaxPerSource
	}
	if c.Dedup.Window == 0 {
		c.Dedup.Window = Duration(DefaultDedupWindow)
	}
	if c.Related.Max == 0 {
		c.Related.Max = DefaultRelatedMax
	}
	if c.Related.Window == 0 {
		c.Related.Window = Duration(DefaultRelatedWindow)
	}
	f := &c.Fetch
	if f.Timeout == 0 {
		f.Timeout = Duration(DefaultTimeout)
	}
	if f.MaxBodyBytes == 0 {
		f.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if f.MaxRedirects == 0 {
		f.MaxRedirects = DefaultMaxRedirects
	}
	if f.Workers == 0 {
		f.Workers = DefaultWorkers
	}
	if f.PerHost == 0 {
		f.PerHost = DefaultPerHost
	}
	if f.MaxItems == 0 {
		f.MaxItems = DefaultMaxItems
	}
}

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
	if _, err := ParseSchedule(c.Schedule, loc); err != nil {
		errs.add(lineOf(doc, "schedule"), "schedule: %v", err)
	}
	if c.ItemsPerFeed < 1 || c.ItemsPerFeed > 1000 {
		errs.add(lineOf(doc, "items_per_feed"), "items_per_feed must be between 1 and 1000, not %d", c.ItemsPerFeed)
	}
	if !validFuture(c.FutureDates) {
		errs.add(lineOf(doc, "future_dates"), "future_dates must be clamp, hold or keep, not %q", c.FutureDates)
	}
	if c.Related.Max < 0 || c.Related.Max > 20 {
		errs.add(lineOf(doc, "related", "max"), "related.max must be between 0 and 20")
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
	for i := range c.Sources {
		s := &c.Sources[i]
		line := lineOf(doc, "sources", i, "url")
		if s.URL == "" {
			errs.add(lineOf(doc, "sources", i), "source %d has no url", i+1)
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
			if _, err := ParseSchedule(s.Schedule, c.Location); err != nil {
				errs.add(lineOf(doc, "sources", i, "schedule"), "schedule: %v", err)
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
		return (&url.URL{Scheme: "file", Path: filepath.Clean(p)}).String(), nil
	default:
		return "", fmt.Errorf("scheme %q is not allowed: only http, https and local files", u.Scheme)
	}
}
