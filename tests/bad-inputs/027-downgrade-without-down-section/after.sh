check "$name: the database is still at d4" test "$(sqlite3 app.db 'SELECT version_num FROM strata_version')" = d4
