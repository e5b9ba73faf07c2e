/* pg_split.c - statement boundaries and transaction needs from libpg_query; see pg_split.h.
 * The parser's split is exact (it also knows BEGIN ATOMIC bodies, which hold ';').  When this
 * libpg_query cannot parse the text (a syntax error, or syntax newer than its grammar), the
 * scanner's split is used instead, so every statement still reaches the server, which then
 * reports its own error at the right place. */
#include "pg_split.h"

#include "pg_dl.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

typedef struct splits {
	size_t *starts, *lens;
	size_t n, cap;
} splits;

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* The offset of the first token at or after p: blanks, -- comments and block comments (which
 * nest in PostgreSQL) skipped.  Only used on text the scanner put before a statement's first
 * token, so no quoting can start here. */
static size_t skip_blank(const char *s, size_t p, size_t end, int semicolons)
{
	for (;;) {
		while (p < end && (is_blank(s[p]) || (semicolons && s[p] == ';')))
			p++;
		if (p + 1 < end && s[p] == '-' && s[p + 1] == '-') {
			while (p < end && s[p] != '\n')
				p++;
		} else if (p + 1 < end && s[p] == '/' && s[p + 1] == '*') {
			int depth = 1;
			for (p += 2; p < end && depth;) {
				if (p + 1 < end && s[p] == '/' && s[p + 1] == '*') {
					depth++;
					p += 2;
				} else if (p + 1 < end && s[p] == '*' && s[p + 1] == '/') {
					depth--;
					p += 2;
				} else {
					p++;
				}
			}
		} else {
			return p;
		}
	}
}

/* Add [start, end) trimmed; comments-only text adds nothing. */
static int push(splits *sp, const char *s, size_t start, size_t end, int semicolons)
{
	start = skip_blank(s, start, end, semicolons);
	while (end > start && (is_blank(s[end - 1]) || (semicolons && s[end - 1] == ';')))
		end--;
	if (start >= end)
		return 0;
	if (sp->n == sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 16;
		size_t *a = realloc(sp->starts, cap * sizeof(size_t));
		size_t *b;
		if (!a)
			return STRATA_ENOMEM;
		sp->starts = a;
		b = realloc(sp->lens, cap * sizeof(size_t));
		if (!b)
			return STRATA_ENOMEM;
		sp->lens = b;
		sp->cap = cap;
	}
	sp->starts[sp->n] = start;
	sp->lens[sp->n] = end - start;
	sp->n++;
	return 0;
}

/* libpg_query reports positions as 1-based characters (UTF-8); make that a byte offset. */
static size_t char_to_byte(const char *s, size_t len, int cursorpos)
{
	size_t i = 0;
	int chars = cursorpos - 1;

	while (chars-- > 0 && i < len) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

/* Whether text holds anything but blanks, comments and semicolons. */
static int has_tokens(char *buf, size_t start, size_t end)
{
	PgQueryParseResult r;
	char saved = buf[end];
	int found;

	if (skip_blank(buf, start, end, 1) >= end)
		return 0;
	buf[end] = '\0';
	r = pg_query_parse(buf + start);
	buf[end] = saved;
	/* Text the scanner left out holds no keyword, so it never parses as a statement: an error
	 * here means there is such text, which must not be skipped silently. */
	found = r.error || !r.parse_tree || !strstr(r.parse_tree, "\"stmts\":[]");
	pg_query_free_parse_result(r);
	return found;
}

int st_pg_split_at(const char *sql, size_t len, size_t **starts, size_t **lens, size_t *n,
		   char **errmsg, size_t *err_offset)
{
	splits sp = { NULL, NULL, 0, 0 };
	PgQuerySplitResult r;
	char *buf;
	size_t prev_end = 0;
	st_err e = { 0 };

	if (st_pgq_load(&e)) {
		*starts = *lens = NULL;
		*n = 0;
		*errmsg = e.message ? strdup(e.message) : NULL;
		if (err_offset)
			*err_offset = (size_t)-1;
		st_err_clear(&e);
		return STRATA_ECONFIG;
	}
	buf = malloc(len + 1);
	int i, rc = 0, scanner = 0;

	*starts = *lens = NULL;
	*n = 0;
	*errmsg = NULL;
	*err_offset = (size_t)-1;
	if (!buf)
		return STRATA_ENOMEM;
	memcpy(buf, sql, len);
	buf[len] = '\0';
	r = pg_query_split_with_parser(buf);
	if (r.error) {
		pg_query_free_split_result(r);
		r = pg_query_split_with_scanner(buf);
		scanner = 1;
	}
	if (r.error) {
		*errmsg = strdup(r.error->message ? r.error->message : "cannot split the text");
		if (r.error->cursorpos > 0)
			*err_offset = char_to_byte(buf, len, r.error->cursorpos);
		rc = *errmsg ? STRATA_ESCRIPT : STRATA_ENOMEM;
		goto out;
	}
	for (i = 0; i < r.n_stmts && !rc; i++) {
		size_t loc = (size_t)r.stmts[i]->stmt_location;
		size_t end = loc + (size_t)r.stmts[i]->stmt_len;
		if (loc > len || end > len || end < loc)
			continue;
		/* The scanner drops statements that hold no keyword: put such text back. */
		if (scanner && has_tokens(buf, prev_end, loc))
			rc = push(&sp, buf, prev_end, loc, 1);
		if (!rc)
			rc = push(&sp, buf, loc, end, 0);
		prev_end = end;
	}
	if (!rc && scanner && has_tokens(buf, prev_end, len))
		rc = push(&sp, buf, prev_end, len, 1);
out:
	pg_query_free_split_result(r);
	free(buf);
	if (rc) {
		free(sp.starts);
		free(sp.lens);
		return rc;
	}
	*starts = sp.starts;
	*lens = sp.lens;
	*n = sp.n;
	return 0;
}

int st_pg_split(const char *sql, size_t len, size_t **starts, size_t **lens, size_t *n,
		char **errmsg)
{
	size_t off;

	return st_pg_split_at(sql, len, starts, lens, n, errmsg, &off);
}

/* ---- statements that refuse a transaction block ---------------------------------------------- */

/* The JSON of pg_query_parse escapes every '"' inside strings, so a needle made of '"'-quoted
 * keys (like "concurrent":true) can only match the tree's own keys, never a literal in the SQL. */
static const char *find(const char *s, const char *e, const char *needle)
{
	size_t n = strlen(needle);

	for (; s + n <= e; s++)
		if (*s == *needle && memcmp(s, needle, n) == 0)
			return s;
	return NULL;
}

/* PostgreSQL's parse_bool: true, yes, on, 1 and their unique prefixes. */
static int word_is_true(const char *s, size_t n)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(yes); i++)
		if (n && n <= strlen(yes[i]) && strncmp(s, yes[i], n) == 0 &&
		    !(n == 1 && yes[i][0] == 'o')) /* "o" is ambiguous: on or off */
			return 1;
	return 0;
}

/* Whether the text at p (before e) starts with needle. */
static int at(const char *p, const char *e, const char *needle)
{
	size_t n = strlen(needle);

	return (size_t)(e - p) >= n && memcmp(p, needle, n) == 0;
}

/* Whether a DefElem "defname":"concurrently" in [s, e) asks for it: bare, or with a true arg
 * (the JSON leaves out zero and false values: {"Integer":{}}, {"Boolean":{}}). */
static int concurrently_option(const char *s, const char *e)
{
	static const char name[] = "\"defname\":\"concurrently\"", arg[] = ",\"arg\":";
	static const char sval[] = "{\"String\":{\"sval\":\"";
	const char *p = find(s, e, name), *q;

	if (!p)
		return 0;
	p += sizeof(name) - 1;
	if (!at(p, e, arg))
		return 1;
	p += sizeof(arg) - 1;
	if (at(p, e, "{\"Integer\":"))
		return !at(p, e, "{\"Integer\":{}}") && !at(p, e, "{\"Integer\":{\"ival\":0}}");
	if (at(p, e, "{\"Boolean\":"))
		return at(p, e, "{\"Boolean\":{\"boolval\":true}}");
	if (at(p, e, sval)) {
		p += sizeof(sval) - 1;
		for (q = p; q < e && *q != '"'; q++)
			;
		return word_is_true(p, (size_t)(q - p));
	}
	return 1;
}

/* One statement of the tree: its node is at s (after {"stmt":{"), its JSON ends before e. */
static int stmt_needs_no_transaction(const char *s, const char *e)
{
	static const char *const always[] = { "CreatedbStmt", "DropdbStmt", "AlterSystemStmt",
					      "CreateTableSpaceStmt", "DropTableSpaceStmt" };
	size_t n = strcspn(s, "\""), i;

#define NODE(name) (n == strlen(name) && strncmp(s, name, n) == 0)
	for (i = 0; i < ST_ARRAY_LEN(always); i++)
		if (NODE(always[i]))
			return 1;
	if (NODE("IndexStmt") || NODE("DropStmt"))
		return find(s, e, "\"concurrent\":true") != NULL;
	if (NODE("ReindexStmt"))
		return find(s, e, "\"kind\":\"REINDEX_OBJECT_DATABASE\"") ||
		       find(s, e, "\"kind\":\"REINDEX_OBJECT_SYSTEM\"") ||
		       concurrently_option(s, e);
	if (NODE("VacuumStmt")) /* ANALYZE alone is a VacuumStmt too, and may run in a block */
		return find(s, e, "\"is_vacuumcmd\":true") != NULL;
	if (NODE("AlterDatabaseStmt"))
		return find(s, e, "\"defname\":\"tablespace\"") != NULL;
	if (NODE("AlterTableStmt"))
		return find(s, e, "\"subtype\":\"AT_DetachPartition\"") &&
		       find(s, e, "\"concurrent\":true");
	if (NODE("ClusterStmt")) /* CLUSTER without a table clusters the whole database */
		return !find(s, e, "\"relation\":");
#undef NODE
	return 0;
}

/* BEGIN, START TRANSACTION, COMMIT, END, ROLLBACK (not ROLLBACK TO), PREPARE TRANSACTION:
 * statements that would end or nest strata's own transaction around a migration. */
static int stmt_ends_transaction(const char *s, const char *e)
{
	static const char *const kinds[] = { "TRANS_STMT_BEGIN", "TRANS_STMT_START",
					     "TRANS_STMT_COMMIT", "TRANS_STMT_ROLLBACK\"",
					     "TRANS_STMT_PREPARE", "TRANS_STMT_COMMIT_PREPARED",
					     "TRANS_STMT_ROLLBACK_PREPARED" };
	size_t n = strcspn(s, "\""), i;

	if (n != 15 || strncmp(s, "TransactionStmt", 15) != 0)
		return 0;
	for (i = 0; i < ST_ARRAY_LEN(kinds); i++)
		if (find(s, e, kinds[i]))
			return 1;
	return 0;
}

int st_pg_classify(const char *stmt)
{
	static const char mark[] = "{\"stmt\":{\"";
	PgQueryParseResult r;
	const char *p, *end;
	int flags = 0;

	if (st_pgq_load(NULL))
		return 0;
	r = pg_query_parse(stmt);

	if (r.error || !r.parse_tree) {
		pg_query_free_parse_result(r);
		return 0;
	}
	end = r.parse_tree + strlen(r.parse_tree);
	for (p = strstr(r.parse_tree, mark); p;) {
		const char *node = p + sizeof(mark) - 1;
		const char *next = strstr(node, mark);
		if (stmt_needs_no_transaction(node, next ? next : end))
			flags |= ST_PG_NO_TRANSACTION;
		if (stmt_ends_transaction(node, next ? next : end))
			flags |= ST_PG_ENDS_TRANSACTION;
		p = next;
	}
	pg_query_free_parse_result(r);
	return flags;
}

int st_pg_needs_no_transaction(const char *stmt)
{
	return (st_pg_classify(stmt) & ST_PG_NO_TRANSACTION) != 0;
}

int st_pg_ends_transaction(const char *stmt)
{
	return (st_pg_classify(stmt) & ST_PG_ENDS_TRANSACTION) != 0;
}
