/* fuzz_config.c - strata.ini through st_config_load (inih with strata's own line reader, the
 * [strata] keys, durations, identifiers and ${VAR} expansion), then st_config_defaults.
 * The input is written to a file, as strata reads it.  Properties: no crash or leak; a
 * refused file gets a configuration error with a message, and a line inside the file when it
 * names one; an accepted one has valid table identifiers and sane timeouts. */
#include "fuzz.h"

#include "config.h"

#include <fcntl.h>
#include <unistd.h>

static char path[256], dir[128];

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	(void)argc;
	(void)argv;
	snprintf(dir, sizeof(dir), "%s/strata-fuzz-config.XXXXXX", base);
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/strata.ini", dir);
	atexit(cleanup);
	setenv("FUZZ_URL", "postgresql://u:secret@db/app", 1);
	setenv("FUZZ_EMPTY", "", 1);
	setenv("FUZZ_SELF", "${FUZZ_SELF}", 1); /* expansion must not recurse */
	setenv("FUZZ_T", "30s", 1);
	return 0;
}

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	st_config cfg;
	st_err err = { 0 };
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd))
		abort();
	rc = st_config_load(&err, &cfg, path);
	if (rc == 0) {
		FUZZ_CHECK(err.code == 0, "success with an error set");
		rc = st_config_defaults(&err, &cfg);
		FUZZ_CHECK(rc == 0, "defaults failed: %s", err.message);
		FUZZ_CHECK(cfg.script_location && cfg.version_table && cfg.schema_file &&
			   cfg.file_template && cfg.dir, "a default is missing");
		FUZZ_CHECK(st_valid_identifier(cfg.version_table), "version_table '%s'",
			   cfg.version_table);
		FUZZ_CHECK(!cfg.version_table_schema || st_valid_identifier(cfg.version_table_schema),
			   "version_table_schema '%s'", cfg.version_table_schema);
		FUZZ_CHECK(cfg.lock_timeout_ms >= -1 && cfg.statement_timeout_ms >= -1 &&
			   cfg.pg_lock_timeout_ms >= -1, "negative timeout");
		FUZZ_CHECK(!cfg.url || cfg.url_line >= 1, "url without its line");
	} else {
		FUZZ_CHECK(rc == err.code, "returned %d, error code %d", rc, err.code);
		FUZZ_CHECK(rc == STRATA_ECONFIG || rc == STRATA_ENOMEM, "unexpected code %d: %s", rc,
			   err.message);
		FUZZ_CHECK(err.message && *err.message, "error without a message");
		FUZZ_CHECK(err.line >= 0 && err.line <= count_lines(data, size), "line %d: %s",
			   err.line, err.message);
	}
	st_config_free(&cfg);
	st_err_clear(&err);
	return 0;
}
