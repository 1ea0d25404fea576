package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	gormlogger "gorm.io/gorm/logger"
)

// A query cut short by a cancelled context is not an ERROR line; any other failure still is, and
// query parameters stay out of the log.
func TestGormLogQuietOnCancel(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := quietCancel{gormlogger.NewSlogLogger(slog.New(slog.NewTextHandler(&buf, nil)), gormlogger.Config{
		ParameterizedQueries: true, LogLevel: gormlogger.Warn,
	})}.LogMode(gormlogger.Warn)
	sql := func() (string, int64) { return "SELECT * FROM shops WHERE name = ?", 0 }
	ctx := context.Background()
	l.Trace(ctx, time.Now(), sql, fmt.Errorf("query: %w", context.Canceled))
	if buf.Len() != 0 {
		t.Errorf("a cancelled query was logged: %s", buf.String())
	}
	l.Trace(ctx, time.Now(), sql, errors.New("database is locked"))
	if !strings.Contains(buf.String(), "level=ERROR") || !strings.Contains(buf.String(), "database is locked") {
		t.Errorf("a failed query was not logged: %s", buf.String())
	}
	if _, params := l.(quietCancel).ParamsFilter(ctx, "SELECT ?", "secret@example.com"); params != nil {
		t.Errorf("parameters kept for the log: %v", params)
	}
}
