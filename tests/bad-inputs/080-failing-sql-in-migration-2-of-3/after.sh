check "$name: the version table shows d4" test "$(sqlite3 app.db 'SELECT version_num FROM strata_version')" = d4
check "$name: d4's table exists" test "$(sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 't_d4'")" = 1
check "$name: e5's table was rolled back" test "$(sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 't_e5'")" = 0
check "$name: f6 never ran" test "$(sqlite3 app.db "SELECT count(*) FROM sqlite_master WHERE name = 't_f6'")" = 0
check "$name: strata_history has d4 up and nothing for e5" \
  test "$(sqlite3 app.db "SELECT group_concat(revision || ':' || direction, ' ') FROM strata_history WHERE revision IN ('d4', 'e5', 'f6')")" = "d4:up"
check "$name: stderr says where the database is now" grep -q "The database is at d4" <<< "$err"
