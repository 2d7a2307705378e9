package db

import (
	"database/sql"
	"os"
)

func Open() (*sql.DB, error) {
	// ruleid: go-hardcoded-password
	a, _ := sql.Open("mysql", "app:Winter2024!@tcp(db:3306)/app")
	// ok: go-hardcoded-password
	b, err := sql.Open("mysql", os.Getenv("DATABASE_DSN"))
	_ = a
	return b, err
}
