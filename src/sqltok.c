/* sqltok.c - the SQLite SQL tokenizer (see sqltok.h). */
#include "sqltok.h"

#include <ctype.h>
#include <string.h>

static int is_word_start(unsigned char c)
{
	return isalpha(c) || c == '_' || c >= 0x80;
}

static int is_word_char(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

st_tok st_sqltok_next(const char **pp, const char *end)
{
	const char *p = *pp;
	st_tok t = { ST_TOK_END, NULL, 0 };

	for (;;) {
		while (p < end && isspace((unsigned char)*p))
			p++;
		if (p + 1 < end && p[0] == '-' && p[1] == '-') {
			while (p < end && *p != '\n')
				p++;
		} else if (p + 1 < end && p[0] == '/' && p[1] == '*') {
			p += 2;
			while (p + 1 < end && !(p[0] == '*' && p[1] == '/'))
				p++;
			p = p + 1 < end ? p + 2 : end;
		} else {
			break;
		}
	}
	if (p >= end) {
		*pp = end;
		return t;
	}
	t.s = p;
	if ((*p == 'x' || *p == 'X') && p + 1 < end && p[1] == '\'') {
		t.kind = ST_TOK_BLOB;
		for (p += 2; p < end && *p != '\''; p++)
			;
		p = p < end ? p + 1 : end;
	} else if (is_word_start((unsigned char)*p)) {
		t.kind = ST_TOK_WORD;
		while (p < end && is_word_char((unsigned char)*p))
			p++;
	} else if (*p == '\'' || *p == '"' || *p == '`' || *p == '[') {
		char close = *p == '[' ? ']' : *p;
		t.kind = *p == '\'' ? ST_TOK_STRING : ST_TOK_QIDENT;
		for (p++; p < end; p++) {
			if (*p == close) {
				if (close != ']' && p + 1 < end && p[1] == close) {
					p++;
					continue;
				}
				break;
			}
		}
		p = p < end ? p + 1 : end;
	} else if (isdigit((unsigned char)*p) || (*p == '.' && p + 1 < end && isdigit((unsigned char)p[1]))) {
		t.kind = ST_TOK_NUMBER;
		if (p + 1 < end && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			p += 2;
			while (p < end && isxdigit((unsigned char)*p))
				p++;
		} else {
			while (p < end && (isdigit((unsigned char)*p) || *p == '.'))
				p++;
			if (p < end && (*p == 'e' || *p == 'E')) {
				p++;
				if (p < end && (*p == '+' || *p == '-'))
					p++;
				while (p < end && isdigit((unsigned char)*p))
					p++;
			}
		}
	} else if (*p == '?' || *p == ':' || *p == '@' || *p == '$') {
		t.kind = ST_TOK_PARAM;
		for (p++; p < end && is_word_char((unsigned char)*p); p++)
			;
	} else {
		static const char *const two[] = { "||", "<=", ">=", "<>", "!=", "==", "<<", ">>", "->" };
		size_t i;
		t.kind = ST_TOK_PUNCT;
		for (i = 0; i < sizeof(two) / sizeof(two[0]); i++)
			if (p + 1 < end && p[0] == two[i][0] && p[1] == two[i][1])
				break;
		p += i < sizeof(two) / sizeof(two[0]) ? 2 : 1;
		if (p < end && t.s[0] == '-' && t.s[1] == '>' && *p == '>')
			p++; /* ->> */
	}
	t.n = (size_t)(p - t.s);
	*pp = p;
	return t;
}

int st_tok_is(const st_tok *t, const char *w)
{
	size_t n = strlen(w), i;

	if (t->kind != ST_TOK_WORD || t->n != n)
		return 0;
	for (i = 0; i < n; i++)
		if (tolower((unsigned char)t->s[i]) != tolower((unsigned char)w[i]))
			return 0;
	return 1;
}

void st_tok_ident(st_buf *b, const st_tok *t)
{
	size_t i;

	if (t->kind != ST_TOK_QIDENT) {
		st_buf_add(b, t->s, t->n);
		return;
	}
	for (i = 1; i + 1 < t->n; i++) {
		st_buf_putc(b, t->s[i]);
		if (t->s[0] != '[' && t->s[i] == t->s[0] && i + 2 < t->n && t->s[i + 1] == t->s[0])
			i++;
	}
}

/* Whether a name can stand unquoted: a plain word. */
static int plain(const char *s, size_t n)
{
	size_t i;

	if (!n || !is_word_start((unsigned char)s[0]))
		return 0;
	for (i = 0; i < n; i++)
		if (!is_word_char((unsigned char)s[i]))
			return 0;
	return 1;
}

void st_sqltok_put_norm(st_buf *b, const st_tok *t)
{
	size_t i;

	if (t->kind == ST_TOK_WORD || t->kind == ST_TOK_QIDENT) {
		st_buf name = ST_BUF_INIT;
		st_tok_ident(&name, t);
		if (t->kind == ST_TOK_QIDENT && !plain(st_buf_str(&name), name.len)) {
			st_buf_put_ident(b, st_buf_str(&name));
		} else {
			for (i = 0; i < name.len; i++)
				st_buf_putc(b, (char)tolower((unsigned char)name.data[i]));
		}
		st_buf_free(&name);
		return;
	}
	st_buf_add(b, t->s, t->n);
}

void st_sql_normalize(st_buf *b, const char *sql, size_t len)
{
	const char *p = sql, *end = sql + len;
	st_tok t, prev = { ST_TOK_END, NULL, 0 };

	while ((t = st_sqltok_next(&p, end)).kind != ST_TOK_END) {
		if (t.kind == ST_TOK_PUNCT && t.n == 1 && t.s[0] == ';')
			continue;
		if (prev.kind != ST_TOK_END &&
		    !(prev.kind == ST_TOK_PUNCT && prev.n == 1 && (prev.s[0] == '(' || prev.s[0] == '.')) &&
		    !(t.kind == ST_TOK_PUNCT && t.n == 1 && (t.s[0] == ')' || t.s[0] == ',' || t.s[0] == '.')))
			st_buf_putc(b, ' ');
		st_sqltok_put_norm(b, &t);
		prev = t;
	}
}
