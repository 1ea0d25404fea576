package tmpdeps

import (
	_ "github.com/caarlos0/env/v11"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/getkin/kin-openapi/openapi3filter"
	_ "github.com/gin-gonic/gin"
	_ "github.com/glebarez/sqlite"
	_ "github.com/go-playground/validator/v10"
	_ "github.com/go-sql-driver/mysql"
	_ "github.com/google/uuid"
	_ "github.com/pressly/goose/v3"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/prometheus/client_golang/prometheus/promhttp"
	_ "github.com/shopspring/decimal"
	_ "github.com/spf13/cobra"
	_ "gorm.io/driver/mysql"
	_ "gorm.io/gorm"
	_ "pgregory.net/rapid"
)
