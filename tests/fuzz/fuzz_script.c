/* fuzz_script.c - the revision file parser (st_script_parse) on arbitrary bytes.
 * Properties: it never crashes; a parsed file has a valid id, an up section, sections whose
 * text is exactly `len` bytes, lines inside the file, and lists of valid, distinct ids; a
 * refused file gets a script error that names the file and a line. */
#include "fuzz.h"

#include "arena.h"
#include "script.h"

static int count_lines(const uint8_t *data, size_t size)
{
	int n = 1;

	for (size_t i = 0; i < size; i++)
		if (data[i] == '\n')
			n++;
	return n;
}

static void check_ids(const char **ids, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(ids[i] && st_valid_rev_id(ids[i]), "%s[%zu] '%s'", what, i,
			   ids[i] ? ids[i] : "(null)");
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(ids[i], ids[j]) != 0, "%s lists '%s' twice", what, ids[i]);
	}
}

static void check_section(const st_section *sec, const char *name, int lines)
{
	if (!sec->present)
		return;
	FUZZ_CHECK(sec->sql != NULL, "%s section without text", name);
	FUZZ_CHECK(strlen(sec->sql) == sec->len, "%s section: strlen %zu != len %zu", name,
		   strlen(sec->sql), sec->len);
	FUZZ_CHECK(sec->line >= 1 && sec->line <= lines + 1, "%s section line %d of %d", name,
		   sec->line, lines);
	FUZZ_CHECK(sec->present >= 1 && sec->present <= lines, "%s marker line %d of %d", name,
		   sec->present, lines);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	st_arena a = { 0 };
	st_err err = { 0 };
	st_rev r;
	int lines = count_lines(data, size);
	int rc = st_script_parse(&err, &a, &r, "versions/fuzz.sql", (const char *)data, size);

	if (rc == 0) {
		char name[128];
		FUZZ_CHECK(err.code == 0, "success with an error set: %s", err.message);
		FUZZ_CHECK(r.id && st_valid_rev_id(r.id), "invalid id accepted");
		FUZZ_CHECK(r.up.present, "no up section accepted");
		FUZZ_CHECK(r.message != NULL, "message is NULL");
		FUZZ_CHECK(r.text_len == size && memcmp(r.text, data, size) == 0,
			   "the kept text differs from the file");
		check_section(&r.up, "up", lines);
		check_section(&r.down, "down", lines);
		if (r.up.present && r.down.present)
			FUZZ_CHECK(r.up.present != r.down.present, "both markers on one line");
		check_ids(r.down_ids, r.n_down_ids, "down_revision");
		check_ids(r.depends_ids, r.n_depends_ids, "depends_on");
		for (size_t i = 0; i < r.n_down_ids; i++)
			FUZZ_CHECK(strcmp(r.down_ids[i], r.id) != 0, "own parent");
		for (size_t i = 0; i < r.n_labels; i++)
			FUZZ_CHECK(r.labels[i] && !strchr(r.labels[i], '@') && strcmp(r.labels[i], "head"),
				   "bad label '%s' accepted", r.labels[i]);
		/* The default file name always matches the id... */
		snprintf(name, sizeof(name), "%s_fuzz.sql", r.id);
		FUZZ_CHECK(st_file_name_matches_id(name, r.id), "%s does not match %s", name, r.id);
		/* Neither does any `_`-separated part of "0<id>0" equal the id. */
		snprintf(name, sizeof(name), "0%s0.sql", r.id);
		FUZZ_CHECK(!st_file_name_matches_id(name, r.id), "%s matches %s", name, r.id);
	} else {
		FUZZ_CHECK(rc == err.code, "returned %d, error code %d", rc, err.code);
		FUZZ_CHECK(rc == STRATA_ESCRIPT || rc == STRATA_ENOMEM, "unexpected code %d", rc);
		FUZZ_CHECK(err.message && *err.message, "error without a message");
		if (rc == STRATA_ESCRIPT) {
			FUZZ_CHECK(err.file && strcmp(err.file, "versions/fuzz.sql") == 0,
				   "error does not name the file");
			FUZZ_CHECK(err.line >= 1 && err.line <= lines, "error line %d of %d: %s",
				   err.line, lines, err.message);
		}
	}
	st_err_clear(&err);
	st_arena_free(&a);
	return 0;
}
