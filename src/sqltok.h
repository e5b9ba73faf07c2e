/* sqltok.h - a tokenizer for SQLite's SQL, used to normalise definitions for comparison (case,
 * quoting, whitespace and comments do not make two definitions differ) and to find the parts of
 * a CREATE TABLE statement.  It only classifies tokens; SQLite itself parses and executes. */
#ifndef STRATA_SQLTOK_H
#define STRATA_SQLTOK_H

#include "buf.h"

#include <stddef.h>

typedef enum st_tok_kind {
	ST_TOK_END = 0,
	ST_TOK_WORD,    /* keyword or unquoted identifier */
	ST_TOK_QIDENT,  /* "quoted", [bracketed] or `backticked` identifier */
	ST_TOK_STRING,  /* 'literal' */
	ST_TOK_NUMBER,
	ST_TOK_BLOB,    /* x'abcd' */
	ST_TOK_PARAM,   /* ?1 :name @name $name */
	ST_TOK_PUNCT    /* ( ) , ; . and operators */
} st_tok_kind;

typedef struct st_tok {
	st_tok_kind kind;
	const char *s; /* start in the text */
	size_t n;      /* length */
} st_tok;

/* The next token at *p (before end), skipping whitespace and comments; advances *p. */
st_tok st_sqltok_next(const char **p, const char *end);

/* Append a token in normal form: words and identifiers lower-cased and unquoted (quoted when
 * they need it), strings and numbers as written. */
void st_sqltok_put_norm(st_buf *b, const st_tok *t);
/* The whole text in normal form: tokens joined by single spaces, none inside parentheses'
 * edges or before commas. */
void st_sql_normalize(st_buf *b, const char *sql, size_t len);
/* Whether a token is the word w (case-insensitive). */
int st_tok_is(const st_tok *t, const char *w);
/* An identifier token's name (unquoted, original case) into b. */
void st_tok_ident(st_buf *b, const st_tok *t);

#endif
