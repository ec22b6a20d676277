package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
	"github.com/tributary/tributary/publisher"
	"github.com/tributary/tributary/publisher/onewrite"
)

// overrides are command-line settings that win over the config, on start and
// on every reload.
type overrides struct {
	listen, db string
	// logLevel, when set, takes each reloaded config's log.level.
	logLevel *slog.LevelVar
}

func (o overrides) apply(cfg *config.Config) {
	if o.listen != "" {
		cfg.Listen = o.listen
	}
	if o.db != "" {
		cfg.Database = o.db
	}
}

// runDaemon serves the feeds and polls on schedule until SIGINT or SIGTERM.
// SIGHUP reloads the config; a bad one is logged and the old one kept.
func runDaemon(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "", "config file (required)")
	var ov overrides
	fs.StringVar(&ov.listen, "listen", "", "address to serve on (overrides the config)")
	fs.StringVar(&ov.db, "db", "", "database file (overrides the config)")
	logLevel := fs.String("log-level", "", "least level logged: debug, info, warn, error (overrides log.level)")
	logFormat := fs.String("log-format", "", "text or json (overrides log.format)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig("run", *path, ov, stderr)
	if cfg == nil {
		return code
	}
	lo := logOptions{level: cfg.Log.Level, format: cfg.Log.Format, journal: underJournal()}
	if *logLevel != "" {
		lo.level = *logLevel
	}
	if *logFormat != "" {
		lo.format = *logFormat
	}
	if !slices.Contains(config.LogLevels, lo.level) || !slices.Contains(config.LogFormats, lo.format) {
		fmt.Fprintf(stderr, "run: -log-level must be one of %v and -log-format one of %v\n", config.LogLevels, config.LogFormats)
		return 2
	}
	log, level := newDaemonLogger(stderr, lo)
	log.Info("tributary starting", "version", buildVersion(), "pid", os.Getpid())
	if *logLevel == "" { // the config's log.level follows reloads
		ov.logLevel = level
	}
	if pct, ok := gcPercent(os.Getenv("GOGC")); ok {
		debug.SetGCPercent(pct)
	}
	if err := serve(*path, cfg, ov, log); err != nil {
		log.Error("tributary stopped", "err", err)
		return 1
	}
	return 0
}

// daemonGCPercent is how far the daemon's heap may grow over what is live
// before a collection: a quarter, not Go's default doubling. What the
// daemon keeps live is mostly the related index's postings, slices without
// pointers that cost the collector little to mark: on the feed farm
// (BENCHMARKS.md) this took the peak RSS of a 50,000-entry cold ingest from
// 157 MB to 108 MB for about one CPU-second in 35.
const daemonGCPercent = 25

// gcPercent returns the collector's target for the daemon, and false when
// the GOGC environment variable (given as gogc) already sets one.
func gcPercent(gogc string) (int, bool) {
	if gogc != "" {
		return 0, false
	}
	return daemonGCPercent, true
}

func serve(path string, cfg *config.Config, ov overrides, log *slog.Logger) error {
	// Signals are caught before anything slow starts, so that an early
	// SIGHUP reloads rather than kills.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	p, err := openPipeline(context.Background(), cfg, log, daemonMode)
	if err != nil {
		return err
	}
	defer func() {
		if err := p.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	pub := publisher.New(p.store, p.poller, publisherSettings(cfg), time.Now, log)
	// While polls commit many times a second, readers get bytes at most five
	// seconds (and a render) old rather than wait for a render each: what is
	// rendered during an ingest is outdated within seconds, and rendering
	// every 2 s cost a cold ingest of 50,000 entries 1 CPU-s more.
	pub.SetFreshness(publisher.Freshness{Wait: 20 * time.Millisecond, Every: 5 * time.Second})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// The related index is rebuilt from the database while the feeds are
	// already served (with the hints stored before until it is done), so a
	// restart on a large archive serves at once.
	loadCtx, stopLoad := context.WithCancel(context.Background())
	var loaders sync.WaitGroup // the background loading, waited for before the database closes
	defer func() { stopLoad(); loaders.Wait() }()
	start := time.Now()
	loading := p.poller.StartLoadingRelated(loadCtx)
	loaders.Go(func() {
		if err := <-loading; err != nil {
			if loadCtx.Err() == nil {
				log.Error("load related entries", "err", err)
			}
			return
		}
		p.store.Invalidate()
		log.Info("related index loaded", "ms", time.Since(start).Milliseconds())
	})

	m := newMetrics(p.store, pub, p.poller, time.Now)
	p.poller.OnPoll(m.observePoll)
	serveErr := make(chan error, 2)
	if cfg.Metrics.Listen == "" {
		pub.Handle("GET /metrics", m.handler())
	} else {
		mln, err := net.Listen("tcp", cfg.Metrics.Listen)
		if err != nil {
			return fmt.Errorf("listen on %s (metrics.listen): %w", cfg.Metrics.Listen, err)
		}
		metricsServer := &http.Server{Handler: m.handler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { serveErr <- fmt.Errorf("metrics: %w", metricsServer.Serve(mln)) }()
		defer metricsServer.Close()
		log.Info("serving metrics", "addr", mln.Addr().String())
	}
	httpServer := &http.Server{
		Handler:           m.instrument(pub),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnContext:       onewrite.ConnContext, // a feed leaves in one write
	}
	go func() { serveErr <- httpServer.Serve(onewrite.Listener{Listener: ln}) }()
	log.Info("serving", "addr", ln.Addr().String(), "config", path, "database", cfg.Database, "sources", len(cfg.Sources))

	// Polling waits for the duplicate index: after an upgrade that makes
	// its sketches again, that is a while, and the feeds are served
	// meanwhile.
	if err := p.poller.PrepareDuplicates(context.Background()); err != nil {
		return fmt.Errorf("prepare the duplicate index: %w", err)
	}
	// The filter is loaded from the keys as PrepareDuplicates left them;
	// until it is, every new entry is looked up.
	loaders.Go(func() {
		if err := p.poller.LoadDupFilter(loadCtx); err != nil && loadCtx.Err() == nil {
			log.Error("load the duplicate filter", "err", err)
		}
	})
	sm := newServiceManager(log)
	sched, err := aggregator.NewScheduler(cfg, p.poller, log)
	if err != nil {
		return err
	}
	sched.OnCycle(func(c aggregator.CycleCounts) { sm.status(cycleStatus(p, len(cfg.Sources), c)) })
	sched.Start()
	// A reload retires the running scheduler: it finishes its polls in the
	// background (retired is closed when it has), then the stored entries
	// are categorised again and changed sources re-read.
	retired := make(chan struct{})
	close(retired)
	var retiring *aggregator.Scheduler
	sm.ready(fmt.Sprintf("serving on %s; polling %d sources", ln.Addr(), len(cfg.Sources)))

	// The watchdog is fed while the scheduler answers and the database
	// writer can be had.
	var schedMu sync.Mutex
	current := func() *aggregator.Scheduler { schedMu.Lock(); defer schedMu.Unlock(); return sched }
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go sm.keepAlive(watchCtx, func(ctx context.Context) error {
		if err := current().Alive(ctx); err != nil {
			return err
		}
		return p.store.WriterAlive(ctx)
	})

	for {
		select {
		case err := <-serveErr:
			sched.Stop()
			return fmt.Errorf("http server: %w", err)
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				log.Info("stopping", "signal", sig.String())
				sm.stopping()
				stopWatch()
				if retiring != nil {
					retiring.Stop()
				}
				<-retired
				sched.Stop() // cancels fetches, waits for writes
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := httpServer.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Warn("http shutdown", "err", err)
				}
				return nil
			}
			sm.reloading()
			<-retired // the reload before this one has settled
			next, nextSched, err := reload(path, cfg, ov, p, pub, log)
			if err == nil {
				added, reparse := aggregator.ReloadChanges(cfg, next)
				old := sched
				schedMu.Lock()
				cfg, sched = next, nextSched
				schedMu.Unlock()
				sources := len(cfg.Sources)
				sched.OnCycle(func(c aggregator.CycleCounts) { sm.status(cycleStatus(p, sources, c)) })
				sched.StartReloaded(added)
				retiring, retired = old, make(chan struct{})
				go settleReload(old, sched, next, reparse, p, log, retired)
				sm.ready(fmt.Sprintf("config reloaded; polling %d sources", len(cfg.Sources)))
				pub.SetReloadRefused("")
			} else {
				// Not the reasons: they may quote the config's values,
				// and /healthz is public.
				pub.SetReloadRefused("refused at " + time.Now().UTC().Format(time.RFC3339) +
					"; the reasons are in the log and in the output of tributary reload")
				sm.ready("reload refused, running the previous config: " + firstLine(err.Error()))
			}
			recordReload(p, err, log)
		}
	}
}

// reload reads the config again. When it is bad, or cannot be applied, the
// running config stays and the error says why.
func reload(path string, old *config.Config, ov overrides, p *pipeline, pub *publisher.Server, log *slog.Logger) (*config.Config, *aggregator.Scheduler, error) {
	refuse := func(err error) (*config.Config, *aggregator.Scheduler, error) {
		log.Error("reload refused, keeping the running config", "err", err)
		return nil, nil, err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return refuse(err)
	}
	ov.apply(cfg)
	if changed := keepStartupSettings(old, cfg); len(changed) > 0 {
		log.Warn("changes to these settings take effect on restart", "settings", strings.Join(changed, ", "))
	}
	sched, err := aggregator.NewScheduler(cfg, p.poller, log)
	if err != nil {
		return refuse(err)
	}
	if err := p.store.SyncSources(context.Background(), sourceConfigs(cfg)); err != nil {
		return refuse(err)
	}
	pub.SetSettings(publisherSettings(cfg))
	if ov.logLevel != nil {
		setLevel(ov.logLevel, cfg.Log.Level)
	}
	log.Info("config reloaded", "sources", len(cfg.Sources))
	return cfg, sched, nil
}

// settleReload finishes a reload once the retired scheduler's polls have
// ended (their fetches are not cancelled): the stored entries are
// categorised by the new rules, and the sources whose parsing settings
// changed forget their validators and are read again. It closes done.
func settleReload(old, next *aggregator.Scheduler, cfg *config.Config, reparse []string, p *pipeline, log *slog.Logger, done chan<- struct{}) {
	defer close(done)
	old.Drain()
	ctx := context.Background()
	if changed, err := aggregator.ApplyCategories(ctx, p.store, aggregator.NewCategories(cfg), time.Now()); err != nil {
		log.Error("categorise stored entries", "err", err)
	} else if changed {
		log.Info("categories changed: stored entries categorised again")
	}
	for _, url := range reparse {
		if err := p.store.ForgetValidators(ctx, url); err != nil {
			log.Error("reload", "err", err)
		}
	}
	next.PollNow(reparse)
}

// Meta keys by which `tributary reload` learns how the daemon took a
// reload: the outcome is written first, then the count of reloads.
const (
	metaReloadCount  = "reload_count"
	metaReloadResult = "reload_result" // "" when applied, else why it was refused
)

// recordReload stores a reload's outcome for `tributary reload`.
func recordReload(p *pipeline, reloadErr error, log *slog.Logger) {
	ctx := context.Background()
	result := ""
	if reloadErr != nil {
		result = reloadErr.Error()
	}
	n, _ := p.store.Meta(ctx, metaReloadCount)
	count, _ := strconv.Atoi(n)
	if err := p.store.SetMeta(ctx, metaReloadResult, result); err == nil {
		err = p.store.SetMeta(ctx, metaReloadCount, strconv.Itoa(count+1))
	} else {
		log.Error("record the reload's outcome", "err", err)
	}
}

// cycleStatus is the STATUS line after a poll cycle.
func cycleStatus(p *pipeline, sources int, c aggregator.CycleCounts) string {
	failing := 0
	if states, err := p.store.Sources(context.Background()); err == nil {
		for _, s := range states {
			if s.LastError != "" {
				failing++
			}
		}
	}
	return fmt.Sprintf("polling %d sources, %d failing; last cycle %s: %d updated, %d unchanged, %d failed, %d skipped",
		sources, failing, time.Now().UTC().Format("15:04:05Z"), c.Updated, c.Unchanged, c.Failed, c.Skipped)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

func publisherSettings(cfg *config.Config) publisher.Settings {
	return publisher.Settings{
		Location:         cfg.Location,
		Title:            cfg.Title,
		BaseURL:          cfg.BaseURL,
		ItemsPerFeed:     cfg.ItemsPerFeed,
		RelatedMax:       cfg.Related.Max,
		RelatedInContent: cfg.Related.ShowInContent(),
		Language:         cfg.Language,
	}
}
