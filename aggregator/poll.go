// Package aggregator polls sources and stores their entries: for each source
// it fetches the feed, parses it, normalises its items and writes them to the
// store in one transaction. The stages live in sub-packages (fetch, parse,
// normalize, store); this package runs them, in a bounded worker pool, on a
// cron schedule.
package aggregator

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/tributary/tributary/aggregator/dedup"
	"github.com/tributary/tributary/aggregator/entry"
	"github.com/tributary/tributary/aggregator/fetch"
	"github.com/tributary/tributary/aggregator/normalize"
	"github.com/tributary/tributary/aggregator/parse"
	"github.com/tributary/tributary/aggregator/related"
	"github.com/tributary/tributary/aggregator/store"
	"github.com/tributary/tributary/config"
	"github.com/tributary/tributary/config/redact"
)

// Target is a source to poll, with the settings that apply to it.
type Target struct {
	Source      config.Source
	FutureDates string      // config.FutureClamp (the default when empty), FutureHold or FutureKeep
	Categories  *Categories // nil: no categories, no filters
	// MaxItems caps the items taken from one poll of the feed, the newest
	// first (0: no cap).
	MaxItems int
	// MaxEntries caps the entries the source keeps in the store, the
	// newest first (0: no cap).
	MaxEntries int
}

// Outcome says how a poll ended.
type Outcome string

// Poll outcomes.
const (
	Updated     Outcome = "updated"      // a new body was parsed and stored
	NotModified Outcome = "not-modified" // HTTP 304
	Unchanged   Outcome = "unchanged"    // same body as last time: not parsed again
	Failed      Outcome = "failed"
	Skipped     Outcome = "skipped" // not due, already being polled, or stopped
)

// Result is the outcome of polling one source.
type Result struct {
	Source   string // the source's configured URL
	Outcome  Outcome
	Counts   store.PollCounts
	Err      error
	Duration time.Duration
	// Bytes is the size of the body read (after decompression); 0 for a
	// 304 or a failed fetch.
	Bytes int64
	// URLIdentity says the source's entries are keyed by URL because its
	// GUIDs are missing or repeated.
	URLIdentity bool
	// Notices are what the poll noticed that an operator should know.
	Notices []string
}

// Poller runs the pipeline for sources. It is safe for concurrent use.
type Poller struct {
	store      *store.Store
	fetcher    *fetch.Fetcher
	normalizer *normalize.Normalizer
	now        func() time.Time
	log        *slog.Logger
	pool       *pool

	// saveMu makes "find duplicates, save, index" one step per source,
	// so that two sources carrying one story at once do not both keep it.
	saveMu sync.Mutex
	// reading holds a place for each poll reading a feed (parsing,
	// normalising, sketching, preparing related terms): as many as there
	// are CPUs. More workers only overlap fetches, which wait on the
	// network; more polls reading at once would not read faster, only
	// hold more memory and keep the goroutines that serve the feeds
	// waiting for a CPU.
	reading     chan struct{}
	dedupWindow time.Duration
	// dupFilter spares the candidate query for entries that share nothing
	// with any stored entry; nil without cross-source de-duplication.
	dupFilter *dedup.Filter

	related *related.Index
	// relatedLoaded is false while LoadRelated fills the index: until it
	// is done stored hints are used as they are, and none are computed.
	relatedLoaded atomic.Bool
	// keepHints says whether computed hints are stored (not when another
	// process owns the database).
	keepHints  bool
	hintBudget int
	onPoll     func(Result)

	// parse is parse.Parse; tests replace it to make a poll panic.
	parse func(body []byte, contentType, encoding string) (*parse.Result, error)
}

// PollerOptions configure a Poller.
type PollerOptions struct {
	Now         func() time.Time // the clock; time.Now outside tests
	Log         *slog.Logger
	Workers     int           // fetches at once
	PerHost     int           // fetches at once from one host
	DedupWindow time.Duration // how far back duplicates across sources are looked for
	// RelatedWindow is how far apart in time related entries may be
	// (default 30 days).
	RelatedWindow time.Duration
	// NoRelated leaves the related-entries index out (related.max: 0),
	// and the memory and time it costs.
	NoRelated bool
	// RelatedEntries bounds the related-entries index: it holds the newest
	// this many entries (default DefaultRelatedEntries).
	RelatedEntries int
	// RelatedTerms bounds the distinct words of the related-entries index
	// (default DefaultRelatedTerms): see related.Config.MaxVocabulary.
	RelatedTerms int
	// HintsReadOnly computes related entries without storing them, for a
	// process that only reads a database another one owns.
	HintsReadOnly bool
	// HintBudget bounds how many entries' related entries one Hints call
	// computes (0: all it is asked for), so that a render during an ingest
	// stays cheap; the others are computed by later calls.
	HintBudget int
}

// DefaultRelatedEntries is how many of the newest entries the
// related-entries index holds by default: about 1.2 KB each on the load
// test's mixed feeds, about 15 KB on Chinese news (BENCHMARKS.md), which
// DefaultRelatedTerms bounds.
const DefaultRelatedEntries = 10000

// DefaultRelatedTerms is how many distinct words the related-entries index
// holds by default: about 60-90 bytes each, with their postings, so
// 17-27 MB at most; the Chinese development set (1,500 articles) has 245,000.
const DefaultRelatedTerms = 300000

// NewPoller returns a Poller. Call LoadIndexes before polling a database
// that already holds entries.
func NewPoller(st *store.Store, f *fetch.Fetcher, opts PollerOptions) *Poller {
	if opts.RelatedWindow == 0 {
		opts.RelatedWindow = 30 * 24 * time.Hour
	}
	p := &Poller{
		store:       st,
		fetcher:     f,
		normalizer:  normalize.New(),
		now:         opts.Now,
		log:         opts.Log,
		pool:        newPool(opts.Workers, opts.PerHost),
		reading:     make(chan struct{}, runtime.GOMAXPROCS(0)),
		dedupWindow: opts.DedupWindow,

		related:    relatedIndex(opts, st),
		keepHints:  !opts.HintsReadOnly,
		hintBudget: opts.HintBudget,
		parse:      parse.Parse,
	}
	p.relatedLoaded.Store(true) // nothing to load until LoadRelated says so
	if opts.DedupWindow > 0 {
		p.dupFilter = dedup.NewFilter(opts.DedupWindow)
	}
	return p
}

func relatedIndex(opts PollerOptions, st *store.Store) *related.Index {
	if opts.NoRelated {
		return nil
	}
	size := opts.RelatedEntries
	if size == 0 {
		size = DefaultRelatedEntries
	}
	terms := opts.RelatedTerms
	if terms == 0 {
		terms = DefaultRelatedTerms
	}
	return related.New(related.Config{Window: opts.RelatedWindow, MaxEntries: size, MaxVocabulary: terms, Texts: storedTexts{st}})
}

// storedTexts gives the related-entries index the texts of stored entries:
// it keeps none itself.
type storedTexts struct{ st *store.Store }

func (s storedTexts) Texts(ctx context.Context, ids []int64, fn func(id int64, title, text string)) error {
	return s.st.EntryTexts(ctx, ids, fn)
}

// LoadDupFilter fills the filter that spares the duplicate query with the
// keys and URLs of the last dedup window's entries; until it is done every
// new entry is queried. It may run while polls add entries.
func (p *Poller) LoadDupFilter(ctx context.Context) error {
	if p.dupFilter == nil {
		return nil
	}
	since := p.now().Add(-p.dedupWindow)
	err := p.store.EachDedupKeySince(ctx, since,
		func(k uint32) { p.dupFilter.AddKey(k, since) },
		func(u string) { p.dupFilter.AddURL(u, since) })
	if err != nil {
		return err
	}
	p.dupFilter.MarkReady(since)
	return nil
}

// OnPoll sets a function called with the result of every poll (not of
// sources skipped), from the polling goroutine. Call it before polling.
func (p *Poller) OnPoll(fn func(Result)) { p.onPoll = fn }

// LoadIndexes prepares the indexes: PrepareDuplicates, then LoadRelated.
func (p *Poller) LoadIndexes(ctx context.Context) error {
	if err := p.PrepareDuplicates(ctx); err != nil {
		return err
	}
	return p.LoadRelated(ctx)
}

// PrepareDuplicates readies the duplicate index, which lives in the store:
// a database written before it did, or whose sketches were made another
// way, gets the sketches and keys of its last dedup window's entries made
// again, once. Call it before polling.
func (p *Poller) PrepareDuplicates(ctx context.Context) error {
	return p.resketchDuplicates(ctx)
}

// LoadRelated fills the related-entries index from the store with the
// newest entries of active sources, as many as it holds. It may run while
// polls add entries; until it ends, stored hints are used as they are and
// entries without any have none.
func (p *Poller) LoadRelated(ctx context.Context) error {
	if p.related == nil {
		return nil
	}
	p.relatedLoaded.Store(false)
	return p.loadRelated(ctx)
}

// StartLoadingRelated runs LoadRelated in the background and returns
// at once; the channel gives its result. Until then, hints are as stored.
func (p *Poller) StartLoadingRelated(ctx context.Context) <-chan error {
	done := make(chan error, 1)
	if p.related == nil {
		done <- nil
		return done
	}
	p.relatedLoaded.Store(false)
	go func() { done <- p.loadRelated(ctx) }()
	return done
}

func (p *Poller) loadRelated(ctx context.Context) error {
	err := p.store.EachText(ctx, p.related.MaxEntries(), func(t store.Text) {
		if !p.related.Has(t.RowID) { // a poll may have added it since
			p.related.Add(related.Doc{ID: t.RowID, Title: t.Title, Text: t.Text, At: t.At, Group: t.DuplicateOf, Categories: t.Categories})
		}
	})
	if err == nil {
		p.relatedLoaded.Store(true)
	}
	return err
}

// dedupVersion names how stored sketches and keys are made; a database
// whose meta dedup_version differs has those of its last dedup window made
// again, once. 2: six-character shingles for Chinese and Japanese.
const dedupVersion = "2"

// resketchDuplicates makes the sketches and keys of the last dedup
// window's entries again when the database has none (written before they
// were kept) or ones made another way.
func (p *Poller) resketchDuplicates(ctx context.Context) error {
	const done = "dedup_version"
	if v, err := p.store.Meta(ctx, done); err != nil || v == dedupVersion {
		return err
	}
	n, err := p.store.Resketch(ctx, p.now().Add(-p.dedupWindow), func(text string) ([]byte, []uint32) {
		s, ok := dedup.NewSketch(text)
		if !ok {
			return nil, nil
		}
		b, _ := s.MarshalBinary()
		keys, _ := dedup.Keys(s, nil)
		return b, keys
	})
	if err != nil {
		return err
	}
	if n > 0 {
		p.log.Info("duplicate sketches made again", "entries", n, "version", dedupVersion)
	}
	return p.store.SetMeta(ctx, done, dedupVersion)
}

// Poll polls one source now, whatever its back-off, and records the outcome.
// If the source is already being polled it is skipped.
func (p *Poller) Poll(ctx context.Context, t Target) Result {
	return p.pollOne(ctx, t, true, nil)
}

// pollOne claims the source, loads its state and, when it is due (or force
// is set), polls it within the per-host limit.
//
// An unchanged poll is added to batch, when there is one, to be written
// with the others of its cycle; else it is written at once.
func (p *Poller) pollOne(ctx context.Context, t Target, force bool, batch *unchangedBatch) Result {
	skip := Result{Source: t.Source.URL, Outcome: Skipped}
	if ctx.Err() != nil || !p.pool.claim(t.Source.URL) {
		return skip
	}
	defer p.pool.release(t.Source.URL)
	// The state is read after the claim, so its validators are those of
	// the last finished poll.
	st, err := p.store.Source(ctx, t.Source.URL)
	if err != nil {
		return Result{Source: t.Source.URL, Outcome: Failed, Err: err}
	}
	if !force && st.NextPoll.After(p.now()) {
		return skip
	}
	sem := p.pool.hostSlot(t.Source.Location)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return skip
	}
	defer func() { <-sem }()

	start := time.Now()
	res := p.pollSafely(ctx, t, st, batch)
	res.Source = t.Source.URL
	res.Duration = time.Since(start)
	attrs := []any{"source", redact.URL(t.Source.URL), "outcome", res.Outcome, "new", res.Counts.New,
		"updated", res.Counts.Updated, "ms", res.Duration.Milliseconds()}
	// One line per source when something changed or failed; the cycle's
	// own line counts the rest.
	switch {
	case res.Err != nil && Gone(res.Err) && strings.Contains(st.LastError, goneError):
		p.log.Debug("poll", append(attrs, "err", res.Err)...) // said once, when it went
	case res.Err != nil && Gone(res.Err):
		p.log.Warn("source gone (HTTP 410): polled again weekly; remove it from the config", append(attrs, "err", res.Err)...)
	case res.Err != nil:
		p.log.Warn("poll", append(attrs, "err", res.Err)...)
	case res.Counts.New+res.Counts.Updated+res.Counts.Filtered > 0:
		p.log.Info("poll", attrs...)
	default:
		p.log.Debug("poll", attrs...)
	}
	if p.onPoll != nil {
		p.onPoll(res)
	}
	return res
}

// pollSafely is poll, with a panic turned into the source's failure: bytes
// from outside must never end the daemon, whatever bug they find. The stack
// goes to the log so that the bug can be fixed.
func (p *Poller) pollSafely(ctx context.Context, t Target, st store.SourceState, batch *unchangedBatch) (res Result) {
	defer func() {
		if v := recover(); v != nil {
			p.log.Error("panic while polling a source", "source", redact.URL(t.Source.URL), "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			res = p.failed(ctx, t, st, p.now().UTC(), fmt.Errorf("internal error while reading this feed (panic: %v)", v))
		}
	}()
	return p.poll(ctx, t, st, batch)
}

// sourceIdentity is what a source's entry ids are made from: its
// configured id, else the identity it took over from the source it
// replaced, else its URL.
func sourceIdentity(src config.Source, st store.SourceState) string {
	if src.ID == "" && st.Identity != "" {
		return st.Identity
	}
	return src.Identity()
}

// hintsOf gathers what a response and its feed say about when to poll
// again.
func hintsOf(resp *fetch.Response, parsed *parse.Result) PollHints {
	h := PollHints{CacheControl: resp.CacheControl, Expires: resp.Expires, Date: resp.Date}
	if c := parsed.Feed.Custom; c != nil {
		h.TTL = c[parse.TTL]
		h.SkipHours = strings.Split(c[parse.SkipHours], ",")
		h.SkipDays = strings.Split(c[parse.SkipDays], ",")
	}
	return h
}

// offlineRetry is how soon sources are polled again after a cycle in which
// no host could be reached.
const offlineRetry = 5 * time.Minute

// recordUnreachable records the polls of a cycle whose host could not be
// reached. When they are every network poll of the cycle, across at least
// two hosts, the machine is offline: nothing is counted against the
// sources, which are polled again in offlineRetry. Otherwise each is its
// source's failure.
func (p *Poller) recordUnreachable(ctx context.Context, batch *unchangedBatch, results []Result, targets []Target) {
	if len(batch.unreachable) == 0 || ctx.Err() != nil {
		return
	}
	hosts, network := map[string]bool{}, 0
	for _, u := range batch.unreachable {
		hosts[hostOf(u.t.Source.Location)] = true
	}
	for i, r := range results {
		if r.Outcome != Skipped && hostOf(targets[i].Source.Location) != "" {
			network++
		}
	}
	offline := network == len(batch.unreachable) && len(hosts) >= 2
	if offline {
		p.log.Warn("offline: no source's host could be reached; nothing is counted against the sources",
			"sources", len(batch.unreachable), "hosts", len(hosts), "retry_in", offlineRetry.String())
	}
	for _, u := range batch.unreachable {
		if !offline {
			p.failed(ctx, u.t, u.st, u.at, u.err)
			continue
		}
		reason := "offline: no host could be reached (" + u.err.Error() + ")"
		if err := p.store.RecordOffline(context.WithoutCancel(ctx), u.t.Source.URL, u.at, reason, u.at.Add(offlineRetry)); err != nil {
			p.log.Error("record offline poll", "source", redact.URL(u.t.Source.URL), "err", err)
		}
	}
}

// hostOf is the host of an http(s) location, "" for a local file.
func hostOf(location string) string {
	u, err := url.Parse(location)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return u.Hostname()
}

// failed records err as the source's failure at time at, backing it off.
func (p *Poller) failed(ctx context.Context, t Target, st store.SourceState, at time.Time, err error) Result {
	if ctx.Err() != nil { // stopping: not the source's fault
		return Result{Outcome: Skipped, Err: err}
	}
	next := nextAfterFailure(err, st.Failures+1, at, rand.Float64())
	if rerr := p.store.RecordFailure(context.WithoutCancel(ctx), t.Source.URL, at, err.Error(), next); rerr != nil {
		err = errors.Join(err, rerr)
	}
	return Result{Outcome: Failed, Err: err}
}

// poll runs fetch → parse → normalise → store for one source whose stored
// state is st.
func (p *Poller) poll(ctx context.Context, t Target, st store.SourceState, batch *unchangedBatch) (res Result) {
	at := p.now().UTC()
	fail := func(err error) Result { return p.failed(ctx, t, st, at, err) }

	resp, err := p.fetcher.Fetch(ctx, fetch.Request{URL: t.Source.Location, ETag: st.ETag, LastModified: st.LastModified, AllowPrivate: t.Source.AllowPrivate})
	if err != nil && batch != nil && fetch.Unreachable(err) && ctx.Err() == nil {
		// Recorded when the cycle ends: if no host at all could be
		// reached, the machine is offline and it is no source's fault.
		batch.addUnreachable(unreachable{t: t, st: st, at: at, err: err})
		return Result{Outcome: Failed, Err: err}
	}
	if err != nil {
		return fail(err)
	}
	defer resp.Release() // on the paths that return before the parse
	bodyLen := len(resp.Body)
	defer func() { res.Bytes = int64(bodyLen) }()
	if resp.MovedTo != st.MovedTo {
		if err := p.store.RecordMove(context.WithoutCancel(ctx), t.Source.URL, resp.MovedTo); err != nil {
			p.log.Warn("record move", "source", redact.URL(t.Source.URL), "err", err)
		} else if resp.MovedTo != "" {
			p.log.Info("source moved for good (301/308): its entries keep their ids if the config follows it",
				"source", redact.URL(t.Source.URL), "to", redact.URL(resp.MovedTo))
		}
	}
	if resp.NotModified {
		notice := ""
		if st.ETag == "" && st.LastModified == "" {
			// Nothing will ever be stored while the server keeps doing this.
			notice = "the server answered 304 Not Modified to a request that carried no validator: nothing could be stored"
		}
		return p.unchanged(ctx, t, at, resp, NotModified, notice, batch)
	}
	sum := sha256.Sum256(resp.Body)
	bodyHash := hex.EncodeToString(sum[:])
	if bodyHash == st.BodyHash {
		return p.unchanged(ctx, t, at, resp, Unchanged, "", batch)
	}

	p.reading <- struct{}{}
	reading := true
	doneReading := func() {
		if reading {
			<-p.reading
			reading = false
		}
	}
	defer doneReading()
	parsed, err := p.parse(resp.Body, resp.ContentType, t.Source.Encoding)
	resp.Release() // nothing parsed refers to the body's bytes
	if err != nil {
		return fail(err)
	}
	var notices []string
	if len(parsed.Feed.Items) == 0 {
		// Read as a feed, but nothing in it: often a namespace or format
		// we do not understand, rather than a feed with nothing yet.
		notices = append(notices, fmt.Sprintf("the feed (read as %s) has no entries", parsed.Feed.FeedType))
	}
	if taken, all := NewestItems(parsed.Feed.Items, t.MaxItems), len(parsed.Feed.Items); len(taken) < all {
		notices = append(notices, fmt.Sprintf("the feed lists %d items: only the newest %d are taken (fetch.max_items)", all, len(taken)))
		parsed.Feed.Items = taken
	}
	entries, identity := p.normalizer.Entries(parsed.Feed, normalize.Options{
		FeedURL:     resp.URL,
		Now:         at,
		KeepFuture:  t.FutureDates == config.FutureKeep || t.FutureDates == config.FutureHold,
		Location:    t.Source.Zone,
		URLIdentity: st.URLIdentity,
	})
	if identity.ByContent > 0 {
		notices = append(notices, fmt.Sprintf("%d items have no GUID or link that tells them apart: identified by their title, date and text", identity.ByContent))
	}
	for _, n := range notices {
		p.log.Warn("notice", "source", redact.URL(t.Source.URL), "notice", n)
	}
	urlIdentity := identity.ByURL
	if urlIdentity && !st.URLIdentity {
		p.log.Warn("GUIDs missing or repeated: identifying entries by URL from now on", "source", redact.URL(t.Source.URL))
	}
	if t.Categories != nil {
		t.Categories.categorizeEntries(t.Source.URL, sourceName(t.Source, st, parsed.Feed.Title), entries)
	}
	// Entries stored before as they are now are left alone: the store
	// keeps them as they were, so sketching them, preparing their related
	// terms or looking for their duplicates again would be wasted.
	// (A changed one is sketched and indexed again; whether it is a
	// duplicate was decided when it was first stored.)
	stored, err := p.store.StoredHashes(ctx, st.ID, entryKeys(entries))
	if err != nil {
		return fail(err)
	}
	work := make([]bool, len(entries)) // new or changed, and not filtered
	for i, e := range entries {
		hash, seen := stored[e.Key]
		work[i] = !e.Filtered && (!seen || hash != e.Hash)
	}
	// Each text is normalised (NFKC) once, for its sketch and its terms.
	texts := make([]string, len(entries))
	for i := range entries {
		if work[i] {
			texts[i] = norm.NFKC.String(entries[i].ContentText)
		}
	}
	sketches := sketch(entries, texts, work)
	prepared := make([]related.Prepared, len(entries))
	for i := range entries {
		e := &entries[i]
		if work[i] && p.related != nil {
			prepared[i] = p.related.Prepare(related.Doc{Title: norm.NFKC.String(e.Title), Text: texts[i], NFKC: true,
				At: e.PublishedOr(at), Categories: slugs(e.Categories)})
		}
	}
	// What the save needs of the response and the parsed feed is taken
	// now, and they are let go: they are the largest things a poll holds,
	// and it may wait for the save lock behind other sources.
	poll := store.Poll{
		SourceURL:    t.Source.URL,
		Identity:     sourceIdentity(t.Source, st),
		At:           at,
		Title:        normalize.PlainText(parsed.Feed.Title),
		SiteURL:      normalize.CanonicalURL(parsed.Feed.Link, nil),
		ETag:         resp.ETag,
		LastModified: resp.LastModified,
		BodyHash:     bodyHash,
		NextPoll:     EarliestNextPoll(at, hintsOf(resp, parsed)),
		URLIdentity:  urlIdentity,
		Notices:      notices,
	}
	resp, parsed, texts = nil, nil, nil
	doneReading()

	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	p.markDuplicates(ctx, st.ID, t.Source.URL, entries, work, sketches, stored, at)
	poll.Entries = entries
	counts, saved, err := p.store.SavePoll(context.WithoutCancel(ctx), poll)
	if err != nil {
		return fail(err)
	}
	for _, s := range saved {
		e := &entries[s.Index]
		if p.dupFilter != nil {
			for _, k := range e.DedupKeys {
				p.dupFilter.AddKey(k, at)
			}
			p.dupFilter.AddURL(e.URL, at)
		}
		if p.related != nil {
			p.related.AddPrepared(prepared[s.Index].WithID(s.RowID, e.DuplicateOf))
		}
	}
	if counts.New > 0 && t.MaxEntries > 0 {
		ids, err := p.store.Cap(context.WithoutCancel(ctx), at, st.ID, t.MaxEntries)
		if err != nil {
			return fail(err)
		}
		p.forget(ids)
	}
	return Result{Outcome: Updated, Counts: counts, URLIdentity: urlIdentity, Notices: notices}
}

// sourceName is the name a source is shown under: its configured name, else
// the feed's title, else its URL.
func sourceName(src config.Source, st store.SourceState, feedTitle string) string {
	if src.Name != "" {
		return src.Name
	}
	if t := normalize.PlainText(feedTitle); t != "" {
		return t
	}
	return st.DisplayName()
}

func slugs(cats []entry.Category) []string {
	out := make([]string, len(cats))
	for i, c := range cats {
		out[i] = c.Slug
	}
	return out
}

func entryKeys(entries []entry.Entry) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Key
	}
	return out
}

func (p *Poller) unchanged(ctx context.Context, t Target, at time.Time, resp *fetch.Response, o Outcome, notice string, batch *unchangedBatch) Result {
	next := EarliestNextPoll(at, PollHints{CacheControl: resp.CacheControl, Expires: resp.Expires, Date: resp.Date})
	u := store.Unchanged{URL: t.Source.URL, At: at, ETag: resp.ETag, LastModified: resp.LastModified, Next: next, Notice: notice}
	if batch != nil {
		batch.add(u)
	} else if err := p.store.RecordUnchanged(context.WithoutCancel(ctx), u); err != nil {
		return Result{Outcome: Failed, Err: err}
	}
	res := Result{Outcome: o}
	if notice != "" {
		res.Notices = []string{notice}
		p.log.Warn("notice", "source", redact.URL(t.Source.URL), "notice", notice)
	}
	return res
}

// unchangedBatch gathers the unchanged polls of a cycle, so that they are
// written in one transaction when it ends. Nothing is lost if it never is:
// the source keeps its validators and is polled again.
type unchangedBatch struct {
	mu    sync.Mutex
	polls []store.Unchanged
	// unreachable are the polls whose host could not be reached, recorded
	// when the cycle ends (see Poller.recordUnreachable).
	unreachable []unreachable
}

type unreachable struct {
	t   Target
	st  store.SourceState
	at  time.Time
	err error
}

func (b *unchangedBatch) addUnreachable(u unreachable) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.unreachable = append(b.unreachable, u)
}

func (b *unchangedBatch) add(u store.Unchanged) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.polls = append(b.polls, u)
}

// Prune applies the retention policy: entries older than retention go,
// except the newest keep of each source, and leave tombstones.
func (p *Poller) Prune(ctx context.Context, retention time.Duration, keep int) (int, error) {
	now := p.now().UTC()
	ids, err := p.store.Prune(ctx, now, now.Add(-retention), keep)
	if err != nil {
		p.log.Error("retention", "err", err)
		return 0, err
	}
	p.forget(ids)
	p.log.Info("retention", "pruned", len(ids))
	return len(ids), nil
}

// TombstoneAge is how long a pruned or filtered entry's key is remembered:
// twice the retention, and at least 180 days (feeds rarely list an item
// that long); with retention 0 (no age limit), 180 days.
func TombstoneAge(retention time.Duration) time.Duration {
	return max(2*retention, 180*24*time.Hour)
}

// PruneTombstones forgets the keys of entries pruned or filtered longer
// than TombstoneAge(retention) ago.
func (p *Poller) PruneTombstones(ctx context.Context, retention time.Duration) (int64, error) {
	n, err := p.store.PruneTombstones(ctx, p.now().UTC().Add(-TombstoneAge(retention)))
	if err != nil {
		p.log.Error("retention", "err", err)
		return 0, err
	}
	if n > 0 {
		p.log.Info("retention", "tombstones_forgotten", n)
	}
	return n, nil
}

// forget removes deleted entries from the indexes.
// crowded reports whether many entries of the dedup window chose a
// duplicate key (see dedup.CrowdedKey); without a filter, none is.
func (p *Poller) crowded(key uint32) bool {
	return p.dupFilter != nil && p.dupFilter.Crowded(key)
}

func (p *Poller) forget(ids []int64) {
	for _, id := range ids {
		if p.related != nil {
			p.related.Remove(id)
		}
	}
}

// Backoff returns how long to wait before polling a source again after its
// failures-th failure in a row: 5 minutes doubling per failure, capped at
// 24 hours, spread by ±20% (jitter in [0,1)) so that sources failing together
// do not retry together.
func Backoff(failures int, jitter float64) time.Duration {
	const base, ceiling = 5 * time.Minute, 24 * time.Hour
	d := base
	for i := 1; i < failures && d < ceiling; i++ {
		d *= 2
	}
	d = min(d, ceiling)
	return time.Duration(float64(d) * (0.8 + 0.4*jitter))
}
