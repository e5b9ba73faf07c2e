/* fuzz_expand.c - ${VAR}, ${VAR:-default} and $${ expansion (st_expand_env).
 * Properties: no crash or leak; text without '$' comes back unchanged; an expanded value is
 * never expanded again (FUZZ_SELF holds "${FUZZ_SELF}"); a failure is a configuration error
 * with a message. */
#include "fuzz.h"

#include "config.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("FUZZ_A", "alpha", 1);
	setenv("FUZZ_EMPTY", "", 1);
	setenv("FUZZ_SELF", "${FUZZ_SELF}", 1);
	setenv("FUZZ_DOLLAR", "$${x}", 1);
	setenv("A", "a", 1);
	setenv("_", "underscore", 1);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size), *out = NULL;
	st_err err = { 0 };
	int rc = st_expand_env(&err, &out, in);

	if (rc == 0) {
		FUZZ_CHECK(out != NULL, "no output");
		if (!strchr(in, '$'))
			FUZZ_CHECK(strcmp(in, out) == 0, "'%s' became '%s'", in, out);
		if (strcmp(in, "${FUZZ_SELF}") == 0)
			FUZZ_CHECK(strcmp(out, "${FUZZ_SELF}") == 0, "expanded twice: '%s'", out);
	} else {
		FUZZ_CHECK(out == NULL, "output on failure");
		FUZZ_CHECK(rc == STRATA_ECONFIG || rc == STRATA_ENOMEM, "unexpected code %d", rc);
		FUZZ_CHECK(err.message && *err.message, "error without a message");
		FUZZ_CHECK(strchr(in, '$') != NULL, "failed on text without '$': %s", err.message);
	}
	free(out);
	free(in);
	st_err_clear(&err);
	return 0;
}
