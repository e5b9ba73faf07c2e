check "$name: the version table did not move" test "$(sqlite3 app.db 'SELECT version_num FROM strata_version')" = c3
