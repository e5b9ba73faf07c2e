/* fuzz_sqlite_split.c - the SQLite driver's statement handling, through its driver table
 * (st_driver_sqlite; its split() is static): check_script (split at each ';' that
 * sqlite3_complete accepts, then the first keywords: BEGIN/COMMIT/ROLLBACK/END/VACUUM are
 * refused in a transactional section), and exec_script (statement after statement through
 * sqlite3_prepare_v2's tail, comments skipped, errors mapped to file:line:col) on an in-memory
 * database that cannot attach files, with a 5 ms statement timeout.
 * Properties: no crash or leak; refusals are script errors at a line of the section;
 * execution errors name the file and a line of the section.
 *
 * The text is NUL-terminated, as the runner's sections are (script.h): st_refuse_statement
 * (driver.c) reads the statement's first line with strcspn, up to the NUL, not up to `len`;
 * corpus/fuzz_sqlite_split/crash-refuse-statement-reads-past-len overflowed without it. */
#include "fuzz.h"

#include "driver.h"

#include <sqlite3.h>

#define FIRST_LINE 10

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	sqlite3_hard_heap_limit64(256 << 20);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *sql = fuzz_cstr(data, size);
	st_srcpos pos = { "versions/fuzz.sql", FIRST_LINE };
	int last, rc;
	st_err err = { 0 };
	sqlite3 *db = NULL;
	st_conn *c = NULL;
	st_connect_opts o;
	st_url url;

	size = strlen(sql); /* a section never holds a NUL byte: the parser refuses them */
	last = FIRST_LINE + count_lines(data, size) - 1;
	for (int txn = 0; txn < 2; txn++) {
		rc = st_driver_sqlite.check_script(&err, sql, size, &pos, txn);
		if (rc) {
			FUZZ_CHECK(txn == 1, "a transaction:false section was refused");
			FUZZ_CHECK(rc == STRATA_ESCRIPT || rc == STRATA_ENOMEM, "code %d", rc);
			FUZZ_CHECK(err.message && err.file, "refusal without message or file");
			FUZZ_CHECK(err.line >= FIRST_LINE && err.line <= last, "line %d not in %d..%d",
				   err.line, FIRST_LINE, last);
		}
		st_err_clear(&err);
	}

	if (size > 2048) {
		free(sql);
		return 0;
	}
	if (sqlite3_open(":memory:", &db) != SQLITE_OK)
		abort();
	sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0); /* also stops VACUUM INTO 'file' */
	sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1 << 20);
	sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	memset(&o, 0, sizeof(o));
	memset(&url, 0, sizeof(url));
	url.kind = ST_URL_SQLITE;
	url.path = (char *)":memory:";
	o.sqlite_handle = db;
	o.lock_timeout_ms = 10;
	o.statement_timeout_ms = 5;
	if (st_driver_sqlite.connect(&err, &c, &url, &o))
		abort();
	rc = st_driver_sqlite.exec_script(&err, c, sql, size, &pos);
	if (rc) {
		FUZZ_CHECK(err.message && err.file && strcmp(err.file, pos.file) == 0,
			   "execution error without message or file");
		FUZZ_CHECK(err.line >= FIRST_LINE && err.line <= last, "line %d not in %d..%d: %s",
			   err.line, FIRST_LINE, last, err.message);
		FUZZ_CHECK(err.column >= 0, "column %d", err.column);
	}
	st_driver_sqlite.close(c);
	sqlite3_close_v2(db);
	st_err_clear(&err);
	free(sql);
	return 0;
}
