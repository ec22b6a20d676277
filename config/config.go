// Package config loads and validates Tributary's YAML configuration.
//
// Loading is strict: unknown keys, wrong types, bad durations, bad cron
// specs, bad URLs and duplicate sources are all reported together, each with
// the file and line it was found on, so that a user can fix a config in one
// pass. Defaults are filled in for every optional key.
package config

import (
	"regexp"
	"time"
)

// Config is a loaded, validated and defaulted configuration.
type Config struct {
	Title         string     `yaml:"title"`
	Language      string     `yaml:"language"` // of the HTML page (a BCP 47 tag)
	BaseURL       string     `yaml:"base_url"`
	Listen        string     `yaml:"listen"`
	Database      string     `yaml:"database"`
	Schedule      string     `yaml:"schedule"`
	Timezone      string     `yaml:"timezone"`
	ItemsPerFeed  int        `yaml:"items_per_feed"`
	FutureDates   string     `yaml:"future_dates"`
	Retention     Duration   `yaml:"retention"`
	KeepPerSource int        `yaml:"keep_per_source"`
	MaxPerSource  int        `yaml:"max_per_source"`
	Fetch         Fetch      `yaml:"fetch"`
	Dedup         Dedup      `yaml:"dedup"`
	Related       Related    `yaml:"related"`
	Log           Log        `yaml:"log"`
	Metrics       Metrics    `yaml:"metrics"`
	Categories    Categories `yaml:"categories"`
	Keep          []Rule     `yaml:"keep"`  // global filter: only entries matching one of these
	Block         []Rule     `yaml:"block"` // global filter: never entries matching one of these
	Sources       []Source   `yaml:"sources"`

	// Path is the file the config was read from.
	Path string `yaml:"-"`
	// Location is Timezone, loaded.
	Location *time.Location `yaml:"-"`
}

// Fetch holds the limits that keep polling polite and bounded.
type Fetch struct {
	Timeout      Duration `yaml:"timeout"`
	MaxBodyBytes int64    `yaml:"max_body_bytes"`
	MaxRedirects int      `yaml:"max_redirects"`
	Workers      int      `yaml:"workers"`
	PerHost      int      `yaml:"per_host"`
	// MaxItems is how many items of one feed are taken per poll, the
	// newest first.
	MaxItems int `yaml:"max_items"`
	// AllowPrivateNetworks lets every source reach loopback, private,
	// link-local, CGNAT and unique-local addresses. Off by default: a
	// public feed that redirects to 169.254.169.254 must not be followed.
	AllowPrivateNetworks bool `yaml:"allow_private_networks"`
}

// Metrics configures /metrics (Prometheus text format).
type Metrics struct {
	// Listen, when set, serves /metrics on this address only (operators
	// often keep it private); otherwise it is served beside the feeds.
	Listen string `yaml:"listen"`
}

// Log configures the daemon's log.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn or error
	Format string `yaml:"format"` // text or json
}

// Dedup configures the detection of duplicates across sources.
type Dedup struct {
	// Window is how far back a new entry is compared with other sources'.
	Window Duration `yaml:"window"`
}

// Categories configures how entries are categorised.
type Categories struct {
	// Aliases map a label onto another ("AI": "ai", "人工智能": "ai").
	Aliases map[string]string `yaml:"aliases"`
	// Rules give a category to every entry they match.
	Rules []Rule `yaml:"rules"`
}

// Rule matches entries by words, phrases or a regular expression; see
// categorize.Rule. In keep and block filters Category is not used.
type Rule struct {
	Category string   `yaml:"category"`
	Any      []string `yaml:"any"`
	All      []string `yaml:"all"`
	Regex    string   `yaml:"regex"`
	Fields   []string `yaml:"fields"`

	// Compiled is Regex compiled, case-insensitive.
	Compiled *regexp.Regexp `yaml:"-"`
}

// Related configures the related-entry hints.
type Related struct {
	Max       int      `yaml:"max"`        // hints per entry, 0 to 20
	Window    Duration `yaml:"window"`     // how far apart in time related entries may be
	InContent *bool    `yaml:"in_content"` // append a "Related" list to republished content
	// IndexEntries is how many of the newest entries the related-entries
	// index holds in memory; older entries keep the hints stored for them.
	IndexEntries int `yaml:"index_entries"`
	// IndexTerms bounds the distinct words the index holds: beyond it the
	// oldest entries are forgotten, as beyond IndexEntries. Chinese and
	// Japanese text brings far more words an entry than English.
	IndexTerms int `yaml:"index_terms"`
}

// ShowInContent reports whether the "Related" list goes in the content.
func (r Related) ShowInContent() bool { return r.InContent == nil || *r.InContent }

// Source is one feed to poll.
type Source struct {
	URL string `yaml:"url"`
	// ID, when set, is the source's identity instead of its URL: its
	// entries keep their ids when the URL changes (a new host, https).
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	Schedule string `yaml:"schedule"`
	// Interval polls the source this often instead of on a schedule
	// ("@every INTERVAL").
	Interval    Duration `yaml:"interval"`
	Encoding    string   `yaml:"encoding"`
	FutureDates string   `yaml:"future_dates"`
	Timezone    string   `yaml:"timezone"`
	// AllowPrivate lets this source reach non-public addresses (a feed on
	// the local network), whatever fetch.allow_private_networks says.
	AllowPrivate bool `yaml:"allow_private"`

	Categories        []string `yaml:"categories"`
	UseFeedCategories bool     `yaml:"use_feed_categories"`
	Keep              []Rule   `yaml:"keep"`
	Block             []Rule   `yaml:"block"`

	// Zone is Timezone loaded, or the config's zone when it is empty: the
	// zone of this source's dates that name none.
	Zone *time.Location `yaml:"-"`

	// Location is where the feed is fetched from: URL itself for http(s)
	// sources, or an absolute file:// URL for local files (relative paths
	// are taken relative to the config file). URL, as written, stays the
	// source's identity so that ids survive moving the whole directory.
	Location string `yaml:"-"`
}

// Future-date policies.
const (
	FutureClamp = "clamp" // replace a future date by first_seen
	FutureKeep  = "keep"  // keep the date as the feed gives it
	FutureHold  = "hold"  // keep the date, and the entry out of the output until then
)

// Defaults, documented in config.example.yaml and README.md.
const (
	DefaultTitle         = "Tributary"
	DefaultListen        = "127.0.0.1:8080"
	DefaultDatabase      = "tributary.db"
	DefaultSchedule      = "*/15 * * * *"
	DefaultTimezone      = "UTC"
	DefaultItemsPerFeed  = 50
	DefaultRetention     = 90 * 24 * time.Hour
	DefaultKeep          = 50
	DefaultMaxPerSource  = 10000
	DefaultMaxItems      = 500
	DefaultDedupWindow   = 7 * 24 * time.Hour
	DefaultRelatedMax    = 5
	DefaultRelatedWindow = 30 * 24 * time.Hour
	DefaultRelatedIndex  = 10000
	DefaultRelatedTerms  = 300000
	DefaultTimeout       = 30 * time.Second
	DefaultMaxBodyBytes  = 4 << 20
	DefaultMaxRedirects  = 5
	DefaultWorkers       = 8
	DefaultPerHost       = 2
)

// SourceSchedule returns the cron spec that governs s.
// Identity is what a source's entry ids are made from: "id:" and its
// configured id, else its URL as written.
func (s Source) Identity() string {
	if s.ID != "" {
		return "id:" + s.ID
	}
	return s.URL
}

func (c *Config) SourceSchedule(s Source) string {
	if s.Interval > 0 {
		return "@every " + s.Interval.Std().String()
	}
	if s.Schedule != "" {
		return s.Schedule
	}
	return c.Schedule
}

// SourceFutureDates returns the future-date policy for s.
func (c *Config) SourceFutureDates(s Source) string {
	if s.FutureDates != "" {
		return s.FutureDates
	}
	return c.FutureDates
}
