/* driver_pg.c - the PostgreSQL engine, over libpq.  A section inside the runner's transaction
 * goes to the server as one simple-query message, as psql -1 would send it; a transaction:false
 * section is split into statements by PostgreSQL's own scanner (pg_split.c) and each runs on
 * its own, so CREATE INDEX CONCURRENTLY runs outside any transaction block.  The migration
 * lock is a session-level advisory lock, taken by polling (see pg_lock for why). */
#include "config.h"
#include "driver.h"
#include "introspect.h"
#include "pg_split.h"
#include "pg_dl.h"
#include "schema.h"

#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct st_conn {
	PGconn *pg;
	PGcancel *cancel;                /* for interrupt(), made once: PQcancel is signal-safe */
	volatile sig_atomic_t cancelled; /* interrupt() was called */
	long timeout_ms;
	void (*log_fn)(void *ctx, int level, const char *msg);
	void *log_ctx;
	/* strata's own statements (exec_batch), prepared once as "strata_own_<gen>_<slot>".  A
	 * migration may DEALLOCATE them: after one that could, gen moves on and they are
	 * prepared again under new names. */
	struct {
		char *sql;
		int ready;
	} own[8];
	unsigned gen;
};

/* NOTICEs ("relation ... already exists, skipping") are noise for a migration tool: drop them.
 * WARNINGs go to the log (as warnings), instead of libpq printing to stderr. */
static void on_notice(void *arg, const PGresult *r)
{
	st_conn *c = arg;
	const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);

	if (c->log_fn && sev && msg && strcmp(sev, "WARNING") == 0) {
		char buf[1024];
		snprintf(buf, sizeof(buf), "PostgreSQL: %s", msg);
		c->log_fn(c->log_ctx, STRATA_LOG_WARN, buf);
	}
}

/* SET a session timeout: 0 leaves the server's setting, -1 turns the limit off. */
static int set_timeout(st_err *err, st_conn *c, const char *name, long ms)
{
	char sql[96];
	PGresult *r;
	int ok;

	if (ms == 0)
		return 0;
	snprintf(sql, sizeof(sql), "SET %s = %ld", name, ms < 0 ? 0L : ms);
	r = PQexec(c->pg, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		st_err_set(err, STRATA_EDB, "cannot set %s: %s", name,
			   PQresultErrorMessage(r) ? PQresultErrorMessage(r) : "unknown error");
	PQclear(r);
	return ok ? 0 : STRATA_EDB;
}

/* ---- connecting ------------------------------------------------------------------------------ */

static int add_secret(st_strvec *v, const char *s, size_t n)
{
	return n ? st_strvec_pushn(v, s, n) : 0;
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* A secret as written in a URL, and percent-decoded (libpq may quote either). */
static int add_url_secret(st_strvec *v, const char *s, size_t n)
{
	char *d = malloc(n + 1);
	size_t i, j = 0;
	int rc;

	if (!d)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
			d[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			d[j++] = s[i];
		}
	}
	rc = add_secret(v, s, n) || add_secret(v, d, j);
	free(d);
	return rc;
}

/* Every form the password takes in conninfo, whether or not libpq can parse it: libpq's own
 * messages about a malformed URL quote pieces of it ("invalid percent-encoded token: ..."). */
static int collect_secrets(st_strvec *v, const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	const char *env = getenv("PGPASSWORD"), *p, *scheme = strstr(conninfo, "://");
	int rc = 0;

	for (o = opts; o && o->keyword; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val)
			rc |= add_secret(v, o->val, strlen(o->val));
	PQconninfoFree(opts);
	if (env)
		rc |= add_secret(v, env, strlen(env));
	if (scheme) {
		const char *auth = scheme + 3, *auth_end = auth + strcspn(auth, "/?#"), *at = NULL;
		for (p = auth; p < auth_end; p++)
			if (*p == '@')
				at = p;
		if (at && (p = memchr(auth, ':', (size_t)(at - auth)))) {
			const char *piece = ++p;
			rc |= add_url_secret(v, p, (size_t)(at - p));
			/* libpq ends the user info at the first '@': with an unencoded '@' in
			 * the password, its tail becomes the host name, which messages quote. */
			for (; p <= at; p++)
				if (*p == '@') {
					rc |= add_url_secret(v, piece, (size_t)(p - piece));
					piece = p + 1;
				}
		}
	}
	/* password=... in a keyword string or a URL's query. */
	for (p = conninfo; (p = strstr(p, "password")); p += 8) {
		const char *q = p + 8, *e;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '\'') {
			for (e = ++q; *e && *e != '\''; e++)
				if (*e == '\\' && e[1])
					e++;
		} else {
			e = q + strcspn(q, scheme ? "&#" : " \t\n");
		}
		rc |= add_url_secret(v, q, (size_t)(e - q));
	}
	return rc;
}

/* msg with every secret replaced by ***; NULL when out of memory.  A secret that the redacted
 * URL shows anyway (a password equal to the user name, one letter) is left alone: hiding it
 * would only garble the message ("authentication failed for user ***"). */
static char *scrub(const char *msg, const st_strvec *secrets, const char *shown)
{
	st_buf b = ST_BUF_INIT;
	const char *p = msg;

	while (*p) {
		size_t i, best = 0;
		for (i = 0; i < secrets->n; i++) {
			size_t n = strlen(secrets->v[i]);
			if (n > best && strncmp(p, secrets->v[i], n) == 0 &&
			    !strstr(shown, secrets->v[i]))
				best = n;
		}
		if (best) {
			st_buf_puts(&b, "***");
			p += best;
		} else {
			st_buf_putc(&b, *p++);
		}
	}
	return st_buf_detach(&b);
}

/* What to do about the common ways connecting fails, by libpq's message. */
static const struct {
	const char *needles[4];
	const char *hint;
} connect_hints[] = {
	{ { "password authentication failed" },
	  "check the user name and the password (in the URL, $PGPASSWORD or ~/.pgpass)" },
	{ { "no password supplied" },
	  "the server asks for a password: put it in the URL, $PGPASSWORD or ~/.pgpass" },
	{ { "FATAL:  database \"" },
	  "create the database first (createdb NAME, or CREATE DATABASE), or fix its name in the "
	  "URL" },
	{ { "FATAL:  role \"" },
	  "fix the user name in the URL, or create the role (CREATE ROLE NAME LOGIN)" },
	{ { "permission denied", "no pg_hba.conf entry", "not permitted to log in" },
	  "the server refuses this user here: it needs the LOGIN attribute, CONNECT on the "
	  "database and a pg_hba.conf entry" },
	{ { "Connection refused", "could not translate host", "No route to host",
	    "Network is unreachable" },
	  "check the host and port in the URL, that the server runs, and that it accepts "
	  "connections from here (listen_addresses, firewall)" },
	{ { "timeout expired", "No such file or directory", "could not connect" },
	  "check the host and port in the URL, that the server runs, and that it accepts "
	  "connections from here (listen_addresses, firewall)" },
};

static int connect_error(st_err *err, const st_url *url, PGconn *pg)
{
	const char *raw = pg ? PQerrorMessage(pg) : "out of memory";
	st_strvec secrets = { 0 };
	char *msg = NULL;
	size_t n, i, j;

	if (collect_secrets(&secrets, url->conninfo) ||
	    !(msg = scrub(raw, &secrets, url->redacted))) {
		st_strvec_free(&secrets);
		return st_err_oom(err);
	}
	st_strvec_free(&secrets);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* libpq adds lines ("\tIs the server running...", other hosts tried): the first is the
	 * message, the rest the detail. */
	n = strcspn(msg, "\n");
	st_err_set(err, STRATA_EDB, "cannot connect to %s: %.*s", url->redacted, (int)n,
		   n ? msg : "unknown error");
	if (msg[n]) {
		const char *d = msg + n + 1;
		while (*d == '\t' || *d == ' ')
			d++;
		if (*d)
			st_err_detail(err, "%s", d);
	}
	for (i = 0; i < ST_ARRAY_LEN(connect_hints) && !err->hint; i++)
		for (j = 0; j < 4 && connect_hints[i].needles[j]; j++)
			if (strstr(msg, connect_hints[i].needles[j])) {
				st_err_hint(err, "%s", connect_hints[i].hint);
				break;
			}
	free(msg);
	return STRATA_EDB;
}

/* Connect to url, or (dbname not NULL) to another database of the same server. */
static int pg_connect_db(st_err *err, st_conn **out, const st_url *url, const st_connect_opts *o,
			 const char *dbname)
{
	/* dbname with expand_dbname is exactly PQconnectdb(conninfo), plus a default
	 * application_name so the lock holder can be named in messages; a second dbname
	 * overrides the first's (libpq keeps the last value of a repeated key). */
	const char *keys[] = { "dbname", "fallback_application_name", "dbname", NULL };
	const char *vals[] = { url->conninfo, "strata", dbname, NULL };
	PQconninfoOption *opts, *opt;
	int user_encoding = 0;
	st_conn *c;

	*out = NULL;
	if (st_pg_load(err))
		return STRATA_ECONFIG;
	if (!dbname)
		keys[2] = NULL;
	if (!(c = calloc(1, sizeof(*c))))
		return st_err_oom(err);
	c->timeout_ms = o->lock_timeout_ms;
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		int rc = connect_error(err, url, c->pg);
		PQfinish(c->pg);
		free(c);
		return rc;
	}
	c->log_fn = o->log_fn;
	c->log_ctx = o->log_ctx;
	PQsetNoticeReceiver(c->pg, on_notice, c);
	/* Scripts are UTF-8 files; keep a client_encoding the user chose (in the URL, or
	 * $PGCLIENTENCODING). */
	if ((opts = PQconninfo(c->pg))) {
		for (opt = opts; opt->keyword; opt++)
			if (strcmp(opt->keyword, "client_encoding") == 0 && opt->val && *opt->val)
				user_encoding = 1;
		PQconninfoFree(opts);
	}
	if (!user_encoding && PQsetClientEncoding(c->pg, "UTF8") != 0) {
		st_err_set(err, STRATA_EDB, "cannot set client_encoding to UTF8 on %s: %s",
			   url->redacted, PQerrorMessage(c->pg));
		PQfinish(c->pg);
		free(c);
		return STRATA_EDB;
	}
	if (set_timeout(err, c, "statement_timeout", o->statement_timeout_ms) ||
	    set_timeout(err, c, "lock_timeout", o->pg_lock_timeout_ms)) {
		PQfinish(c->pg);
		free(c);
		return STRATA_EDB;
	}
	if (!(c->cancel = PQgetCancel(c->pg))) {
		PQfinish(c->pg);
		free(c);
		return st_err_oom(err);
	}
	*out = c;
	return 0;
}

static int pg_connect(st_err *err, st_conn **out, const st_url *url, const st_connect_opts *o)
{
	return pg_connect_db(err, out, url, o, NULL);
}

/* Forget the prepared own statements (all: also their texts). */
static void forget_own(st_conn *c, int all)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(c->own); i++) {
		c->own[i].ready = 0;
		if (all) {
			free(c->own[i].sql);
			c->own[i].sql = NULL;
		}
	}
	c->gen++;
}

static void pg_close(st_conn *c)
{
	if (!c)
		return;
	PQfreeCancel(c->cancel);
	PQfinish(c->pg);
	forget_own(c, 1);
	free(c);
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void set_sqlstate(st_err *err, const char *state)
{
	if (err && state && strlen(state) == 5 && !err->sqlstate[0])
		memcpy(err->sqlstate, state, 6);
}

/* libpq's text for the last failure, first line only. */
static void last_message(st_conn *c, char *buf, size_t size)
{
	const char *m = PQerrorMessage(c->pg);
	size_t n = strcspn(m, "\n");

	snprintf(buf, size, "%.*s", (int)n, n ? m : "unknown error");
}

/* What to do about some SQLSTATEs, when the server gave no hint of its own. */
static const struct {
	const char *state;
	const char *hint;
} state_hints[] = {
	{ "55P03", "another session held a lock this migration needed for longer than "
		   "lock_timeout; run again when it is done, or raise lock_timeout" },
	{ "57014", "statement_timeout (or an administrator) stopped it; raise statement_timeout "
		   "for this migration (SET statement_timeout = ...)" },
	{ "25001", "mark the section `-- migrate:up transaction:false` (or `-- migrate:down "
		   "transaction:false`) so it runs outside a transaction" },
	{ "40P01", "another session locked the same objects in the opposite order; the migration "
		   "was rolled back, run it again" },
};

/*
 * Fill err from a failed result (r may be NULL when libpq failed before the server answered).
 * txn: whether a transaction was open when the statement was sent, which tells what a lost
 * connection means.  what: a prefix for the message ("statement 3 of 5"), or NULL.
 */
static int result_error(st_err *err, st_conn *c, const PGresult *r, int txn, const char *what)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *detail = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL) : NULL;
	const char *hint = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_HINT) : NULL;
	const char *context = r ? PQresultErrorField(r, PG_DIAG_CONTEXT) : NULL;
	const char *sep = what ? ": " : "";
	char lib[512];
	int code = STRATA_EDB;
	size_t i;

	if (!what)
		what = "";
	last_message(c, lib, sizeof(lib));
	if (!primary)
		primary = lib;
	if (PQstatus(c->pg) == CONNECTION_BAD) {
		/* The server rolls back an open transaction when its session ends. */
		st_err_set(err, STRATA_EDB, "%s%slost the connection to the server (%s)%s", what,
			   sep, primary,
			   txn ? "; nothing of the current migration was committed" : "");
		set_sqlstate(err, state);
		if (txn)
			st_err_hint(err, "run the command again once the server is reachable");
		return STRATA_EDB;
	}
	if (state && strcmp(state, "57014") == 0 && c->cancelled) {
		/* Our own PQcancel: say so, not "canceling statement due to user request". */
		st_err_set(err, STRATA_EINTR, "%s%sinterrupted: the server cancelled the running "
					      "statement",
			   what, sep);
		set_sqlstate(err, state);
		return STRATA_EINTR;
	}
	if (state && strcmp(state, "55P03") == 0)
		code = STRATA_ELOCK;
	st_err_set(err, code, "%s%s%s", what, sep, primary);
	set_sqlstate(err, state);
	if (detail && context)
		st_err_detail(err, "%s\ncontext: %s", detail, context);
	else if (detail || context)
		st_err_detail(err, "%s%s", detail ? "" : "context: ", detail ? detail : context);
	if (hint)
		st_err_hint(err, "%s", hint);
	if (!state)
		return code;
	if (strcmp(state, "42501") == 0)
		st_err_hint(err, "the role \"%s\" lacks a privilege this needs: ask the owner to "
				 "GRANT it (for strata's own tables: CREATE on the schema, or set "
				 "version_table_schema to a schema the role owns)",
			    PQuser(c->pg));
	for (i = 0; i < ST_ARRAY_LEN(state_hints); i++)
		if (strcmp(state, state_hints[i].state) == 0)
			st_err_hint(err, "%s", state_hints[i].hint);
	return code;
}

/* Map a statement position (1-based characters of the text sent) to a byte offset in it. */
static size_t position_offset(st_conn *c, const PGresult *r, const char *sent, size_t len,
			      int *found)
{
	const char *p = r ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) : NULL;
	int enc = PQclientEncoding(c->pg);
	long chars;
	size_t i = 0;

	*found = 0;
	if (!p || (chars = strtol(p, NULL, 10)) < 1)
		return 0;
	while (--chars > 0 && i < len) {
		int n = PQmblen(sent + i, enc);
		i += n > 0 ? (size_t)n : 1;
	}
	*found = 1;
	return i < len ? i : len;
}

/* ---- running SQL ----------------------------------------------------------------------------- */

/*
 * Send sql (any number of statements, simple query protocol) and wait for the outcome: what
 * PQexec does, but every result is looked at, so *n_done counts the statements that finished
 * before the failure, and COPY cannot leave the connection stuck.  Returns NULL on success,
 * else the failure's result (NULL too when libpq failed without one: *failed tells).
 */
static PGresult *run_sql(st_conn *c, const char *sql, size_t *n_done, int *failed, int *copy_in)
{
	PGresult *r, *bad = NULL;

	*n_done = 0;
	*failed = 0;
	*copy_in = 0;
	if (!PQsendQuery(c->pg, sql)) {
		*failed = 1;
		return NULL;
	}
	while ((r = PQgetResult(c->pg))) {
		switch (PQresultStatus(r)) {
		case PGRES_COMMAND_OK:
		case PGRES_TUPLES_OK:
		case PGRES_SINGLE_TUPLE:
			if (!bad)
				(*n_done)++;
			PQclear(r);
			break;
		case PGRES_EMPTY_QUERY:
			PQclear(r);
			break;
		case PGRES_COPY_IN:
			/* A script has no data to send: fail the COPY, the server reports it. */
			*copy_in = 1;
			PQputCopyEnd(c->pg, "COPY FROM STDIN is not supported in a migration");
			PQclear(r);
			break;
		case PGRES_COPY_OUT: {
			char *row;
			while (PQgetCopyData(c->pg, &row, 0) > 0)
				PQfreemem(row);
			PQclear(r);
			break;
		}
		default:
			if (!bad)
				bad = r;
			else
				PQclear(r);
			break;
		}
		if (PQstatus(c->pg) == CONNECTION_BAD && !bad)
			*failed = 1;
	}
	if (bad)
		*failed = 1;
	return bad;
}

/* The line and column of the first token at offset off of the section. */
static void stmt_at(st_err *err, const char *sql, size_t off, const st_srcpos *pos)
{
	int line, col;

	st_offset_to_linecol(sql, off, pos->line, &line, &col);
	st_err_at(err, pos->file, line, col);
}

/* Report a failure of text sent from offset base of the section (len bytes). */
static int script_error(st_err *err, st_conn *c, PGresult *r, int txn, const char *what,
			const char *sql, size_t section_len, size_t base, size_t len,
			const st_srcpos *pos, int copy_in, size_t n_done)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	int found, code;
	size_t off = position_offset(c, r, sql + base, len, &found);

	/* The runner says "was interrupted and rolled back" of a whole section: add only why. */
	if (!what && c->cancelled && state && strcmp(state, "57014") == 0)
		st_err_set(err, STRATA_EINTR, "the server cancelled the running statement");
	code = result_error(err, c, r, txn, what);

	if (copy_in)
		st_err_hint(err, "load the data with INSERT statements, or COPY from a file the "
				 "server can read");
	if (found) {
		stmt_at(err, sql, base + off, pos);
	} else if (what) {
		stmt_at(err, sql, base, pos); /* base is the statement's first token */
	} else {
		/* Without a position, count the results: the (n_done+1)th statement failed. */
		size_t *starts = NULL, *lens = NULL, n = 0;
		char *msg = NULL;
		if (st_pg_split(sql, section_len, &starts, &lens, &n, &msg) == 0 && n_done < n)
			stmt_at(err, sql, starts[n_done], pos);
		else
			stmt_at(err, sql, 0, pos);
		free(starts);
		free(lens);
		free(msg);
	}
	PQclear(r);
	return code;
}

/* Whether the text holds word (lower case), in any case: a script that may DEALLOCATE. */
static int mentions(const char *sql, size_t len, const char *word)
{
	size_t i, j, n = strlen(word);

	for (i = 0; i + n <= len; i++) {
		for (j = 0; j < n && (sql[i + j] | 0x20) == word[j]; j++)
			;
		if (j == n)
			return 1;
	}
	return 0;
}

static int pg_exec_script(st_err *err, st_conn *c, const char *sql, size_t len,
			  const st_srcpos *pos)
{
	size_t *starts = NULL, *lens = NULL, n = 0, i, done, erroff;
	char *msg = NULL, *text;
	int failed, copy_in, rc = 0;
	PGresult *r;

	if (mentions(sql, len, "deallocate") || mentions(sql, len, "discard"))
		forget_own(c, 0);
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		/* One message: the server parses the whole section first, so a syntax error
		 * anywhere stops it before anything runs. */
		if (!(text = strndup(sql, len)))
			return st_err_oom(err);
		r = run_sql(c, text, &done, &failed, &copy_in);
		free(text);
		if (failed)
			rc = script_error(err, c, r, 1, NULL, sql, len, 0, len, pos, copy_in, done);
		return rc;
	}
	/* transaction:false: one statement at a time, each committing on its own. */
	rc = st_pg_split_at(sql, len, &starts, &lens, &n, &msg, &erroff);
	if (rc == STRATA_ENOMEM)
		return st_err_oom(err);
	if (rc) {
		/* "... at or near" quotes the rest of the text: keep the message one line. */
		size_t one = strcspn(msg, "\n");
		st_err_set(err, STRATA_EDB, "cannot split the section into statements: %.*s%s",
			   (int)one, msg, msg[one] ? "...\"" : "");
		stmt_at(err, sql, erroff == (size_t)-1 ? 0 : erroff, pos);
		st_err_hint(err, "nothing of this section ran");
		free(msg);
		return STRATA_EDB;
	}
	for (i = 0; i < n && !rc; i++) {
		char what[64];
		snprintf(what, sizeof(what), "statement %zu of %zu", i + 1, n);
		if (c->cancelled) {
			rc = st_err_set(err, STRATA_EINTR, "interrupted before %s", what);
			stmt_at(err, sql, starts[i], pos);
			break;
		}
		if (!(text = strndup(sql + starts[i], lens[i]))) {
			rc = st_err_oom(err);
			break;
		}
		r = run_sql(c, text, &done, &failed, &copy_in);
		free(text);
		if (failed)
			rc = script_error(err, c, r, 0, what, sql, len, starts[i], lens[i], pos,
					  copy_in, done);
	}
	free(starts);
	free(lens);
	return rc;
}

/* PQexec a statement of strata's own; returns the result (caller clears) or NULL on failure. */
static PGresult *exec_own(st_err *err, st_conn *c, const char *sql, int *rc)
{
	int txn = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	PGresult *r = PQexec(c->pg, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;

	*rc = 0;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
		return r;
	*rc = result_error(err, c, r, txn, NULL);
	PQclear(r);
	return NULL;
}

static int pg_exec(st_err *err, st_conn *c, const char *sql)
{
	int rc;

	PQclear(exec_own(err, c, sql, &rc));
	return rc;
}

/* Every row of a query, ncols values each (NULL as ""). */
static int pg_query_rows(st_err *err, st_conn *c, const char *sql, int ncols, st_strvec *out)
{
	int rc, i, j, n;
	PGresult *r = exec_own(err, c, sql, &rc);

	if (!r)
		return rc;
	if (PQnfields(r) < ncols) {
		rc = st_err_set(err, STRATA_ERROR, "query returned %d columns, expected %d",
				PQnfields(r), ncols);
		PQclear(r);
		return rc;
	}
	n = PQntuples(r);
	for (i = 0; i < n && !rc; i++)
		for (j = 0; j < ncols && !rc; j++)
			if (st_strvec_push(out, PQgetisnull(r, i, j) ? "" : PQgetvalue(r, i, j)))
				rc = st_err_oom(err);
	PQclear(r);
	return rc;
}

static int pg_query_column(st_err *err, st_conn *c, const char *sql, st_strvec *out)
{
	return pg_query_rows(err, c, sql, 1, out);
}

static int pg_begin(st_err *err, st_conn *c)
{
	int rc;

	PQclear(exec_own(err, c, "BEGIN", &rc));
	if (rc)
		st_err_prefix(err, "cannot start a transaction: ");
	return rc;
}

/* What COMMIT's result r (NULL: none came) means. */
static int commit_result(st_err *err, st_conn *c, PGresult *r)
{
	char lib[512];
	int rc = 0;

	if (r && PQresultStatus(r) == PGRES_COMMAND_OK) {
		/* COMMIT of a failed transaction "succeeds" by rolling back. */
		if (strcmp(PQcmdStatus(r), "ROLLBACK") == 0)
			rc = st_err_set(err, STRATA_EDB,
					"the transaction had failed and was rolled back instead of "
					"committed");
	} else if (PQstatus(c->pg) == CONNECTION_BAD) {
		last_message(c, lib, sizeof(lib));
		rc = st_err_set(err, STRATA_EDB,
				"lost the connection to the server during COMMIT (%s): whether the "
				"migration was committed is unknown",
				lib);
		st_err_hint(err, "run `strata current` once the server is reachable to see where "
				 "the database is");
	} else {
		rc = result_error(err, c, r, 1, "commit failed");
	}
	return rc;
}

static int pg_commit(st_err *err, st_conn *c)
{
	PGresult *r = PQexec(c->pg, "COMMIT");
	int rc = commit_result(err, c, r);

	PQclear(r);
	return rc;
}

/* The slot of an own statement's text (added if new), or -1 when every slot is taken. */
static int own_slot(st_conn *c, const char *sql)
{
	size_t i;

	for (i = 0; i < ST_ARRAY_LEN(c->own) && c->own[i].sql; i++)
		if (strcmp(c->own[i].sql, sql) == 0)
			return (int)i;
	if (i == ST_ARRAY_LEN(c->own) || !(c->own[i].sql = strdup(sql)))
		return -1;
	return (int)i;
}

/* What was sent in a pipeline, in order: a statement's PREPARE, its execution, or COMMIT. */
enum { SENT_PREPARE, SENT_EXEC, SENT_COMMIT };

/*
 * The statements (each prepared once per connection), then COMMIT, in one pipeline: one round
 * trip to the server.  The first failure is the error; the server skips what follows it.
 */
static int pg_exec_batch(st_err *err, st_conn *c, const st_stmt *v, size_t n, int commit)
{
	int txn = PQtransactionStatus(c->pg) != PQTRANS_IDLE;
	size_t i, k = 0, j;
	int *kind, *slot, ok = 1, rc = 0, got_sync = 0;
	char name[40];
	PGresult *r;

	kind = malloc((2 * n + 1) * sizeof(int));
	slot = malloc((2 * n + 1) * sizeof(int));
	if (!kind || !slot) {
		free(kind);
		free(slot);
		return st_err_oom(err);
	}
	if (PQenterPipelineMode(c->pg) != 1)
		ok = 0;
	for (i = 0; i < n && ok; i++) {
		int s = own_slot(c, v[i].sql);

		snprintf(name, sizeof(name), "strata_own_%u_%d", c->gen, s);
		if (s >= 0 && !c->own[s].ready) {
			/* Ready for the statements after it; undone below if it fails. */
			ok = PQsendPrepare(c->pg, name, v[i].sql, v[i].n, NULL);
			c->own[s].ready = 1;
			kind[k] = SENT_PREPARE, slot[k++] = s;
		}
		if (ok && s >= 0)
			ok = PQsendQueryPrepared(c->pg, name, v[i].n, v[i].params, NULL, NULL, 0);
		else if (ok)
			ok = PQsendQueryParams(c->pg, v[i].sql, v[i].n, NULL, v[i].params, NULL, NULL,
					       0);
		kind[k] = SENT_EXEC, slot[k++] = s;
	}
	if (ok && commit) {
		ok = PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0);
		kind[k] = SENT_COMMIT, slot[k++] = -1;
	}
	if (ok)
		ok = PQpipelineSync(c->pg);
	if (!ok) {
		/* libpq could not send (the connection broke): the server rolls back. */
		rc = result_error(err, c, NULL, txn, NULL);
		forget_own(c, 0);
		goto done;
	}
	/* Each query's results end with NULL; the sync's result ends the pipeline. */
	for (j = 0; j < k; j++) {
		r = PQgetResult(c->pg);
		if (kind[j] == SENT_COMMIT) {
			if (!rc)
				rc = commit_result(err, c, r);
		} else if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
			if (kind[j] == SENT_PREPARE)
				c->own[slot[j]].ready = 0;
			if (!rc && (!r || PQresultStatus(r) != PGRES_PIPELINE_ABORTED))
				rc = result_error(err, c, r, txn, NULL);
		}
		if (!r) {
			forget_own(c, 0); /* the connection is gone */
			break;
		}
		PQclear(r);
		while ((r = PQgetResult(c->pg)))
			PQclear(r);
	}
	while ((r = PQgetResult(c->pg))) {
		got_sync |= PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		PQclear(r);
		if (got_sync)
			break;
	}
	if (!rc && !got_sync)
		rc = result_error(err, c, NULL, txn, NULL);
done:
	PQexitPipelineMode(c->pg);
	free(kind);
	free(slot);
	return rc;
}

static int pg_rollback(st_err *err, st_conn *c)
{
	PGTransactionStatusType t = PQtransactionStatus(c->pg);
	int rc;

	/* Idle: nothing to undo.  Unknown: the connection is gone, and the server rolled back. */
	if (t == PQTRANS_IDLE || t == PQTRANS_UNKNOWN)
		return 0;
	PQclear(exec_own(err, c, "ROLLBACK", &rc));
	return rc;
}

static int pg_table_exists(st_err *err, st_conn *c, const char *schema, const char *table,
			   int *exists)
{
	st_buf name = ST_BUF_INIT;
	const char *params[1];
	PGresult *r;
	int rc = 0;

	*exists = 0;
	/* to_regclass follows search_path, as the unqualified names in strata's statements do. */
	if (schema) {
		st_buf_put_ident(&name, schema);
		st_buf_putc(&name, '.');
	}
	st_buf_put_ident(&name, table);
	if (st_buf_oom(&name))
		return st_err_oom(err);
	params[0] = st_buf_str(&name);
	r = PQexecParams(c->pg, "SELECT to_regclass($1) IS NOT NULL", 1, NULL, params, NULL, NULL,
			 0);
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		*exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	else
		rc = result_error(err, c, r, 0, "cannot read the schema");
	PQclear(r);
	st_buf_free(&name);
	return rc;
}

/* ---- the migration lock ---------------------------------------------------------------------- */

/* 64-bit FNV-1a of key: the advisory lock's id, the same in every strata process. */
static int64_t lock_id(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *key; key++) {
		h ^= (unsigned char)*key;
		h *= 0x100000001b3ULL;
	}
	return (int64_t)h;
}

/* Best effort: "PID 123 (strata, 10.0.0.5) holds it" for the timeout's hint. */
static void describe_holder(st_err *err, st_conn *c, int64_t id)
{
	char hi[16], lo[16];
	const char *params[2] = { hi, lo };
	PGresult *r;

	snprintf(hi, sizeof(hi), "%" PRIu32, (uint32_t)((uint64_t)id >> 32));
	snprintf(lo, sizeof(lo), "%" PRIu32, (uint32_t)(uint64_t)id);
	r = PQexecParams(c->pg,
			 "SELECT l.pid, coalesce(nullif(a.application_name, ''), '?'), "
			 "coalesce(host(a.client_addr), 'local'), "
			 "coalesce(to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ'), '?') "
			 "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
			 "WHERE l.locktype = 'advisory' AND l.granted AND l.classid = $1::oid "
			 "AND l.objid = $2::oid AND l.objsubid = 1 "
			 "AND l.database = (SELECT oid FROM pg_database WHERE datname = "
			 "current_database()) LIMIT 1",
			 2, NULL, params, NULL, NULL, 0);
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		st_err_hint(err, "server process %s (application %s, from %s, connected %s) holds "
				 "it; wait for it to finish, or raise --lock-timeout",
			    PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2),
			    PQgetvalue(r, 0, 3));
	else
		st_err_hint(err, "wait for the other runner to finish, or raise --lock-timeout");
	PQclear(r);
}

/* Sleep ms milliseconds, in short naps so an interrupt is noticed quickly. */
static void nap(long ms, volatile int *interrupted)
{
	while (ms > 0 && !*interrupted) {
		long step = ms < 50 ? ms : 50;
		struct timespec ts = { 0, step * 1000000L };
		nanosleep(&ts, NULL);
		ms -= step;
	}
}

/*
 * Take the session-level advisory lock.  It polls pg_try_advisory_lock instead of blocking in
 * pg_advisory_lock: a backend blocked there holds a snapshot, and CREATE INDEX CONCURRENTLY in
 * the holder's migration waits for every older snapshot to go, so the two would wait for each
 * other forever.  Each poll is its own short autocommitted statement, holding nothing between.
 */
static int pg_lock(st_err *err, st_conn *c, const char *key, long timeout_ms,
		   volatile int *interrupted)
{
	int64_t id = lock_id(key);
	char idtext[24];
	const char *params[1] = { idtext };
	double t0 = st_now_ms();
	long wait = 10;
	uint32_t rnd = (uint32_t)getpid() * 2654435761u ^ (uint32_t)(t0 * 1000.0);

	snprintf(idtext, sizeof(idtext), "%" PRId64, id);
	for (;;) {
		PGresult *r;
		int got;
		double left;

		if (*interrupted || c->cancelled)
			return st_err_set(err, STRATA_EINTR,
					  "interrupted while waiting for the migration lock");
		r = PQexecParams(c->pg, "SELECT pg_try_advisory_lock($1::bigint)", 1, NULL, params,
				 NULL, NULL, 0);
		if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
			int rc = result_error(err, c, r, 0, "cannot take the migration lock");
			PQclear(r);
			return rc;
		}
		got = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
		PQclear(r);
		if (got)
			return 0;
		left = timeout_ms < 0 ? 1e18 : (double)timeout_ms - (st_now_ms() - t0);
		if (left <= 0) {
			st_err_set(err, STRATA_ELOCK,
				   "could not get the migration lock within %ld ms; another strata "
				   "runner holds it",
				   timeout_ms);
			describe_holder(err, c, id);
			return STRATA_ELOCK;
		}
		/* Back off with jitter, so runners started together do not poll in step. */
		rnd ^= rnd << 13;
		rnd ^= rnd >> 17;
		rnd ^= rnd << 5;
		{
			long ms = wait / 2 + (long)(rnd % (uint32_t)(wait / 2 + 1));
			nap(ms < left ? ms : (long)left + 1, interrupted);
		}
		wait = wait * 2 > 500 ? 500 : wait * 2;
	}
}

static int pg_unlock(st_err *err, st_conn *c, const char *key)
{
	char idtext[24];
	const char *params[1] = { idtext };
	PGresult *r;
	int rc = 0;

	snprintf(idtext, sizeof(idtext), "%" PRId64, lock_id(key));
	r = PQexecParams(c->pg, "SELECT pg_advisory_unlock($1::bigint)", 1, NULL, params, NULL,
			 NULL, 0);
	if (!r || PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1)
		rc = result_error(err, c, r, 0, "cannot release the migration lock");
	else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0)
		rc = st_err_set(err, STRATA_EDB, "the migration lock was not held by this session");
	PQclear(r);
	return rc;
}

/* A transactional section must not hold a statement PostgreSQL refuses inside a transaction
 * block (it would fail there) nor one that ends strata's transaction (the migration would be
 * committed half-way, before its version row).  Decided by the server's own grammar. */
static int pg_check_script(st_err *err, const char *sql, size_t len, const st_srcpos *pos,
			   int transactional)
{
	size_t *starts = NULL, *lens = NULL, n = 0, i;
	char *msg = NULL;
	int rc = 0;

	if (!transactional)
		return 0;
	if (st_pgq_load(err))
		return STRATA_ECONFIG;
	if (st_pg_split(sql, len, &starts, &lens, &n, &msg)) {
		/* Not splittable (an unterminated quote): the server will say so when it runs. */
		free(msg);
		return 0;
	}
	for (i = 0; i < n && !rc; i++) {
		char *stmt = strndup(sql + starts[i], lens[i]);
		int flags;
		if (!stmt) {
			rc = st_err_oom(err);
			break;
		}
		flags = st_pg_classify(stmt);
		if (flags)
			rc = st_refuse_statement(err, sql, starts[i], lens[i], pos,
						 !(flags & ST_PG_NO_TRANSACTION));
		free(stmt);
	}
	free(starts);
	free(lens);
	return rc;
}

/* Called from signal handlers: PQcancel allocates nothing and is async-signal-safe. */
static void pg_interrupt(st_conn *c)
{
	char buf[256];

	if (!c || !c->cancel)
		return;
	c->cancelled = 1;
	PQcancel(c->cancel, buf, sizeof(buf));
}

/* ---- autogenerate ---------------------------------------------------------------------------- */

static int pg_introspect(st_err *err, st_conn *c, struct st_schema *out, const char *const *skip)
{
	return st_introspect_pg(err, c->pg, out, skip);
}

/* shadow_url: a database the user gave for the desired schema, which must be empty; the schema
 * file runs there inside a transaction, rolled back when the connection closes. */
static int shadow_open(st_err *err, const st_connect_opts *o, st_conn **out)
{
	char *text = NULL;
	st_url u;
	st_schema s;
	st_buf what = ST_BUF_INIT;
	size_t i, n = 0;
	int rc;

	memset(&u, 0, sizeof(u));
	memset(&s, 0, sizeof(s));
	if ((rc = st_expand_env(err, &text, o->shadow_url)) ||
	    (rc = st_url_parse(err, &u, text, NULL, "shadow_url"))) {
		st_err_prefix(err, "shadow_url in strata.ini: ");
		goto out;
	}
	if (u.kind != ST_URL_POSTGRES) {
		rc = st_err_set(err, STRATA_ECONFIG,
				"shadow_url in strata.ini must name a PostgreSQL database, not %s",
				u.redacted);
		goto out;
	}
	if ((rc = pg_connect_db(err, out, &u, o, NULL))) {
		st_err_prefix(err, "shadow_url: ");
		goto out;
	}
	/* Empty: nothing but the public schema and extensions. */
	if ((rc = st_introspect_pg(err, (*out)->pg, &s, NULL)))
		goto out;
	for (i = 0; i < s.n; i++) {
		const st_object *x = s.objs[i];
		if (x->kind == ST_OBJ_EXTENSION ||
		    (x->kind == ST_OBJ_SCHEMA && strcmp(x->name, "public") == 0))
			continue;
		if (n++ < 3)
			st_buf_printf(&what, "%s%s %s%s%s", n > 1 ? ", " : "",
				      st_obj_kind_name(x->kind), x->schema ? x->schema : "",
				      x->schema ? "." : "", x->name);
	}
	if (n) {
		rc = st_err_set(err, STRATA_ECONFIG,
				"the shadow database %s is not empty: it has %s%s", u.redacted,
				st_buf_str(&what), n > 3 ? ", ..." : "");
		st_err_hint(err, "shadow_url names a database strata reads the schema file into "
				 "(in a transaction it rolls back): give it an empty one");
		goto out;
	}
	{
		PGresult *r = PQexec((*out)->pg, "BEGIN");
		if (PQresultStatus(r) != PGRES_COMMAND_OK)
			rc = result_error(err, *out, r, 0,
					  "shadow_url: cannot begin a transaction");
		PQclear(r);
	}
out:
	if (rc) {
		pg_close(*out);
		*out = NULL;
	}
	st_schema_free(&s);
	st_buf_free(&what);
	st_url_free(&u);
	free(text);
	return rc;
}

static void pg_scratch_drop(st_conn *c, const char *name);

/* A new database beside the live one (same encoding and locale), dropped by scratch_drop. */
static int pg_scratch_open(st_err *err, st_conn *c, const st_url *url, const st_connect_opts *o,
			   st_conn **out, char **name)
{
	char id[13];
	st_buf sql = ST_BUF_INIT, db = ST_BUF_INIT;
	PGresult *r;
	int rc = 0;

	*out = NULL;
	*name = NULL;
	if (o->shadow_url && *o->shadow_url)
		return shadow_open(err, o, out);
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		return st_err_set(err, STRATA_ERROR,
				  "CREATE DATABASE cannot run inside a transaction");
	if ((rc = st_random_rev_id(err, id)))
		return rc;
	st_buf_printf(&db, "strata_shadow_%s", id);
	st_buf_puts(&sql, "CREATE DATABASE ");
	st_buf_put_ident(&sql, st_buf_str(&db));
	st_buf_puts(&sql, " TEMPLATE template0");
	/* The live database's encoding and locale (and ICU locale from PostgreSQL 15 on). */
	r = PQexec(c->pg,
		   PQserverVersion(c->pg) >= 150000
			   ? "SELECT pg_encoding_to_char(encoding), datcollate, datctype, "
			     "datlocprovider, daticulocale FROM pg_catalog.pg_database WHERE "
			     "datname = current_database()"
			   : "SELECT pg_encoding_to_char(encoding), datcollate, datctype, 'c', "
			     "NULL FROM pg_catalog.pg_database WHERE datname = current_database()");
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		st_buf_puts(&sql, " ENCODING ");
		st_buf_put_literal(&sql, PQgetvalue(r, 0, 0));
		st_buf_puts(&sql, " LC_COLLATE ");
		st_buf_put_literal(&sql, PQgetvalue(r, 0, 1));
		st_buf_puts(&sql, " LC_CTYPE ");
		st_buf_put_literal(&sql, PQgetvalue(r, 0, 2));
		if (PQgetvalue(r, 0, 3)[0] == 'i' && !PQgetisnull(r, 0, 4)) {
			st_buf_puts(&sql, " LOCALE_PROVIDER icu ICU_LOCALE ");
			st_buf_put_literal(&sql, PQgetvalue(r, 0, 4));
		}
	}
	PQclear(r);
	if (st_buf_oom(&sql) || st_buf_oom(&db) || !(*name = strdup(st_buf_str(&db)))) {
		rc = st_err_oom(err);
		goto out;
	}
	r = PQexec(c->pg, st_buf_str(&sql));
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (state && strcmp(state, "42501") == 0) {
			rc = st_err_set(err, STRATA_EDB, "%s",
					PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY));
			st_err_hint(err, "strata reads schema_file into a new database it "
					 "drops after: give the role CREATEDB (ALTER ROLE name "
					 "CREATEDB), or set shadow_url in strata.ini to an empty "
					 "database it may use (the schema file then runs there in "
					 "a transaction rolled back)");
		} else {
			rc = result_error(err, c, r, 0, "CREATE DATABASE");
		}
		PQclear(r);
		free(*name);
		*name = NULL;
		goto out;
	}
	PQclear(r);
	if ((rc = pg_connect_db(err, out, url, o, *name))) {
		/* The caller drops only what it was given: drop it here. */
		st_err_prefix(err, "the scratch database: ");
		pg_scratch_drop(c, *name);
		free(*name);
		*name = NULL;
	}
out:
	st_buf_free(&sql);
	st_buf_free(&db);
	return rc;
}

static void pg_scratch_drop(st_conn *c, const char *name)
{
	st_buf sql = ST_BUF_INIT;

	if (!name)
		return; /* shadow_url: its transaction was rolled back when it closed */
	st_buf_puts(&sql, "DROP DATABASE IF EXISTS ");
	st_buf_put_ident(&sql, name);
	if (PQserverVersion(c->pg) >= 130000)
		st_buf_puts(&sql, " WITH (FORCE)");
	if (!st_buf_oom(&sql))
		PQclear(PQexec(c->pg, st_buf_str(&sql)));
	st_buf_free(&sql);
}

const st_driver st_driver_pg = {
	.version = ST_DRIVER_VERSION,
	.name = "postgresql",
	.caps = ST_CAP_TRANSACTIONAL_DDL | ST_CAP_ADVISORY_LOCK,
	.history_id_ddl = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.timestamp_type = "TIMESTAMPTZ",
	.connect = pg_connect,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.exec = pg_exec,
	.exec_batch = pg_exec_batch,
	.query_column = pg_query_column,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.table_exists = pg_table_exists,
	.lock = pg_lock,
	.unlock = pg_unlock,
	.interrupt = pg_interrupt,
	.query = pg_query_rows,
	.check_script = pg_check_script,
	.introspect = pg_introspect,
	.scratch_open = pg_scratch_open,
	.scratch_drop = pg_scratch_drop,
	.dialect = &st_dialect_pg,
};
