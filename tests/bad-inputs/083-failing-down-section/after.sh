check "$name: d4 is still applied" test "$(sqlite3 app.db 'SELECT version_num FROM strata_version')" = d4
