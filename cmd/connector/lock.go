package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// lockFileName is the lock of a data folder: a demo's --data folder, or the folder of serve's
// SQLite database. One demo or serve at a time uses a folder; a second one refuses to start
// instead of changing what the first one is serving.
const lockFileName = "connector.lock"

// lockHolder is what the lock file says about the process holding it.
type lockHolder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Addr    string    `json:"address,omitempty"`
	Since   time.Time `json:"since"`
}

// folderLock is a held lock on a data folder: the file connector.lock, locked by the operating
// system (flock) for as long as the process keeps it open, so a holder that crashed leaves a file
// that no longer locks anything.
type folderLock struct {
	f      *os.File
	path   string
	holder lockHolder
}

// errFolderInUse is the refusal: the folder is another running process's.
type errFolderInUse struct {
	dir    string
	holder lockHolder // zero when the holder has not written itself yet
}

func (e errFolderInUse) Error() string {
	h := e.holder
	if h.PID == 0 {
		return fmt.Sprintf("%s is in use by another connector process that is starting (lock file %s)",
			e.dir, filepath.Join(e.dir, lockFileName))
	}
	where := "address not known yet: it is starting"
	if h.Addr != "" {
		where = h.Addr
	}
	return fmt.Sprintf("%s is in use by `connector %s` (pid %d, %s, since %s)", e.dir, h.Command, h.PID, where,
		h.Since.Local().Format("2006-01-02 15:04:05"))
}

// lockFolder takes the lock of dir for command, or returns errFolderInUse naming the process that
// holds it.
func lockFolder(dir, command string) (*folderLock, error) {
	path := filepath.Join(dir, lockFileName)
	for {
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		held, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		if !held {
			h, _ := readHolder(f) // an unreadable or empty file: a holder that is still starting
			f.Close()
			return nil, errFolderInUse{dir: dir, holder: h}
		}
		// The holder before us may have removed the file between our open and our lock: then we
		// locked a file nobody else will look at, and must start over on the path's new file.
		if same, err := samePath(f, path); err != nil || !same {
			f.Close()
			if err != nil {
				return nil, fmt.Errorf("lock %s: %w", path, err)
			}
			continue
		}
		l := &folderLock{f: f, path: path, holder: lockHolder{PID: os.Getpid(), Command: command, Since: time.Now().UTC()}}
		if err := l.write(); err != nil {
			l.release()
			return nil, err
		}
		return l, nil
	}
}

// setAddr records the address the holder serves on, for the refusal a second process prints.
func (l *folderLock) setAddr(addr string) error {
	l.holder.Addr = addr
	return l.write()
}

func (l *folderLock) write() error {
	raw, err := json.Marshal(l.holder)
	if err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	if _, err := l.f.WriteAt(append(raw, '\n'), 0); err != nil {
		return fmt.Errorf("lock %s: %w", l.path, err)
	}
	return nil
}

// release removes the lock file and lets the lock go. The file goes first, while still locked,
// so that a process waiting on it finds the path gone and starts over.
func (l *folderLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = os.Remove(l.path) // a file left behind locks nothing once closed
	_ = l.f.Close()       // closing drops the OS lock
	l.f = nil
}

// folderHolder returns the process holding dir's lock, and false when none does (no lock file,
// or one left by a process that ended).
func folderHolder(dir string) (lockHolder, bool, error) {
	f, err := os.Open(filepath.Join(dir, lockFileName))
	if errors.Is(err, os.ErrNotExist) {
		return lockHolder{}, false, nil
	}
	if err != nil {
		return lockHolder{}, false, err
	}
	defer f.Close()
	free, err := tryLock(f)
	if err != nil || free {
		return lockHolder{}, false, err // closing f below drops the lock just taken
	}
	h, err := readHolder(f)
	return h, true, err
}

func readHolder(f *os.File) (lockHolder, error) {
	raw, err := io.ReadAll(io.NewSectionReader(f, 0, 4096))
	if err != nil {
		return lockHolder{}, err
	}
	var h lockHolder
	if strings.TrimSpace(string(raw)) == "" {
		return h, nil
	}
	return h, json.Unmarshal(raw, &h)
}
