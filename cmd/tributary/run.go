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
	"syscall"
	"time"

	"github.com/tributary/tributary/aggregator"
	"github.com/tributary/tributary/config"
	"github.com/tributary/tributary/publisher"
)

// overrides are command-line settings that win over the config, on start and
// on every reload.
type overrides struct {
	listen, db string
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
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig("run", *path, ov, stderr)
	if cfg == nil {
		return code
	}
	log := newLogger(stderr)
	if err := serve(*path, cfg, ov, log); err != nil {
		log.Error("tributary stopped", "err", err)
		return 1
	}
	return 0
}

func serve(path string, cfg *config.Config, ov overrides, log *slog.Logger) error {
	// Signals are caught before anything slow starts, so that an early
	// SIGHUP reloads rather than kills.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)

	p, err := openPipeline(context.Background(), cfg, log, exclusive)
	if err != nil {
		return err
	}
	defer func() {
		if err := p.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	pub := publisher.New(p.store, p.poller, publisherSettings(cfg), time.Now, log)
	// While polls commit many times a second, readers get bytes at most a
	// second (and a render) old rather than wait for a render each.
	pub.SetFreshness(publisher.Freshness{Wait: 20 * time.Millisecond, Every: time.Second})
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	// The related index is rebuilt from the database while the feeds are
	// already served (with the hints stored before until it is done), so a
	// restart on a large archive serves at once.
	loadCtx, stopLoad := context.WithCancel(context.Background())
	loaded := make(chan struct{})
	start := time.Now()
	loading := p.poller.StartLoadingRelated(loadCtx)
	go func() {
		defer close(loaded)
		if err := <-loading; err != nil {
			if loadCtx.Err() == nil {
				log.Error("load related entries", "err", err)
			}
			return
		}
		p.store.Invalidate()
		log.Info("related index loaded", "ms", time.Since(start).Milliseconds())
	}()
	defer func() { stopLoad(); <-loaded }()

	httpServer := &http.Server{Handler: pub, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpServer.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "config", path, "database", cfg.Database, "sources", len(cfg.Sources))

	sched, err := aggregator.NewScheduler(cfg, p.poller, log)
	if err != nil {
		return err
	}
	sched.Start()

	for {
		select {
		case err := <-serveErr:
			sched.Stop()
			return fmt.Errorf("http server: %w", err)
		case sig := <-sigs:
			if sig != syscall.SIGHUP {
				log.Info("stopping", "signal", sig.String())
				sched.Stop() // cancels fetches, waits for writes
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := httpServer.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Warn("http shutdown", "err", err)
				}
				return nil
			}
			if next, nextSched, ok := reload(path, cfg, ov, p, pub, log); ok {
				sched.Stop()
				cfg, sched = next, nextSched
				sched.Start()
			}
		}
	}
}

// reload reads the config again. When it is bad, or cannot be applied, the
// running config stays and ok is false.
func reload(path string, old *config.Config, ov overrides, p *pipeline, pub *publisher.Server, log *slog.Logger) (*config.Config, *aggregator.Scheduler, bool) {
	cfg, err := config.Load(path)
	if err != nil {
		log.Error("reload refused, keeping the running config", "err", err)
		return nil, nil, false
	}
	ov.apply(cfg)
	if cfg.Listen != old.Listen || cfg.Database != old.Database || cfg.Fetch != old.Fetch {
		log.Warn("changes to listen, database and fetch take effect on restart")
		cfg.Listen, cfg.Database, cfg.Fetch = old.Listen, old.Database, old.Fetch
	}
	sched, err := aggregator.NewScheduler(cfg, p.poller, log)
	if err != nil {
		log.Error("reload refused, keeping the running config", "err", err)
		return nil, nil, false
	}
	if err := p.store.SyncSources(context.Background(), sourceConfigs(cfg)); err != nil {
		log.Error("reload refused, keeping the running config", "err", err)
		return nil, nil, false
	}
	if changed, err := aggregator.ApplyCategories(context.Background(), p.store, aggregator.NewCategories(cfg), time.Now()); err != nil {
		log.Error("categorise stored entries", "err", err)
	} else if changed {
		log.Info("categories changed: stored entries categorised again")
	}
	pub.SetSettings(publisherSettings(cfg))
	log.Info("config reloaded", "sources", len(cfg.Sources))
	return cfg, sched, true
}

func publisherSettings(cfg *config.Config) publisher.Settings {
	return publisher.Settings{
		Title:            cfg.Title,
		BaseURL:          cfg.BaseURL,
		ItemsPerFeed:     cfg.ItemsPerFeed,
		RelatedMax:       cfg.Related.Max,
		RelatedInContent: cfg.Related.ShowInContent(),
		Language:         cfg.Language,
	}
}
