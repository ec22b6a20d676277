package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Lock is an exclusive lock on a database, held by the one process that may
// poll into it. It is an flock(2) on a file beside the database ("…db.lock")
// holding the owner's PID, so it is released when the process dies, however
// it dies, and a stale file never blocks a restart.
type Lock struct {
	file *os.File
}

// ErrLocked is returned (wrapped) by Acquire when another process holds the
// lock.
var ErrLocked = errors.New("database in use")

// LockPath returns the path of the lock file of the database at dbPath.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// Acquire takes the lock of the database at dbPath without waiting. When
// another process holds it, the error names that process's PID.
func Acquire(dbPath string) (*Lock, error) {
	path := LockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock database: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		owner := "another process"
		if pid := readPID(path); pid > 0 {
			owner = fmt.Sprintf("another tributary (pid %d)", pid)
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s is held by %s; one daemon per database", ErrLocked, path, owner)
		}
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &Lock{file: f}, nil
}

// Owner returns the PID of the process holding the lock of the database at
// dbPath, or 0 when none holds it.
func Owner(dbPath string) (int, error) {
	l, err := Acquire(dbPath)
	if err == nil {
		l.Release()
		return 0, nil
	}
	if !errors.Is(err, ErrLocked) {
		return 0, err
	}
	if pid := readPID(LockPath(dbPath)); pid > 0 {
		return pid, nil
	}
	return 0, fmt.Errorf("%s names no process", LockPath(dbPath))
}

func readPID(lockPath string) int {
	b, err := os.ReadFile(lockPath)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0
	}
	return pid
}

// Release gives the lock up.
func (l *Lock) Release() error {
	if l == nil || l.file == nil {
		return nil
	}
	err := l.file.Close() // closing the descriptor releases the flock
	l.file = nil
	return err
}
