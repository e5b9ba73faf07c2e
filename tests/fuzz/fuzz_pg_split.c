/* fuzz_pg_split.c - PostgreSQL statement splitting (st_pg_split_at: libpg_query's parser, its
 * scanner as the fallback, and strata's own blank and comment skipping) and the classification
 * of each statement (st_pg_classify).  Properties: no crash or leak; statements lie inside the
 * text, in order, without overlapping, start on a token and end without blanks; a failure has
 * a message and an offset inside the text (or none). */
#include "fuzz.h"

#include "pg_split.h"
#include "strata.h"

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *sql = (const char *)data;
	size_t *starts = NULL, *lens = NULL, n = 0, off = 0, prev_end = 0;
	char *msg = NULL;
	int rc = st_pg_split_at(sql, size, &starts, &lens, &n, &msg, &off);

	if (rc == 0) {
		FUZZ_CHECK(msg == NULL, "a message on success");
		for (size_t i = 0; i < n; i++) {
			char *stmt;
			int flags;
			FUZZ_CHECK(lens[i] > 0, "statement %zu is empty", i);
			FUZZ_CHECK(starts[i] <= size && lens[i] <= size - starts[i],
				   "statement %zu [%zu, +%zu) outside %zu bytes", i, starts[i], lens[i],
				   size);
			FUZZ_CHECK(starts[i] >= prev_end, "statement %zu starts at %zu, before %zu", i,
				   starts[i], prev_end);
			FUZZ_CHECK(!blank(sql[starts[i]]) && !blank(sql[starts[i] + lens[i] - 1]),
				   "statement %zu has blanks at its ends", i);
			prev_end = starts[i] + lens[i];
			stmt = fuzz_cstr(data + starts[i], lens[i]);
			flags = st_pg_classify(stmt);
			FUZZ_CHECK((flags & ~(ST_PG_NO_TRANSACTION | ST_PG_ENDS_TRANSACTION)) == 0,
				   "flags %d", flags);
			free(stmt);
		}
	} else {
		FUZZ_CHECK(rc == STRATA_ESCRIPT || rc == STRATA_ENOMEM, "code %d", rc);
		if (rc == STRATA_ESCRIPT)
			FUZZ_CHECK(msg && *msg, "a split error without a message");
		FUZZ_CHECK(off == (size_t)-1 || off <= size, "error offset %zu of %zu", off, size);
		FUZZ_CHECK(starts == NULL && lens == NULL && n == 0, "output on failure");
	}
	free(starts);
	free(lens);
	free(msg);
	return 0;
}
