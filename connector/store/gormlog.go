package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"
)

// quietCancel is the gorm logger minus the queries cut short by a cancelled context: the caller
// was stopped (Ctrl-C, a service shutting down) and says so itself; an ERROR line per query it
// had in flight would only bury that.
type quietCancel struct {
	gormlogger.Interface
}

var _ gorm.ParamsFilter = quietCancel{}

func (l quietCancel) LogMode(level gormlogger.LogLevel) gormlogger.Interface {
	return quietCancel{l.Interface.LogMode(level)}
}

func (l quietCancel) Trace(ctx context.Context, begin time.Time, fc func() (string, int64), err error) {
	if err != nil && errors.Is(err, context.Canceled) {
		return
	}
	l.Interface.Trace(ctx, begin, fc, err)
}

// ParamsFilter keeps the wrapped logger's parameter filtering (ParameterizedQueries: values stay
// out of the logs).
func (l quietCancel) ParamsFilter(ctx context.Context, sql string, params ...any) (string, []any) {
	if f, ok := l.Interface.(gorm.ParamsFilter); ok {
		return f.ParamsFilter(ctx, sql, params...)
	}
	return sql, params
}
