/* pg_dl.h - libpq and libpg_query, opened at run time (dlopen) on first use, so that a strata
 * working on SQLite does not pay for mapping and relocating them (and libpq's own
 * dependencies: libssl, GSSAPI, LDAP, ...) at every start; see docs/internals/performance.md.
 *
 * Include this instead of <libpq-fe.h> and <pg_query.h>: each function used is then a call
 * through a pointer looked up with dlsym.  Call st_pg_load() before the first libpq call (the
 * PostgreSQL driver does in connect) and st_pgq_load() before the first libpg_query call
 * (check_script, and pg_split.c in each of its functions). */
#ifndef STRATA_PG_DL_H
#define STRATA_PG_DL_H

#include "error.h"

#include <libpq-fe.h>
#include <pg_query.h>

/* 0 when libpq (st_pg_load) or libpg_query (st_pgq_load) is loaded (the first call loads it;
 * later calls are cheap and thread-safe), else STRATA_ECONFIG with err (when not NULL) naming
 * the library that is missing and the Debian package that has it. */
int st_pg_load(st_err *err);
int st_pgq_load(st_err *err);

#define ST_PQ_FUNCS(X) \
	X(PQcancel) \
	X(PQclear) \
	X(PQclientEncoding) \
	X(PQcmdStatus) \
	X(PQconnectdb) \
	X(PQconnectdbParams) \
	X(PQconninfo) \
	X(PQconninfoFree) \
	X(PQconninfoParse) \
	X(PQenterPipelineMode) \
	X(PQerrorMessage) \
	X(PQexec) \
	X(PQexecParams) \
	X(PQexitPipelineMode) \
	X(PQfinish) \
	X(PQfreeCancel) \
	X(PQfreemem) \
	X(PQgetCancel) \
	X(PQgetCopyData) \
	X(PQgetisnull) \
	X(PQgetResult) \
	X(PQgetvalue) \
	X(PQmblen) \
	X(PQnfields) \
	X(PQntuples) \
	X(PQpipelineSync) \
	X(PQputCopyEnd) \
	X(PQresultErrorField) \
	X(PQresultErrorMessage) \
	X(PQresultStatus) \
	X(PQsendPrepare) \
	X(PQsendQuery) \
	X(PQsendQueryParams) \
	X(PQsendQueryPrepared) \
	X(PQserverVersion) \
	X(PQsetClientEncoding) \
	X(PQsetNoticeReceiver) \
	X(PQstatus) \
	X(PQtransactionStatus) \
	X(PQuser)

#define ST_PGQ_FUNCS(X) \
	X(pg_query_parse) \
	X(pg_query_free_parse_result) \
	X(pg_query_split_with_scanner) \
	X(pg_query_split_with_parser) \
	X(pg_query_free_split_result)

#define ST_PG_DL_DECLARE(f) extern __typeof__(f) *st_dl_##f;
ST_PQ_FUNCS(ST_PG_DL_DECLARE)
ST_PGQ_FUNCS(ST_PG_DL_DECLARE)
#undef ST_PG_DL_DECLARE

#ifndef ST_PG_DL_NO_MACROS
#define PQcancel (*st_dl_PQcancel)
#define PQclear (*st_dl_PQclear)
#define PQclientEncoding (*st_dl_PQclientEncoding)
#define PQcmdStatus (*st_dl_PQcmdStatus)
#define PQconnectdb (*st_dl_PQconnectdb)
#define PQconnectdbParams (*st_dl_PQconnectdbParams)
#define PQconninfo (*st_dl_PQconninfo)
#define PQconninfoFree (*st_dl_PQconninfoFree)
#define PQconninfoParse (*st_dl_PQconninfoParse)
#define PQenterPipelineMode (*st_dl_PQenterPipelineMode)
#define PQerrorMessage (*st_dl_PQerrorMessage)
#define PQexec (*st_dl_PQexec)
#define PQexecParams (*st_dl_PQexecParams)
#define PQexitPipelineMode (*st_dl_PQexitPipelineMode)
#define PQfinish (*st_dl_PQfinish)
#define PQfreeCancel (*st_dl_PQfreeCancel)
#define PQfreemem (*st_dl_PQfreemem)
#define PQgetCancel (*st_dl_PQgetCancel)
#define PQgetCopyData (*st_dl_PQgetCopyData)
#define PQgetisnull (*st_dl_PQgetisnull)
#define PQgetResult (*st_dl_PQgetResult)
#define PQgetvalue (*st_dl_PQgetvalue)
#define PQmblen (*st_dl_PQmblen)
#define PQnfields (*st_dl_PQnfields)
#define PQntuples (*st_dl_PQntuples)
#define PQpipelineSync (*st_dl_PQpipelineSync)
#define PQputCopyEnd (*st_dl_PQputCopyEnd)
#define PQresultErrorField (*st_dl_PQresultErrorField)
#define PQresultErrorMessage (*st_dl_PQresultErrorMessage)
#define PQresultStatus (*st_dl_PQresultStatus)
#define PQsendPrepare (*st_dl_PQsendPrepare)
#define PQsendQuery (*st_dl_PQsendQuery)
#define PQsendQueryParams (*st_dl_PQsendQueryParams)
#define PQsendQueryPrepared (*st_dl_PQsendQueryPrepared)
#define PQserverVersion (*st_dl_PQserverVersion)
#define PQsetClientEncoding (*st_dl_PQsetClientEncoding)
#define PQsetNoticeReceiver (*st_dl_PQsetNoticeReceiver)
#define PQstatus (*st_dl_PQstatus)
#define PQtransactionStatus (*st_dl_PQtransactionStatus)
#define PQuser (*st_dl_PQuser)
#define pg_query_parse (*st_dl_pg_query_parse)
#define pg_query_free_parse_result (*st_dl_pg_query_free_parse_result)
#define pg_query_split_with_scanner (*st_dl_pg_query_split_with_scanner)
#define pg_query_split_with_parser (*st_dl_pg_query_split_with_parser)
#define pg_query_free_split_result (*st_dl_pg_query_free_split_result)
#endif

#endif
