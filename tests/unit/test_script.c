/* test_script.c - the revision file parser (st_script_parse, and st_script_parse_header, which
 * every input here also goes through), file-name checks, and SHA-256. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "script.h"
#include "sha256.h"
#include "helpers.h"

#include <string.h>

typedef struct fx {
	st_arena a;
	st_err err;
	st_rev r;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;

	st_arena_free(&f->a);
	st_err_clear(&f->err);
	free(f);
	return 0;
}

/* A fresh fixture within one test. */
static fx *reset(void **state)
{
	teardown(state);
	if (setup(state))
		fail_msg("out of memory");
	return *state;
}

static void same_list(const char **a, size_t na, const char **b, size_t nb)
{
	size_t i;

	assert_int_equal(na, nb);
	for (i = 0; i < na; i++)
		assert_string_equal(a[i], b[i]);
}

static void same_section(const st_section *full, const st_section *h, const char *text)
{
	assert_int_equal(h->present, full->present);
	assert_int_equal(h->line, full->line);
	assert_int_equal(h->transactional, full->transactional);
	assert_null(h->sql);
	if (!full->present)
		return;
	assert_int_equal(h->off, full->off);
	assert_int_equal(h->len, full->len);
	assert_memory_equal(text + h->off, full->sql, full->len);
}

/* The header-only parse (what the loader does) must accept and refuse exactly what the full
 * parse does, with the same message and line, and find the same headers and sections. */
static void check_header_only(fx *f, const char *text, int rc)
{
	st_arena a = { NULL };
	st_err e = { 0 };
	st_rev h;
	int hrc = st_script_parse_header(&e, &a, &h, "versions/x.sql", text, strlen(text));

	assert_int_equal(hrc, rc);
	if (rc) {
		assert_string_equal(e.message, f->err.message);
		assert_int_equal(e.line, f->err.line);
	} else {
		assert_null(h.text);
		assert_int_equal(h.text_len, f->r.text_len);
		assert_string_equal(h.id, f->r.id);
		assert_string_equal(h.message, f->r.message);
		if (f->r.created)
			assert_string_equal(h.created, f->r.created);
		else
			assert_null(h.created);
		same_list(h.down_ids, h.n_down_ids, f->r.down_ids, f->r.n_down_ids);
		same_list(h.depends_ids, h.n_depends_ids, f->r.depends_ids, f->r.n_depends_ids);
		same_list(h.labels, h.n_labels, f->r.labels, f->r.n_labels);
		assert_int_equal(h.id_line, f->r.id_line);
		assert_int_equal(h.down_line, f->r.down_line);
		same_section(&f->r.up, &h.up, text);
		same_section(&f->r.down, &h.down, text);
	}
	st_arena_free(&a);
	st_err_clear(&e);
}

static int parse(fx *f, const char *text)
{
	int rc = st_script_parse(&f->err, &f->a, &f->r, "versions/x.sql", text, strlen(text));

	check_header_only(f, text, rc);
	return rc;
}

/* The parse fails with STRATA_ESCRIPT at this line of versions/x.sql, naming `what`. */
static void expect_error(fx *f, const char *text, int line, const char *what)
{
	int rc = parse(f, text);

	assert_int_equal(rc, STRATA_ESCRIPT);
	assert_int_equal(f->err.code, STRATA_ESCRIPT);
	assert_contains(f->err.message, what);
	assert_non_null(f->err.file);
	assert_string_equal(f->err.file, "versions/x.sql");
	assert_int_equal(f->err.line, line);
}

static void test_full_header(void **state)
{
	fx *f = *state;
	const char *text = "-- revision: 1975ea83b712\n"                      /* 1 */
			   "-- down_revision: ae1027a6acf0, 27c6a30d7c24\n"   /* 2 */
			   "-- branch_labels: billing, core\n"                /* 3 */
			   "-- depends_on: 55aa\n"                            /* 4 */
			   "-- message: create account: the first table\n"    /* 5 */
			   "-- created: 2026-11-28 10:15:02+00:00\n"          /* 6 */
			   "\n"                                               /* 7 */
			   "-- migrate:up\n"                                  /* 8 */
			   "CREATE TABLE account (id int);\n"                 /* 9 */
			   "CREATE INDEX a ON account (id);\n"                /* 10 */
			   "-- migrate:down\n"                                /* 11 */
			   "DROP TABLE account;\n";                           /* 12 */
	st_rev *r = &f->r;

	assert_int_equal(parse(f, text), 0);
	assert_int_equal(f->err.code, 0);
	assert_string_equal(r->path, "versions/x.sql");
	assert_string_equal(r->id, "1975ea83b712");
	assert_int_equal(r->n_down_ids, 2);
	assert_string_equal(r->down_ids[0], "ae1027a6acf0");
	assert_string_equal(r->down_ids[1], "27c6a30d7c24");
	assert_int_equal(r->n_labels, 2);
	assert_string_equal(r->labels[0], "billing");
	assert_string_equal(r->labels[1], "core");
	assert_int_equal(r->n_depends_ids, 1);
	assert_string_equal(r->depends_ids[0], "55aa");
	assert_string_equal(r->message, "create account: the first table");
	assert_non_null(r->created);
	assert_string_equal(r->created, "2026-11-28 10:15:02+00:00");

	assert_true(r->up.present);
	assert_int_equal(r->up.line, 9);
	assert_int_equal(r->up.transactional, 1);
	assert_string_equal(r->up.sql,
			    "CREATE TABLE account (id int);\nCREATE INDEX a ON account (id);\n");
	assert_int_equal(r->up.len, strlen(r->up.sql));
	assert_true(r->down.present);
	assert_int_equal(r->down.line, 12);
	assert_int_equal(r->down.transactional, 1);
	assert_string_equal(r->down.sql, "DROP TABLE account;\n");
	assert_int_equal(r->down.len, strlen(r->down.sql));

	/* The whole text is kept, for checksums. */
	assert_int_equal(r->text_len, strlen(text));
	assert_memory_equal(r->text, text, strlen(text));
}

static void test_down_revision_none_and_absent(void **state)
{
	fx *f = *state;

	assert_int_equal(parse(f, "-- revision: a1\n-- down_revision: none\n-- migrate:up\nSELECT 1;\n"), 0);
	assert_int_equal(f->r.n_down_ids, 0);
	assert_string_equal(f->r.message, ""); /* absent message: "" */
	assert_null(f->r.created);               /* absent created: NULL */
	assert_int_equal(f->r.n_labels, 0);
	assert_int_equal(f->r.n_depends_ids, 0);

	st_arena_free(&f->a);
	assert_int_equal(parse(f, "-- revision: a1\n-- down_revision: None\n-- migrate:up\n"), 0);
	assert_int_equal(f->r.n_down_ids, 0);

	st_arena_free(&f->a);
	assert_int_equal(parse(f, "-- revision: a1\n-- down_revision:\n-- migrate:up\n"), 0);
	assert_int_equal(f->r.n_down_ids, 0);

	st_arena_free(&f->a);
	assert_int_equal(parse(f, "-- revision: a1\n-- migrate:up\nSELECT 1;\n"), 0);
	assert_int_equal(f->r.n_down_ids, 0);
	assert_string_equal(f->r.id, "a1");
}

static void test_sections_lines_and_options(void **state)
{
	fx *f = *state;
	const char *text = "-- revision: b2\n"                            /* 1 */
			   "-- down_revision: a1\n"                       /* 2 */
			   "\n"                                           /* 3 */
			   "-- migrate:up transaction:false\n"            /* 4 */
			   "CREATE INDEX CONCURRENTLY i ON t (c);\n"      /* 5 */
			   "\n"                                           /* 6 */
			   "  --   migrate:down   transaction:true  \n"   /* 7 */
			   "DROP INDEX i;";                               /* 8, no newline */

	assert_int_equal(parse(f, text), 0);
	assert_true(f->r.up.present);
	assert_int_equal(f->r.up.transactional, 0);
	assert_int_equal(f->r.up.line, 5);
	assert_string_equal(f->r.up.sql, "CREATE INDEX CONCURRENTLY i ON t (c);\n\n");
	assert_true(f->r.down.present);
	assert_int_equal(f->r.down.transactional, 1);
	assert_int_equal(f->r.down.line, 8);
	assert_string_equal(f->r.down.sql, "DROP INDEX i;");

	/* transaction:false on the down section only. */
	st_arena_free(&f->a);
	assert_int_equal(parse(f, "-- revision: b2\n-- migrate:up\nSELECT 1;\n"
				  "-- migrate:down transaction:false\nSELECT 2;\n"),
			 0);
	assert_int_equal(f->r.up.transactional, 1);
	assert_int_equal(f->r.down.transactional, 0);
	assert_int_equal(f->r.down.line, 5);
}

static void test_down_before_up(void **state)
{
	fx *f = *state;

	/* The order of the sections is free. */
	assert_int_equal(parse(f, "-- revision: c3\n-- migrate:down\nDROP TABLE t;\n"
				  "-- migrate:up\nCREATE TABLE t (x int);\n"),
			 0);
	assert_string_equal(f->r.down.sql, "DROP TABLE t;\n");
	assert_int_equal(f->r.down.line, 3);
	assert_string_equal(f->r.up.sql, "CREATE TABLE t (x int);\n");
	assert_int_equal(f->r.up.line, 5);
}

static void test_empty_marker_at_end(void **state)
{
	fx *f = *state;

	/* A marker on the last line, without a newline: an empty section. */
	assert_int_equal(parse(f, "-- revision: c3\n-- migrate:up\nSELECT 1;\n-- migrate:down"), 0);
	assert_true(f->r.down.present);
	assert_string_equal(f->r.down.sql, "");
	assert_int_equal(f->r.down.len, 0);
	assert_string_equal(f->r.up.sql, "SELECT 1;\n");
}

static void test_no_down_section(void **state)
{
	fx *f = *state;

	assert_int_equal(parse(f, "-- revision: d4\n-- down_revision: c3\n-- migrate:up\n"
				  "CREATE TABLE t (x int);\n-- a comment in the SQL\n"),
			 0);
	assert_int_equal(f->r.down.present, 0);
	assert_null(f->r.down.sql);
	assert_int_equal(f->r.down.len, 0);
	assert_string_equal(f->r.up.sql, "CREATE TABLE t (x int);\n-- a comment in the SQL\n");
}

static void test_missing_up(void **state)
{
	fx *f = *state;

	/* Noticed at the end of the file: the error points at its last line. */
	expect_error(f, "-- revision: e5\n-- down_revision: d4\n\n-- migrate:down\nDROP TABLE t;\n", 5,
		     "missing `-- migrate:up` section");
	assert_non_null(f->err.hint);
}

static void test_missing_up_header_only(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: e5\n-- message: nothing else\n", 2, "missing `-- migrate:up`");
}

static void test_missing_revision(void **state)
{
	fx *f = *state;

	expect_error(f, "-- down_revision: none\n-- message: m\n-- migrate:up\nSELECT 1;\n", 1,
		     "missing `-- revision: <id>` header");
	assert_non_null(f->err.hint);
}

static void test_empty_file(void **state)
{
	fx *f = *state;

	expect_error(f, "", 1, "missing `-- revision: <id>` header");
}

static void test_unknown_header_field(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- down_revision: e5\n-- author: someone\n-- migrate:up\n", 3,
		     "unknown header field 'author'");
	assert_contains(f->err.hint, "down_revision");
}

static void test_duplicate_header_field(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- message: one\n\n-- message: two\n-- migrate:up\n", 4,
		     "header field 'message' appears twice");
}

static void test_duplicate_revision_field(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- revision: f7\n-- migrate:up\n", 2,
		     "header field 'revision' appears twice");
}

static void test_unknown_section_marker(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- migrate:up\nSELECT 1;\n-- migrate:sideways\nSELECT 2;\n", 4,
		     "unknown section marker '-- migrate:sideways'");
	assert_non_null(f->err.hint);
}

static void test_marker_prefix_is_not_a_marker(void **state)
{
	fx *f = *state;

	/* "upgrade" is not "up" followed by something. */
	expect_error(f, "-- revision: f6\n-- migrate:upgrade\nSELECT 1;\n", 2,
		     "unknown section marker '-- migrate:upgrade'");
}

static void test_unknown_section_option(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n\n-- migrate:up transaction:maybe\nSELECT 1;\n", 3,
		     "unknown section option 'transaction:maybe'");
	assert_contains(f->err.hint, "transaction:false");
}

static void test_second_up_section(void **state)
{
	fx *f = *state;

	expect_error(f,
		     "-- revision: f6\n-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n"
		     "-- migrate:up\nSELECT 3;\n",
		     6, "second `-- migrate:up` section");
}

static void test_second_down_section(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- migrate:up\n-- migrate:down\n-- migrate:down\n", 4,
		     "second `-- migrate:down` section");
}

static void test_sql_before_marker(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: f6\n-- message: m\nCREATE TABLE t (x int);\n-- migrate:up\n", 3,
		     "SQL before the first section marker");
	assert_non_null(f->err.hint);
}

static void test_invalid_revision_id(void **state)
{
	fx *f = *state;
	char text[256];

	expect_error(f, "-- revision: abc/def\n-- migrate:up\n", 1, "invalid revision id 'abc/def'");

	/* 65 characters: one too many. */
	f = reset(state);
	snprintf(text, sizeof(text), "\n-- revision: %065d\n-- migrate:up\n", 7);
	expect_error(f, text, 2, "invalid revision id");

	/* An invalid id in a list names the field. */
	f = reset(state);
	expect_error(f, "-- revision: ok1\n-- down_revision: a1, b$2\n-- migrate:up\n", 2,
		     "invalid revision id 'b$2' in down_revision");
	f = reset(state);
	expect_error(f, "-- revision: ok1\n-- depends_on: x.y\n-- migrate:up\n", 2,
		     "invalid revision id 'x.y' in depends_on");
}

static void test_valid_rev_id(void **state)
{
	char id[80];

	(void)state;
	assert_true(st_valid_rev_id("1975ea83b712"));
	assert_true(st_valid_rev_id("add_user-Table_2"));
	assert_true(st_valid_rev_id("a"));
	assert_false(st_valid_rev_id(""));
	assert_false(st_valid_rev_id("a b"));
	assert_false(st_valid_rev_id("a.b"));
	assert_false(st_valid_rev_id("a@b"));
	assert_false(st_valid_rev_id("caf\xc3\xa9"));
	memset(id, 'x', 64);
	id[64] = '\0';
	assert_true(st_valid_rev_id(id));
	id[64] = 'x';
	id[65] = '\0';
	assert_false(st_valid_rev_id(id));
}

static void test_own_parent(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: g7\n-- message: m\n-- down_revision: f6, g7\n-- migrate:up\n", 3,
		     "a revision cannot be its own down_revision");
	f = reset(state);
	expect_error(f, "-- revision: g7\n-- depends_on: g7\n-- migrate:up\n", 2,
		     "a revision cannot depend on itself");
}

static void test_listed_twice(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: g7\n-- down_revision: f6, f6\n-- migrate:up\n", 2,
		     "'f6' is listed twice in down_revision");
}

static void test_invalid_branch_label(void **state)
{
	fx *f = *state;
	static const char *const bad[] = { "head", "heads", "base", "current", "a@b", "a:b",
					   "a+b", "-x" };
	size_t i;
	char text[128];

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = reset(state);
		snprintf(text, sizeof(text), "-- revision: g7\n-- branch_labels: ok, %s\n-- migrate:up\n",
			 bad[i]);
		expect_error(f, text, 2, "invalid branch label");
		assert_contains(f->err.message, bad[i]);
	}
}

static void test_crlf(void **state)
{
	fx *f = *state;
	const char *text = "-- revision: h8\r\n"
			   "-- down_revision: g7, g8\r\n"
			   "-- message: windows file\r\n"
			   "-- created: 2026-01-01\r\n"
			   "\r\n"
			   "-- migrate:up transaction:false\r\n"
			   "SELECT 1;\r\n"
			   "-- migrate:down\r\n"
			   "SELECT 2;\r\n";

	assert_int_equal(parse(f, text), 0);
	assert_string_equal(f->r.id, "h8");
	assert_int_equal(f->r.n_down_ids, 2);
	assert_string_equal(f->r.down_ids[0], "g7");
	assert_string_equal(f->r.down_ids[1], "g8");
	assert_string_equal(f->r.message, "windows file");
	assert_string_equal(f->r.created, "2026-01-01");
	assert_int_equal(f->r.up.transactional, 0);
	assert_int_equal(f->r.up.line, 7);
	assert_int_equal(f->r.down.line, 9);
	assert_contains(f->r.up.sql, "SELECT 1;");
	assert_not_contains(f->r.up.sql, "SELECT 2;");
	assert_contains(f->r.down.sql, "SELECT 2;");
}

static void test_crlf_error_line(void **state)
{
	fx *f = *state;

	expect_error(f, "-- revision: h8\r\n\r\n-- bogus_field: 1\r\n-- migrate:up\r\n", 3,
		     "unknown header field 'bogus_field'");
}

static void test_comments_and_blank_lines(void **state)
{
	fx *f = *state;
	const char *text = "-- A comment about this migration\n"
			   "\n"
			   "   \t\n"
			   "--\n"
			   "-- revision: i9\n"
			   "    -- Indented comment, see https://example.com\n"
			   "-- down_revision: h8\n"
			   "-- Multi-word Comment: with a colon after capitals\n"
			   "\n"
			   "-- migrate:up\n"
			   "SELECT 1;\n";

	assert_int_equal(parse(f, text), 0);
	assert_string_equal(f->r.id, "i9");
	assert_int_equal(f->r.n_down_ids, 1);
	assert_string_equal(f->r.down_ids[0], "h8");
	assert_int_equal(f->r.up.line, 11);
}

static void test_header_lines_inside_sections_are_sql(void **state)
{
	fx *f = *state;

	/* After the first marker, "-- key: value" lines are SQL comments, not header fields. */
	assert_int_equal(parse(f, "-- revision: j1\n-- message: real\n-- migrate:up\n"
				  "-- message: not a header\n-- revision: zzz\nSELECT 1;\n"),
			 0);
	assert_string_equal(f->r.id, "j1");
	assert_string_equal(f->r.message, "real");
	assert_string_equal(f->r.up.sql, "-- message: not a header\n-- revision: zzz\nSELECT 1;\n");
}

static void test_nul_byte(void **state)
{
	fx *f = *state;
	static const char text[] = "-- revision: k1\n-- migrate:up\nSELECT\0 1;\n";

	assert_int_equal(st_script_parse(&f->err, &f->a, &f->r, "versions/x.sql", text,
					 sizeof(text) - 1),
			 STRATA_ESCRIPT);
	assert_contains(f->err.message, "NUL byte");
	assert_int_equal(f->err.line, 1);
}

static void test_file_name_matches_id(void **state)
{
	(void)state;
	assert_true(st_file_name_matches_id("1975ea83b712_create_account.sql", "1975ea83b712"));
	assert_true(st_file_name_matches_id("1975ea83b712.sql", "1975ea83b712"));
	assert_true(st_file_name_matches_id("0001_1975ea83b712_create.sql", "1975ea83b712"));
	assert_true(st_file_name_matches_id("create_account_1975ea83b712.sql", "1975ea83b712"));
	assert_true(st_file_name_matches_id("add_user.sql", "add_user"));
	assert_true(st_file_name_matches_id("add_user_table.sql", "add_user"));
	assert_false(st_file_name_matches_id("1975ea83b712x_create.sql", "1975ea83b712"));
	assert_false(st_file_name_matches_id("x1975ea83b712.sql", "1975ea83b712"));
	assert_false(st_file_name_matches_id("1975ea83b71_create.sql", "1975ea83b712"));
	assert_false(st_file_name_matches_id("1975ea83b712-create.sql", "1975ea83b712"));
	assert_false(st_file_name_matches_id("abc_def.sql", "abc_d"));
	assert_false(st_file_name_matches_id("other.sql", "1975ea83b712"));
	assert_false(st_file_name_matches_id("ab.sql.sql", "ab"));
}

/* FIPS 180-4's examples, and lengths around the block and padding boundaries (expected values
 * from Python's hashlib). */
static void test_sha256(void **state)
{
	static const struct {
		size_t n;
		const char *hex;
	} pat[] = {
		{ 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
		{ 1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5" },
		{ 55, "1deace58c745f3ecadde68a5923f494c3703fa73f0306483ccb898a5826e8d70" },
		{ 56, "06dbe23685750e4d3881ded95047abaf93fa8f9c5d3501dc57c717a72ff1398e" },
		{ 57, "011f4bced20a249afb834d24b3e4eca31ad5ea2bdd1d8a1a564c2d2410398e69" },
		{ 63, "47fb38b12335c9298d09280515c0666489a189d1554bb0ac1a0740806ce9d8b6" },
		{ 64, "dfa798724b1a8014994f363e5da7474ed26ce3757fb29e07aa47ad5a9352d37b" },
		{ 65, "dd2eab5a5507d7717c63ce953d9ac61752c21e664425ad1227054722a0d97f69" },
		{ 119, "c6e0f435df5d7d265baacca31e0602c00aa22fa6d3819aed664649294c743756" },
		{ 120, "17eb8960823a644bde3065620bb9d45931fe8993fd8eb692a17aff0fd725db6a" },
		{ 127, "2409a159329f4e770a7d8128130497abb1de01ffb6ad389d97d89ebbeeb7f02c" },
		{ 128, "3a9c1e22e20578eebe442238f431befd688bd56698eb7c77d95d3f97d8f58207" },
		{ 1000, "a9425c416f534025a4e2422bd14adba4ec3d4a68d10c3329be8df612964d2b6e" },
	};
	unsigned char buf[1000];
	char out[65];
	size_t i;

	(void)state;
	assert_int_equal(st_sha256_hex("abc", 3, out), 0);
	assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	st_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, out);
	assert_string_equal(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)((i * 7 + 3) % 251);
	for (i = 0; i < sizeof(pat) / sizeof(pat[0]); i++) {
		st_sha256_hex(buf, pat[i].n, out);
		assert_string_equal(out, pat[i].hex);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_header, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_revision_none_and_absent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sections_lines_and_options, setup, teardown),
		cmocka_unit_test_setup_teardown(test_down_before_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_marker_at_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_down_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_up_header_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_revision, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_header_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_header_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_revision_field, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_marker_prefix_is_not_a_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_section_option, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_up_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_down_section, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sql_before_marker, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_revision_id, setup, teardown),
		cmocka_unit_test(test_valid_rev_id),
		cmocka_unit_test_setup_teardown(test_own_parent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_listed_twice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_branch_label, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crlf_error_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_comments_and_blank_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_header_lines_inside_sections_are_sql, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
		cmocka_unit_test(test_file_name_matches_id),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests_name("script", tests, NULL, NULL);
}
