package store

import (
	"database/sql"
	"fmt"
)

func FindUser(db *sql.DB, name string) (*sql.Rows, error) {
	// ruleid: go-sql-string-format
	rows, err := db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = '%s'", name))
	// ruleid: go-sql-string-format
	db.Exec("DELETE FROM users WHERE name = '" + name + "'")
	// ok: go-sql-string-format
	rows2, err2 := db.Query("SELECT * FROM users WHERE name = $1", name)
	_, _ = rows2, err2
	return rows, err
}
