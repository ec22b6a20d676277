// Command loadtest measures the daemon on realistic feeds: it starts
// ../shared/tools/feedfarm with N feeds, writes a config for them, runs
// `tributary run` on a new database, and prints the cold ingest's wall and
// CPU time, the unchanged re-poll's time, the peak RSS, the entries stored
// and shown, and the duplicate merges checked against the farm's truth.
//
//	go run ./scripts/loadtest -n 1000
//
// When ../shared is absent it says so and exits.
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	n := flag.Int("n", 1000, "feeds")
	m := flag.Int("m", 50, "items per feed")
	shared := flag.String("shared", filepath.Join("..", "shared"), "the shared directory")
	repoll := flag.Bool("repoll", true, "wait for the next cron minute and time the unchanged re-poll")
	keep := flag.Bool("keep", false, "keep the work directory")
	relatedMax := flag.Int("related-max", 5, "related.max of the config (0 leaves the related index out)")
	tick := flag.String("tick", "", "the farm's -tick: every tick a share (-grow) of the feeds gains an item, so the re-poll parses changed feeds")
	grow := flag.String("grow", "0.1", "the farm's -grow")
	workers := flag.Int("workers", 8, "fetch.workers (and per_host) of the config")
	readers := flag.Bool("readers", true, "read the page and the feeds during the cold ingest, as subscribers would (false: time the ingest alone)")
	hold := flag.Duration("hold", 0, "pause this long after the cold ingest, before the re-poll (to take a heap profile)")
	flag.Parse()
	var farmArgs []string
	if *tick != "" {
		farmArgs = []string{"-tick", *tick, "-grow", *grow}
	}
	if err := run(*n, *m, *shared, *repoll, *keep, *readers, *workers, *relatedMax, *hold, farmArgs); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(n, m int, shared string, repoll, keep, readers bool, workers, relatedMax int, hold time.Duration, farmArgs []string) error {
	farmSrc := filepath.Join(shared, "tools", "feedfarm")
	if _, err := os.Stat(farmSrc); err != nil {
		fmt.Printf("loadtest: %s is absent (../shared is not on this machine): nothing to measure\n", farmSrc)
		return nil
	}
	work, err := os.MkdirTemp("", "tributary-load-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("work directory:", work)
	} else {
		defer os.RemoveAll(work)
	}
	farmBin, tribBin := filepath.Join(work, "feedfarm"), filepath.Join(work, "tributary")
	if err := build(farmSrc, ".", farmBin); err != nil {
		return err
	}
	if err := build(".", "./cmd/tributary", tribBin); err != nil {
		return err
	}

	addr, err := freeAddr()
	if err != nil {
		return err
	}
	farm := exec.Command(farmBin, append([]string{"-addr", addr, "-n", strconv.Itoa(n), "-m", strconv.Itoa(m), "-epoch", "2026-11-28T00:00:00Z"}, farmArgs...)...)
	if err := farm.Start(); err != nil {
		return err
	}
	defer func() { farm.Process.Signal(syscall.SIGTERM); farm.Wait() }()
	base := "http://" + addr
	opml, err := waitGet(base + "/opml")
	if err != nil {
		return fmt.Errorf("feedfarm: %w", err)
	}
	urls := regexp.MustCompile(`xmlUrl="([^"]+)"`).FindAllStringSubmatch(opml, -1)

	cfg := filepath.Join(work, "config.yaml")
	var b strings.Builder
	fmt.Fprintf(&b, "database: tributary.db\nschedule: \"* * * * *\"\nrelated:\n  max: %d\nfetch:\n  workers: %d\n  per_host: %d\n  allow_private_networks: true\nsources:\n", relatedMax, workers, workers)
	for _, u := range urls {
		fmt.Fprintf(&b, "  - url: %q\n", u[1])
	}
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		return err
	}

	// The daemon, cold.
	daemon := exec.Command(tribBin, "run", "-config", cfg, "-listen", "127.0.0.1:0")
	stderr, err := daemon.StderrPipe()
	if err != nil {
		return err
	}
	start := time.Now()
	if err := daemon.Start(); err != nil {
		return err
	}
	defer daemon.Process.Kill()
	// What the peak is made of: VmHWM has the total only.
	stopSampling := make(chan struct{})
	largest := make(chan rssSample, 1)
	go func() { largest <- sampleRSS(daemon.Process.Pid, stopSampling) }()
	cycles := make(chan string, 4)
	serving := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			switch {
			case strings.Contains(sc.Text(), "msg=\"poll cycle\""):
				cycles <- sc.Text()
			case strings.Contains(sc.Text(), "msg=serving"):
				serving <- attr(sc.Text(), "addr")
			}
		}
		close(cycles)
	}()
	// Readers during the cold ingest: two clients asking in turn for the
	// page and the feeds, as subscribers would.
	stopReaders := make(chan struct{})
	readersDone := make(chan []time.Duration)
	daemonAddr := make(chan string, 1)
	go func() {
		addr := <-serving
		daemonAddr <- addr
		if !readers {
			<-stopReaders
			readersDone <- nil
			return
		}
		readersDone <- readDuring("http://"+addr, stopReaders)
	}()
	first, ok := <-cycles
	close(stopReaders)
	latencies := <-readersDone
	if !ok {
		return errors.New("the daemon stopped before its first cycle")
	}
	coldWall := time.Since(start)
	coldCPU, err := cpuSeconds(daemon.Process.Pid)
	if err != nil {
		return err
	}
	// The farm and the readers share the machine with the daemon: what
	// they took is what the daemon could not have.
	farmCPU, err := cpuSeconds(farm.Process.Pid)
	if err != nil {
		return err
	}
	rssCold, _ := peakRSS(daemon.Process.Pid)
	// How much the ingest allocated, and how many collections that made:
	// steadier than CPU seconds on a shared machine, and what the
	// collector's share of them follows.
	garbage := "not read"
	if metrics, err := get("http://" + <-daemonAddr + "/metrics"); err == nil {
		garbage = fmt.Sprintf("%.2f GB allocated, %.0f collections",
			metricValue(metrics, "go_memstats_alloc_bytes_total")/1e9, metricValue(metrics, "go_gc_duration_seconds_count"))
	}
	if hold > 0 { // time to look inside the daemon (a heap profile)
		fmt.Printf("cold ingest done; holding %s (daemon pid %d)\n", hold, daemon.Process.Pid)
		time.Sleep(hold)
	}
	repollMS := "not measured"
	if repoll {
		select {
		case line := <-cycles:
			repollMS = attr(line, "ms") + " ms (" + attr(line, "unchanged") + " unchanged, " + attr(line, "updated") + " updated)"
		case <-time.After(75 * time.Second):
			repollMS = "no second cycle within 75 s"
		}
	}
	rss, _ := peakRSS(daemon.Process.Pid)
	close(stopSampling)
	top := <-largest
	daemon.Process.Signal(syscall.SIGTERM)
	daemon.Wait()

	statsBody, err := get(base + "/stats")
	if err != nil {
		return err
	}
	var stats struct {
		Truth map[string]int `json:"truth"`
	}
	if err := json.Unmarshal([]byte(statsBody), &stats); err != nil {
		return err
	}
	q, err := mergeQuality(filepath.Join(work, "tributary.db"))
	if err != nil {
		return err
	}
	expectedMerges := stats.Truth["syndicated_copies"] - stats.Truth["syndicated_stories"]
	fmt.Printf("feeds %d × %d items (farm truth: %d expected items, %d syndicated copies of %d stories)\n",
		n, m, stats.Truth["expected_items"], stats.Truth["syndicated_copies"], stats.Truth["syndicated_stories"])
	fmt.Printf("cold ingest: %.1f s wall, %.1f CPU-s (first cycle: %s ms), peak RSS %d MB after it\n",
		coldWall.Seconds(), coldCPU, attr(first, "ms"), rssCold/1024)
	fmt.Printf("beside it: the farm %.1f CPU-s, this program (readers) %.1f CPU-s\n", farmCPU, selfCPU())
	fmt.Printf("the daemon's heap up to then: %s\n", garbage)
	fmt.Printf("readers during the cold ingest: %s\n", summarize(latencies))
	fmt.Printf("unchanged re-poll: %s\n", repollMS)
	fmt.Printf("peak RSS (VmHWM): %d MB; its largest sample (every 50 ms): %d MB anonymous (Go and SQLite), %d MB file-backed (the binary's pages)\n",
		rss/1024, top.anon/1024, top.file/1024)
	fmt.Printf("entries stored %d, shown %d, merged %d (the farm expects %d merges)\n", q.stored, q.stored-q.merged, q.merged, expectedMerges)
	fmt.Printf("false merges %d (title differs from the original's), copies left unmerged %d\n", q.false, max(0, expectedMerges-(q.merged-q.false)))
	if len(farmArgs) > 0 {
		fmt.Println("(with -tick the farm's truth counts only its base items: feeds that grew before they were first read drop copies, so unmerged copies are overstated)")
	}
	return nil
}

// metricValue returns the value of the sample named name (without labels)
// in a Prometheus text exposition, 0 if there is none.
func metricValue(exposition, name string) float64 {
	for line := range strings.Lines(exposition) {
		if rest, ok := strings.CutPrefix(line, name+" "); ok {
			v, _ := strconv.ParseFloat(strings.TrimSpace(rest), 64)
			return v
		}
	}
	return 0
}

// readDuring asks base for the page and the feeds with two clients, one
// request after another, until stop is closed, and returns how long each
// answer took.
func readDuring(base string, stop <-chan struct{}) []time.Duration {
	paths := []string{"/feed.atom", "/", "/feed.json", "/feed.rss"}
	results := make(chan []time.Duration, 2)
	for c := range 2 {
		go func() {
			var out []time.Duration
			for i := c; ; i++ {
				select {
				case <-stop:
					results <- out
					return
				default:
				}
				t0 := time.Now()
				resp, err := http.Get(base + paths[i%len(paths)])
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					out = append(out, time.Since(t0))
				}
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	return append(<-results, <-results...)
}

// summarize gives the count, median, 99th percentile and maximum of ds.
func summarize(ds []time.Duration) string {
	if len(ds) == 0 {
		return "no answers"
	}
	slices.Sort(ds)
	at := func(q float64) time.Duration { return ds[min(len(ds)-1, int(q*float64(len(ds))))] }
	return fmt.Sprintf("%d answers, p50 %s, p99 %s, max %s", len(ds), at(0.5).Round(time.Millisecond/10), at(0.99).Round(time.Millisecond/10), ds[len(ds)-1].Round(time.Millisecond))
}

type quality struct{ stored, merged, false int }

// mergeQuality reads the database: a farm copy has its story's title, so a
// merge of two entries with different titles is a false one.
func mergeQuality(path string) (quality, error) {
	var q quality
	db, err := sql.Open("sqlite", path+"?_pragma=query_only(1)")
	if err != nil {
		return q, err
	}
	defer db.Close()
	err = db.QueryRow(`SELECT count(*), count(duplicate_of) FROM entries`).Scan(&q.stored, &q.merged)
	if err != nil {
		return q, err
	}
	err = db.QueryRow(`SELECT count(*) FROM entries d JOIN entries o ON o.id = d.duplicate_of WHERE d.title <> o.title`).Scan(&q.false)
	return q, err
}

func build(dir, pkg, out string) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s in %s: %v\n%s", pkg, dir, err, b)
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

func get(u string) (string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return string(b), err
}

func waitGet(u string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		body, err := get(u)
		if err == nil {
			return body, nil
		}
		select {
		case <-ctx.Done():
			return "", err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// selfCPU returns this process's user and system CPU time.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// cpuSeconds reads a process's user and system CPU time from /proc.
func cpuSeconds(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	utime, _ := strconv.ParseFloat(fields[11], 64)
	stime, _ := strconv.ParseFloat(fields[12], 64)
	return (utime + stime) / 100, nil // USER_HZ is 100 on Linux
}

// rssSample is a process's resident memory at one moment, in KB.
type rssSample struct{ rss, anon, file int }

// sampleRSS reads pid's resident memory every 50 ms until stop is closed
// or the process is gone, and returns the largest sample.
func sampleRSS(pid int, stop <-chan struct{}) rssSample {
	var top rssSample
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		kb, err := memoryStatus(pid)
		if err != nil {
			return top
		}
		now := rssSample{rss: kb["VmRSS"], anon: kb["RssAnon"], file: kb["RssFile"]}
		if now.rss > top.rss {
			top = now
		}
		select {
		case <-stop:
			return top
		case <-tick.C:
		}
	}
}

// peakRSS reads VmHWM, in KB.
func peakRSS(pid int) (int, error) {
	kb, err := memoryStatus(pid)
	if err != nil {
		return 0, err
	}
	v, ok := kb["VmHWM"]
	if !ok {
		return 0, errors.New("no VmHWM")
	}
	return v, nil
}

// memoryStatus reads the lines of pid's /proc status that are in kB.
func memoryStatus(pid int) (map[string]int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil, err
	}
	kb := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		key, v, _ := strings.Cut(line, ":")
		if v, ok := strings.CutSuffix(strings.TrimSpace(v), " kB"); ok {
			if n, err := strconv.Atoi(v); err == nil {
				kb[key] = n
			}
		}
	}
	return kb, nil
}

// attr returns the value of key in a slog text line.
func attr(line, key string) string {
	m := regexp.MustCompile(`\b` + key + `=(\S+)`).FindStringSubmatch(line)
	if m == nil {
		return "?"
	}
	return m[1]
}
