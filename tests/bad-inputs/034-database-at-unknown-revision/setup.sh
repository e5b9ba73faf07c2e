sqlite3 app.db "UPDATE strata_version SET version_num = 'gone42'"
