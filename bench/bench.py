#!/usr/bin/python3
"""strata's benchmarks (issue #6): strata side by side with Alembic, dbmate and the raw floor.

Run it through bench/run.sh, which installs the tools, builds strata, starts a throwaway
PostgreSQL cluster and passes their paths here.  Only the Python standard library is used
(Debian's /usr/bin/python3, which is also the one that has python3-alembic).

Every tool runs the same SQL: a chain of N migrations, each creating a table with an index and
inserting three rows; down drops the table.  The raw floor is the database's own client
(`sqlite3`, `psql -f`) running those statements plus one version-table write per migration,
one transaction each.

Measurements are wall-clock times of whole processes (fork to exit, as a user sees them), taken
in one run with the tools alternating in every repetition (the order rotates), so that a noisy
machine hurts every tool alike; the tables show medians.  Peak memory is the maximum resident
set size that `/usr/bin/time -f %M` reports.  Nothing here fails on a timing: a benchmark is a
measurement, not a test.  It fails only when a tool fails or leaves the database in a state
other than the expected one.
"""
import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIME = "/usr/bin/time"

FLOOR, STRATA, ALEMBIC, DBMATE = "floor", "strata", "alembic", "dbmate"
TOOLS = [FLOOR, STRATA, ALEMBIC, DBMATE]
# strata with its header cache off (STRATA_NO_CACHE=1): what a first run, or a run on a fresh
# checkout, pays for the graph commands.
COLD = "strata-nocache"
TITLE = {FLOOR: "raw floor", STRATA: "strata", ALEMBIC: "Alembic", DBMATE: "dbmate",
         COLD: "strata, header cache off"}
# A file changed within this many seconds is not cached (src/hcache.h): the bench waits that
# long after writing a strata project, as a user's files are older than their next command.
SETTLE_S = 2.1


# --------------------------------------------------------------------------------------------
# The migrations, for every tool

def rev_id(i):
    """Revision i's id (1-based), the same for strata and Alembic: 12 hex digits, like theirs."""
    return hashlib.sha1(b"strata-bench-%d" % i).hexdigest()[:12] if i > 0 else ""


def table(i):
    return "t%05d" % i


def up_sql(i):
    t = table(i)
    return [
        "CREATE TABLE %s (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL);" % t,
        "CREATE INDEX %s_name ON %s (name);" % (t, t),
        "INSERT INTO %s (id, name, qty) VALUES (1, 'one', 1), (2, 'two', 2), (3, 'three', 3);" % t,
    ]


def down_sql(i):
    return ["DROP TABLE %s;" % table(i)]


ALEMBIC_ENV = '''\
# Alembic environment for the benchmark: the URL comes from $BENCH_URL.  One transaction per
# migration (transaction_per_migration=True), or with $BENCH_SINGLE=1 the whole run in one
# transaction (transaction_per_migration=False).  On SQLite, pysqlite would commit each DDL
# statement on its own; SQLAlchemy's documented recipe (isolation_level=None plus an explicit
# BEGIN) makes each migration one real transaction, as it is for the other tools.
import os
from alembic import context
from sqlalchemy import create_engine, event
from sqlalchemy.pool import NullPool

url = os.environ["BENCH_URL"]
engine = create_engine(url, poolclass=NullPool)
if url.startswith("sqlite"):
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN")

with engine.connect() as connection:
    context.configure(connection=connection,
                      transaction_per_migration=os.environ.get("BENCH_SINGLE") != "1")
    with context.begin_transaction():
        context.run_migrations()
'''


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def gen_strata(d, n):
    os.makedirs(os.path.join(d, "migrations", "versions"))
    write(os.path.join(d, "strata.ini"),
          "[strata]\nscript_location = migrations\nurl = sqlite:///unused.db\n")
    for i in range(1, n + 1):
        head = ["-- revision: %s" % rev_id(i)]
        if i > 1:
            head.append("-- down_revision: %s" % rev_id(i - 1))
        head.append("-- message: create table %s" % table(i))
        write(os.path.join(d, "migrations", "versions", "%s_create_%s.sql" % (rev_id(i), table(i))),
              "\n".join(head) + "\n\n-- migrate:up\n" + "\n".join(up_sql(i)) +
              "\n\n-- migrate:down\n" + "\n".join(down_sql(i)) + "\n")


def gen_alembic(d, n):
    os.makedirs(os.path.join(d, "migrations", "versions"))
    write(os.path.join(d, "alembic.ini"), "[alembic]\nscript_location = migrations\n")
    write(os.path.join(d, "migrations", "env.py"), ALEMBIC_ENV)
    for i in range(1, n + 1):
        body = ['"""create table %s"""' % table(i), "from alembic import op", "",
                "revision = %r" % rev_id(i),
                "down_revision = %r" % (rev_id(i - 1) if i > 1 else None),
                "branch_labels = None", "depends_on = None", "", "", "def upgrade():"]
        body += ["    op.execute(%r)" % s for s in up_sql(i)]
        body += ["", "", "def downgrade():"]
        body += ["    op.execute(%r)" % s for s in down_sql(i)]
        write(os.path.join(d, "migrations", "versions", "%s_create_%s.py" % (rev_id(i), table(i))),
              "\n".join(body) + "\n")


def gen_dbmate(d, n):
    os.makedirs(os.path.join(d, "db", "migrations"))
    for i in range(1, n + 1):
        write(os.path.join(d, "db", "migrations", "%06d_create_%s.sql" % (i, table(i))),
              "-- migrate:up\n" + "\n".join(up_sql(i)) + "\n\n-- migrate:down\n" +
              "\n".join(down_sql(i)) + "\n")


def gen_floor(d, n):
    os.makedirs(d)
    with open(os.path.join(d, "up.sql"), "w") as f:
        f.write("CREATE TABLE bench_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);\n"
                "INSERT INTO bench_version VALUES ('');\n")
        for i in range(1, n + 1):
            f.write("BEGIN;\n" + "\n".join(up_sql(i)) +
                    "\nUPDATE bench_version SET version_num = '%s';\nCOMMIT;\n" % rev_id(i))
    # One-transaction mode's floor: the same statements and version-table writes, one
    # BEGIN/COMMIT around the whole run.
    with open(os.path.join(d, "up1.sql"), "w") as f:
        f.write("BEGIN;\nCREATE TABLE bench_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY);"
                "\nINSERT INTO bench_version VALUES ('');\n")
        for i in range(1, n + 1):
            f.write("\n".join(up_sql(i)) +
                    "\nUPDATE bench_version SET version_num = '%s';\n" % rev_id(i))
        f.write("COMMIT;\n")
    with open(os.path.join(d, "down.sql"), "w") as f:
        for i in range(n, 0, -1):
            f.write("BEGIN;\n" + "\n".join(down_sql(i)) +
                    "\nUPDATE bench_version SET version_num = '%s';\nCOMMIT;\n" % rev_id(i - 1))


GEN = {STRATA: gen_strata, ALEMBIC: gen_alembic, DBMATE: gen_dbmate, FLOOR: gen_floor}


# --------------------------------------------------------------------------------------------
# Autogenerate and check: a schema of K tables, each with a primary key, an index on a column
# and a foreign key to another table (indexed too), built by migrations of 10 tables
# each; schema.sql describes exactly that, schema-changed.sql adds a table, a column and an
# index.  `id INTEGER NOT NULL PRIMARY KEY`: without NOT NULL, SQLite reports the rowid column
# as nullable and Alembic would see a change in every table.

AG_PER_REV = 10


def ag_table(i):
    return "a%04d" % i


def ag_parent(i):
    """The table that table i's foreign key points to: chains of 10 tables, each chain's first
    table pointing to the first table.  (One chain of 500 makes SQLAlchemy's reflection, which
    follows foreign keys recursively, fail with RecursionError.)"""
    return i - 1 if (i - 1) % AG_PER_REV else 1


def ag_ddl(i, note=False):
    t = ag_table(i)
    cols = ["id INTEGER NOT NULL PRIMARY KEY", "name TEXT NOT NULL",
            "qty INTEGER NOT NULL DEFAULT 0"]
    if i > 1:
        cols.append("parent_id INTEGER REFERENCES %s (id)" % ag_table(ag_parent(i)))
    if note:
        cols.append("note TEXT")
    s = ["CREATE TABLE %s (\n    %s\n);" % (t, ",\n    ".join(cols)),
         "CREATE INDEX %s_name ON %s (name);" % (t, t)]
    if i > 1:
        s.append("CREATE INDEX %s_parent ON %s (parent_id);" % (t, t))
    return s


def ag_schema(k, changed):
    """schema.sql (the tables the migrations make) or schema-changed.sql (a few changes)."""
    out = []
    for i in range(1, k + 1):
        out += ag_ddl(i, note=changed and i == 1)
    if changed:
        out.append("CREATE INDEX %s_qty ON %s (qty);" % (ag_table(2), ag_table(2)))
        out += ag_ddl(k + 1)
    return "\n".join(out) + "\n"


def ag_revs(k):
    """[(revision id, down revision id or None, up statements, down statements)]"""
    revs = []
    for lo in range(1, k + 1, AG_PER_REV):
        hi = min(k, lo + AG_PER_REV - 1)
        up = [st for i in range(lo, hi + 1) for st in ag_ddl(i)]
        down = ["DROP TABLE %s;" % ag_table(i) for i in range(hi, lo - 1, -1)]
        rid = "ag%010d" % (len(revs) + 1)
        revs.append((rid, revs[-1][0] if revs else None, up, down))
    return revs


def gen_ag_strata(d, k):
    """strata's project; the raw floor's scripts live here too (they read its schema.sql)."""
    os.makedirs(os.path.join(d, "migrations", "versions"))
    for ini, schema in (("strata.ini", "schema.sql"), ("strata-changed.ini", "schema-changed.sql")):
        write(os.path.join(d, ini), "[strata]\nscript_location = migrations\n"
              "url = sqlite:///unused.db\nschema_file = %s\n" % schema)
    write(os.path.join(d, "schema.sql"), ag_schema(k, False))
    write(os.path.join(d, "schema-changed.sql"), ag_schema(k, True))
    for rid, down_rev, up, down in ag_revs(k):
        head = ["-- revision: %s" % rid] + (["-- down_revision: %s" % down_rev] if down_rev else [])
        write(os.path.join(d, "migrations", "versions", "%s_tables.sql" % rid),
              "\n".join(head) + "\n\n-- migrate:up\n" + "\n".join(up) +
              "\n\n-- migrate:down\n" + "\n".join(down) + "\n")
    # The floor on SQLite: the engine executes schema.sql into an in-memory database and both
    # schemas are read back (sqlite_master and every table's columns, indexes and foreign
    # keys), in one sqlite3 process.  $LIVE is the database at head, attached read-only.
    read_back = []
    for schema in ("main", "live"):
        read_back.append("SELECT type, name, tbl_name, sql FROM %s.sqlite_master ORDER BY name;"
                         % schema)
        read_back.append(
            "SELECT m.name, p.* FROM %s.sqlite_master m, pragma_table_info(m.name, '%s') p "
            "WHERE m.type = 'table';" % (schema, schema))
        read_back.append(
            "SELECT m.name, p.* FROM %s.sqlite_master m, pragma_index_list(m.name, '%s') p "
            "WHERE m.type = 'table';" % (schema, schema))
        read_back.append(
            "SELECT m.name, p.* FROM %s.sqlite_master m, pragma_foreign_key_list(m.name, '%s') p "
            "WHERE m.type = 'table';" % (schema, schema))
    for name, schema in (("floor-check.sql", "schema.sql"),
                         ("floor-changed.sql", "schema-changed.sql")):
        write(os.path.join(d, name), ".read %s\nATTACH 'file:@LIVE@?mode=ro' AS live;\n%s\n"
              % (schema, "\n".join(read_back)))
    # The floor on PostgreSQL: one psql process makes a scratch database from template0, runs
    # schema.sql there, reads both schemas from the catalogs (columns with types and defaults,
    # indexes, constraints: what strata reads) and drops the scratch database.
    pg_read = (
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, "
        "pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_class c ON c.oid = "
        "a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_attrdef d ON "
        "d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE n.nspname = 'public' AND "
        "a.attnum > 0 AND NOT a.attisdropped ORDER BY 1, 2;\n"
        "SELECT i.indexrelid::regclass, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN "
        "pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
        "n.nspname = 'public' ORDER BY 1;\n"
        "SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2;\n")
    for name, schema in (("floor-check.psql", "schema.sql"),
                         ("floor-changed.psql", "schema-changed.sql")):
        write(os.path.join(d, name),
              "\\set ON_ERROR_STOP 1\nDROP DATABASE IF EXISTS bench_floor_shadow;\n"
              "CREATE DATABASE bench_floor_shadow TEMPLATE template0;\n"
              "\\c bench_floor_shadow\n\\i %s\n%s\\c @LIVE@\n%s"
              "\\c postgres\nDROP DATABASE bench_floor_shadow;\n" % (schema, pg_read, pg_read))


AG_ALEMBIC_ENV = '''\
# Alembic environment for the autogenerate benchmark: the URL comes from $BENCH_URL, the
# SQLAlchemy models from the module named by $BENCH_MODELS (models or models_changed).
import importlib, os, sys
from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
target_metadata = importlib.import_module(os.environ.get("BENCH_MODELS", "models")).metadata
engine = create_engine(os.environ["BENCH_URL"], poolclass=NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
'''

AG_ALEMBIC_MAKO = '''\
"""${message}"""
from alembic import op
import sqlalchemy as sa

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade():
    ${upgrades if upgrades else "pass"}


def downgrade():
    ${downgrades if downgrades else "pass"}
'''


def ag_models(k, changed):
    """A models module: the same K tables as SQLAlchemy Table objects."""
    def tbl(i, note=False):
        c = ["Column('id', Integer, primary_key=True, autoincrement=False)",
             "Column('name', Text, nullable=False)",
             "Column('qty', Integer, nullable=False, server_default='0')"]
        if i > 1:
            c.append("Column('parent_id', Integer, ForeignKey('%s.id'))" % ag_table(ag_parent(i)))
        if note:
            c.append("Column('note', Text)")
        c.append("Index('%s_name', 'name')" % ag_table(i))
        if i > 1:
            c.append("Index('%s_parent', 'parent_id')" % ag_table(i))
        return "Table(%r, metadata,\n      %s)" % (ag_table(i), ",\n      ".join(c))
    out = ["from sqlalchemy import MetaData, Table, Column, Integer, Text, ForeignKey, Index", "",
           "metadata = MetaData()", ""]
    out += [tbl(i, changed and i == 1) for i in range(1, k + 1)]
    if changed:
        out.append("Index('%s_qty', metadata.tables['%s'].c.qty)" % (ag_table(2), ag_table(2)))
        out.append(tbl(k + 1))
    return "\n".join(out) + "\n"


def gen_ag_alembic(d, k):
    os.makedirs(os.path.join(d, "migrations", "versions"))
    write(os.path.join(d, "alembic.ini"), "[alembic]\nscript_location = migrations\n")
    write(os.path.join(d, "migrations", "env.py"), AG_ALEMBIC_ENV)
    write(os.path.join(d, "migrations", "script.py.mako"), AG_ALEMBIC_MAKO)
    write(os.path.join(d, "models.py"), ag_models(k, False))
    write(os.path.join(d, "models_changed.py"), ag_models(k, True))
    for rid, down_rev, up, down in ag_revs(k):
        body = ['"""tables"""', "from alembic import op", "", "revision = %r" % rid,
                "down_revision = %r" % down_rev, "branch_labels = None", "depends_on = None",
                "", "", "def upgrade():"]
        body += ["    op.execute(%r)" % st for st in up]
        body += ["", "", "def downgrade():"]
        body += ["    op.execute(%r)" % st for st in down]
        write(os.path.join(d, "migrations", "versions", "%s_tables.py" % rid), "\n".join(body) + "\n")


# --------------------------------------------------------------------------------------------
# Running and measuring

class Failed(Exception):
    pass


class Bench:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        self.strata = a.strata
        self.dbmate = a.dbmate
        self.alembic = shutil.which("alembic", path="/usr/bin") or "alembic"
        self.pg = None
        if a.pg_env:
            self.pg = {}
            for line in open(a.pg_env):
                m = re.match(r"export (\w+)='(.*)'", line.strip())
                if m:
                    self.pg[m.group(1)] = m.group(2)
        # The real psql, not Debian's /usr/bin/psql (a Perl dispatcher that adds ~50 ms).
        self.psql = os.path.join(self.pg["STRATA_PG_BIN"], "psql") if self.pg else "psql"
        self.projects = {}
        self.results = {}     # key -> {tool: {"t": [...], "rss": [...]}}
        self.notes = []       # what the run noticed (Alembic's extra autogenerate operations)
        self.log = open(os.path.join(self.work, "commands.log"), "w")
        self.started = time.time()

    # ---- projects
    def project(self, tool, n):
        key = (tool, n)
        if key not in self.projects:
            d = os.path.join(self.work, "proj", "%s-%d" % (tool, n))
            if not os.path.isdir(d):
                GEN[tool](d, n)
                if tool == STRATA:
                    time.sleep(SETTLE_S)
            self.projects[key] = d
        return self.projects[key]

    # ---- databases: one per tool and purpose, so that the tools never see each other's tables
    def db_name(self, tool, purpose):
        return "bench_%s_%s" % (tool, purpose)

    def sqlite_path(self, tool, purpose):
        return os.path.join(self.work, "db", self.db_name(tool, purpose) + ".db")

    def pg_url(self, name, flavour):
        host, port = self.pg["STRATA_PG_DIR"], self.pg["STRATA_PG_PORT"]
        if flavour == ALEMBIC:
            return "postgresql+psycopg2://postgres@/%s?host=%s&port=%s" % (name, host, port)
        if flavour == DBMATE:
            return "postgres://postgres@:%s/%s?socket=%s&sslmode=disable" % (port, name, host)
        return "postgresql://postgres@/%s?host=%s&port=%s" % (name, host, port)

    def url(self, engine, tool, purpose):
        if engine == "pg":
            return self.pg_url(self.db_name(tool, purpose), tool)
        p = self.sqlite_path(tool, purpose)
        return {ALEMBIC: "sqlite:///" + p, DBMATE: "sqlite:" + p}.get(tool, "sqlite:///" + p)

    def reset(self, engine, tool, purpose):
        """An empty database (untimed)."""
        if engine == "sqlite":
            os.makedirs(os.path.join(self.work, "db"), exist_ok=True)
            p = self.sqlite_path(tool, purpose)
            for suffix in ("", "-journal", "-wal", "-shm"):
                if os.path.exists(p + suffix):
                    os.unlink(p + suffix)
        else:
            name = self.db_name(tool, purpose)
            self.psql_admin("DROP DATABASE IF EXISTS %s" % name)
            self.psql_admin("CREATE DATABASE %s" % name)
            # Every run starts from the same server state: the WAL the previous runs wrote
            # checkpointed now, not (its fsyncs) in the middle of the next tool's run.
            self.psql_admin("CHECKPOINT")

    def psql_admin(self, sql, db="postgres"):
        url = self.pg_url(db, FLOOR)
        p = subprocess.run([self.psql, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if p.returncode != 0:
            raise Failed("psql: %s: %s" % (sql, p.stderr.strip()))
        return p.stdout

    def count_tables(self, engine, tool, purpose, prefix="t"):
        if engine == "sqlite":
            import sqlite3
            p = self.sqlite_path(tool, purpose)
            if not os.path.exists(p):
                return 0
            c = sqlite3.connect(p)
            try:
                return c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                 "name GLOB '%s[0-9][0-9][0-9][0-9]*'" % prefix).fetchone()[0]
            finally:
                c.close()
        out = self.psql_admin("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND "
                              "tablename ~ '^%s[0-9]{4,}$'" % prefix,
                              db=self.db_name(tool, purpose))
        return int(out.strip())

    def check(self, engine, tool, purpose, expected, what):
        got = self.count_tables(engine, tool, purpose)
        if got != expected:
            raise Failed("%s: %s left %d tables on %s, expected %d" % (what, tool, got, engine,
                                                                       expected))

    # ---- the commands
    def commands(self, engine, tool, purpose, op, n):
        """The argument vectors (with cwd and stdin) that perform OP, or None if TOOL has no
        such operation.  Several commands (dbmate's rollback, one migration at a time) are timed
        as one."""
        d = self.project(tool, n)
        url = self.url(engine, tool, purpose)
        env = None
        if tool == STRATA:
            base = [self.strata, "-q", "-c", os.path.join(d, "strata.ini"), "--url", url]
            argv = {"up": ["upgrade", "head"], "down": ["downgrade", "base"],
                    "up1": ["upgrade", "head", "--single-transaction"],
                    "up-noop": ["upgrade", "head"],
                    "current": ["current"], "status": ["status"], "heads": ["heads"],
                    "history": ["history"], "history-i": ["history", "-i"]}.get(op)
            return argv and [(base + argv, d, None, env)]
        if tool == ALEMBIC:
            env = dict(os.environ, BENCH_URL=url)
            if op == "up1":
                env["BENCH_SINGLE"] = "1"
            base = [self.alembic, "-c", os.path.join(d, "alembic.ini")]
            argv = {"up": ["upgrade", "head"], "down": ["downgrade", "base"],
                    "up1": ["upgrade", "head"],
                    "up-noop": ["upgrade", "head"],
                    "current": ["current"], "heads": ["heads"], "history": ["history"],
                    "history-i": ["history", "-i"]}.get(op)
            return argv and [(base + argv, d, None, env)]
        if tool == DBMATE:
            base = [self.dbmate, "--no-dump-schema", "-d", os.path.join(d, "db", "migrations"),
                    "-u", url]
            if op in ("up", "up-noop"):
                return [(base + ["migrate"], d, None, env)]
            if op == "down":
                return [(base + ["rollback"], d, None, env)] * n
            if op == "status":
                return [(base + ["status"], d, None, env)]
            return None
        if tool == FLOOR:
            if engine == "sqlite":
                p = self.sqlite_path(tool, purpose)
                if op in ("up", "down", "up1"):
                    return [(["sqlite3", "-batch", "-bail", p], d, os.path.join(d, op + ".sql"), env)]
                if op == "current":
                    return [(["sqlite3", "-readonly", p, "SELECT version_num FROM bench_version"],
                             d, None, env)]
                return None
            pgurl = self.url(engine, tool, purpose)
            if op in ("up", "down", "up1"):
                return [([self.psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", pgurl, "-f",
                          os.path.join(d, op + ".sql")], d, None, env)]
            if op == "current":
                return [([self.psql, "-X", "-At", "-d", pgurl, "-c",
                          "SELECT version_num FROM bench_version"], d, None, env)]
            return None
        raise ValueError(tool)

    def run_cmd(self, c, memory):
        """Run a command tuple (argv, cwd, stdin, env[, accepted exit codes])."""
        return self.run1(*c[:4], memory=memory, ok=c[4] if len(c) > 4 else (0,))

    def run1(self, argv, cwd, stdin, env, memory, ok=(0,)):
        """Run one process; return (seconds, max RSS in KiB or None)."""
        memfile = None
        if memory:
            fd, memfile = tempfile.mkstemp(prefix="rss.", dir=self.work)
            os.close(fd)
            argv = [TIME, "-f", "%M", "-o", memfile] + argv
        out = open(os.path.join(self.work, "last.out"), "w")
        inp = open(stdin) if stdin else subprocess.DEVNULL
        self.log.write(" ".join(argv) + (" < " + stdin if stdin else "") + "\n")
        t0 = time.perf_counter()
        p = subprocess.run(argv, cwd=cwd, stdin=inp, stdout=out, stderr=subprocess.STDOUT, env=env)
        t = time.perf_counter() - t0
        out.close()
        if stdin:
            inp.close()
        if p.returncode not in ok:
            with open(os.path.join(self.work, "last.out")) as f:
                tail = f.read()[-3000:]
            raise Failed("exit %d: %s\n%s" % (p.returncode, " ".join(argv), tail))
        rss = None
        if memfile:
            with open(memfile) as f:
                rss = int(f.read().split()[-1])
            os.unlink(memfile)
        return t, rss

    def measure(self, key, tool, cmds, memory):
        total, rss = 0.0, None
        for c in cmds:
            t, r = self.run_cmd(c, memory)
            total += t
            if r is not None:
                rss = max(rss or 0, r)
        slot = self.results.setdefault(key, {}).setdefault(tool, {"t": [], "rss": []})
        slot["t"].append(total)
        if rss is not None:
            slot["rss"].append(rss)
        return total

    def say(self, msg):
        el = time.time() - self.started
        print("[%3d:%02d] %s" % (el // 60, el % 60, msg), file=sys.stderr, flush=True)

    # ---- the cases
    def migrate_cases(self, engine, n, tools, reps, down, rep0=0, min_reps=None, until=None,
                      op="up"):
        """upgrade head (and downgrade base) at N, REPS times, tools alternating (repetitions
        numbered from REP0, which sets the order).  These runs are long enough for
        /usr/bin/time's extra process not to matter (< 1 ms), so memory is measured in the
        timed runs themselves.  After MIN_REPS repetitions, another one starts only if it
        would end before UNTIL (time.time()), judging by the last one: on a busy machine the
        run gets fewer repetitions instead of taking an hour."""
        tools = [t for t in tools if self.commands(engine, t, "mig", op, n)]
        self.say("%s: upgrade head%s%s, N=%d: %s, %s" % (
            engine, " in one transaction" if op == "up1" else "",
            " + downgrade base" if down else "", n, ", ".join(tools),
            "%d repetition(s)" % reps if not rep0 else "repetition %d" % (rep0 + 1)))
        for t in tools:
            self.project(t, n)
        last = 0.0
        for rep in range(rep0, rep0 + reps):
            if until and min_reps is not None and rep - rep0 >= min_reps and \
                    time.time() + last > until:
                self.say("  stopped after %d repetitions: another would overrun this part's "
                         "share of the %d-minute budget" % (rep - rep0, self.a.budget))
                break
            started = time.time()
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool in order:
                self.reset(engine, tool, "mig")
                t = self.measure((engine, op, n), tool,
                                 self.commands(engine, tool, "mig", op, n), True)
                self.check(engine, tool, "mig", n, "upgrade head")
                msg = "  rep %d %-8s %s %7.3f s" % (rep + 1, tool, op, t)
                dc = down and self.commands(engine, tool, "mig", "down", n)
                if dc and (tool != DBMATE or n <= self.a.dbmate_down_max):
                    t = self.measure((engine, "down", n), tool, dc, True)
                    self.check(engine, tool, "mig", 0, "downgrade base")
                    msg += "   down %7.3f s" % t
                self.say(msg)
            last = time.time() - started

    def quick_cases(self, key_of, tools_cmds, reps, after=None, inline_memory=False):
        """Short operations (milliseconds to seconds): one untimed warm-up run each, then REPS
        timed runs with the tools alternating, without /usr/bin/time, then one run under
        /usr/bin/time for memory (INLINE_MEMORY: the timed runs are under /usr/bin/time
        instead, for operations long enough that its extra process does not matter).  AFTER:
        {tool: function}, called (untimed) after each of that tool's runs (to check what it
        wrote, and to undo it)."""
        tools = list(tools_cmds)
        after = after or {}
        done = lambda tool: after[tool]() if tool in after else None
        for tool in tools:   # warm-up, untimed: the files and libraries into the page cache
            for c in tools_cmds[tool]:
                self.run_cmd(c, memory=False)
            done(tool)
        for rep in range(reps):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for tool in order:
                self.measure(key_of, tool, tools_cmds[tool], inline_memory)
                done(tool)
        for tool in tools:
            if inline_memory:
                self.results.setdefault(key_of + ("mem",), {})[tool] = {
                    "t": [], "rss": self.results[key_of][tool]["rss"]}
                continue
            self.measure(key_of + ("mem",), tool, tools_cmds[tool], True)
            done(tool)

    def readonly_cases(self, engine, n, reps):
        self.say("%s: read-only commands on a database at head, N=%d" % (engine, n))
        for tool in TOOLS:
            self.reset(engine, tool, "ro")
            for c in self.commands(engine, tool, "ro", "up", n):
                self.run_cmd(c, memory=False)
            self.check(engine, tool, "ro", n, "upgrade head (read-only fixture)")
        ops = ["current", "status", "history-i", "up-noop"]
        if engine == "sqlite":
            ops += ["heads", "history"]
        for op in ops:
            cmds = {}
            for tool in TOOLS:
                c = self.commands(engine, tool, "ro", op, n)
                if c:
                    cmds[tool] = c
            self.quick_cases((engine, op, n), cmds, reps)
            self.say("  %-10s %s" % (op, "  ".join(
                "%s %.3f s" % (t, statistics.median(self.results[(engine, op, n)][t]["t"]))
                for t in cmds)))

    def graph_cases(self):
        for n in self.a.graph_sizes:
            tools = [STRATA] + ([ALEMBIC] if n <= self.a.alembic_graph_max else [])
            self.say("graph: heads and history over %d revisions: %s" % (n, ", ".join(tools)))
            for op in ("heads", "history"):
                cmds = {}
                # The floor: only reading every revision file (find lists the folder, cat
                # opens and reads each file), what any loader that reads the files pays.
                vdir = os.path.join(self.project(STRATA, n), "migrations", "versions")
                if op == "heads":
                    cmds[FLOOR] = [(["find", vdir, "-name", "*.sql", "-exec", "cat", "{}", "+"],
                                    vdir, None, None)]
                for tool in tools:
                    d = self.project(tool, n)
                    if tool == STRATA:
                        argv = [self.strata, "-q", "-c", os.path.join(d, "strata.ini"), op]
                        cmds[tool] = [(argv, d, None, None)]
                        cmds[COLD] = [(argv, d, None, dict(os.environ, STRATA_NO_CACHE="1"))]
                    else:
                        cmds[tool] = [([self.alembic, "-c", os.path.join(d, "alembic.ini"), op],
                                       d, None, None)]
                reps = self.a.reps if n <= 10000 else max(1, self.a.reps // 2)
                self.quick_cases(("graph", op, n), cmds, reps)
                self.say("  %-8s %s" % (op, "  ".join(
                    "%s %.3f s" % (t, statistics.median(self.results[("graph", op, n)][t]["t"]))
                    for t in cmds)))

    def sync_cases(self, sizes=(10, 20)):
        """fsync/fdatasync calls of one small SQLite upgrade per tool, counted by strace at two
        sizes: the difference is the syncs each added migration (one commit) costs, whatever
        the tool does once per run.  strace -w also sums the wall time spent inside them."""
        strace = shutil.which("strace")
        if not strace:
            self.say("syncs: no strace, not counted")
            return
        self.say("syncs: strace -f -c -w -e trace=fsync,fdatasync on SQLite upgrades, N=%s" %
                 " and ".join(map(str, sizes)))
        for n in sizes:
            for tool in TOOLS:
                self.reset("sqlite", tool, "sync")
                out = os.path.join(self.work, "strace.txt")
                c = self.commands("sqlite", tool, "sync", "up", n)[0]
                argv = [strace, "-f", "-c", "-w", "--seccomp-bpf", "-e",
                        "trace=fsync,fdatasync", "-o", out] + c[0]
                try:
                    t, _ = self.run1(argv, c[1], c[2], c[3], False)
                except Failed as e:
                    self.say("syncs: strace failed, not counted: %s" % str(e).splitlines()[0])
                    return
                self.check("sqlite", tool, "sync", n, "upgrade head under strace")
                calls = secs = 0
                for line in open(out):
                    f = line.split()
                    if f and f[-1] in ("fsync", "fdatasync"):
                        calls += int(f[3])
                        secs += float(f[1])
                self.results.setdefault(("sync", n), {})[tool] = {
                    "t": [t], "rss": [], "syncs": calls, "sync_s": secs}
            self.say("  N=%d: %s" % (n, "  ".join(
                "%s %d syncs" % (tool, v["syncs"]) for tool, v in
                self.results[("sync", n)].items())))
        # Which `synchronous` each tool runs SQLite with: a one-migration project whose
        # migration stores PRAGMA synchronous in a table (0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA).
        probe = "CREATE TABLE sync_probe AS SELECT * FROM pragma_synchronous;"
        d = os.path.join(self.work, "proj", "sync-probe")
        os.makedirs(os.path.join(d, "migrations", "versions"), exist_ok=True)
        os.makedirs(os.path.join(d, "db", "migrations"), exist_ok=True)
        write(os.path.join(d, "strata.ini"), "[strata]\nscript_location = migrations\n")
        write(os.path.join(d, "migrations", "versions", "probe00001_probe.sql"),
              "-- revision: probe00001\n\n-- migrate:up\n%s\n\n-- migrate:down\n"
              "DROP TABLE sync_probe;\n" % probe)
        write(os.path.join(d, "db", "migrations", "000001_probe.sql"),
              "-- migrate:up\n%s\n\n-- migrate:down\nDROP TABLE sync_probe;\n" % probe)
        write(os.path.join(d, "probe.sql"), "BEGIN;\n%s\nCOMMIT;\n" % probe)
        runs = {STRATA: [self.strata, "-q", "-c", os.path.join(d, "strata.ini"), "--url",
                         self.url("sqlite", STRATA, "probe"), "upgrade", "head"],
                DBMATE: [self.dbmate, "--no-dump-schema", "-d",
                         os.path.join(d, "db", "migrations"), "-u",
                         self.url("sqlite", DBMATE, "probe"), "migrate"],
                FLOOR: ["sqlite3", "-batch", "-bail", self.sqlite_path(FLOOR, "probe")]}
        import sqlite3
        for tool, argv in runs.items():
            self.reset("sqlite", tool, "probe")
            self.run1(argv, d, os.path.join(d, "probe.sql") if tool == FLOOR else None, None,
                      False)
            c = sqlite3.connect(self.sqlite_path(tool, "probe"))
            try:
                level = c.execute("SELECT * FROM sync_probe").fetchone()[0]
            finally:
                c.close()
            self.results.setdefault(("sync", "pragma"), {})[tool] = {"t": [], "rss": [],
                                                                    "synchronous": level}
        self.say("  PRAGMA synchronous inside a migration: %s" % "  ".join(
            "%s %s" % (t, v["synchronous"]) for t, v in self.results[("sync", "pragma")].items()))

    def autogenerate_cases(self, engine):
        for k in self.a.ag_sizes:
            self.autogenerate_case(engine, k)

    def autogenerate_case(self, engine, k):
        """A database at head of K tables built by migrations; (a) `check` with nothing to
        change, (b) `revision --autogenerate` with a few changes (and `check` finding them),
        against the raw floor and Alembic's `revision --autogenerate`."""
        purpose = "ag%d" % k
        sd = os.path.join(self.work, "proj", "ag-strata-%d" % k)
        ad = os.path.join(self.work, "proj", "ag-alembic-%d" % k)
        if not os.path.isdir(sd):
            gen_ag_strata(sd, k)
        with_alembic = k <= self.a.ag_alembic_max
        if with_alembic and not os.path.isdir(ad):
            gen_ag_alembic(ad, k)
        tools = [FLOOR, STRATA] + ([ALEMBIC] if with_alembic else [])
        self.say("%s: autogenerate and check, %d tables: %s" % (engine, k, ", ".join(tools)))
        # The databases at head (untimed)
        surl = self.url(engine, STRATA, purpose)
        strata = lambda ini, *args: [self.strata, "-q", "-c", os.path.join(sd, ini),
                                     "--url", surl] + list(args)
        self.reset(engine, STRATA, purpose)
        self.run_cmd((strata("strata.ini", "upgrade", "head"), sd, None, None), False)
        aenv = dict(os.environ, BENCH_URL=self.url(engine, ALEMBIC, purpose))
        if with_alembic:
            self.reset(engine, ALEMBIC, purpose)
            self.run_cmd(([self.alembic, "-c", os.path.join(ad, "alembic.ini"), "upgrade",
                           "head"], ad, None, aenv), False)
        for tool in tools[1:]:
            got = self.count_tables(engine, tool, purpose, "a")
            if got != k:
                raise Failed("autogenerate fixture: %s made %d tables on %s, expected %d" %
                             (tool, got, engine, k))
        # The floor's scripts, naming the live database
        floor = {}
        for which in ("check", "changed"):
            if engine == "sqlite":
                src, live = "floor-%s.sql" % which, self.sqlite_path(STRATA, purpose)
            else:
                src, live = "floor-%s.psql" % which, self.db_name(STRATA, purpose)
            path = os.path.join(sd, "%s-%s" % (engine, src))
            write(path, open(os.path.join(sd, src)).read().replace("@LIVE@", live))
            if engine == "sqlite":
                floor[which] = [(["sqlite3", "-batch", "-bail", ":memory:"], sd, path, None)]
            else:
                floor[which] = [([self.psql, "-X", "-q", "-d", self.pg_url("postgres", FLOOR),
                                  "-f", path], sd, None, None)]

        def alembic(models):
            return [([self.alembic, "-c", os.path.join(ad, "alembic.ini"), "revision",
                      "--autogenerate", "-m", models], ad, None, dict(aenv, BENCH_MODELS=models))]

        def new_revision(d, ext):
            vd = os.path.join(d, "migrations", "versions")
            new = [f for f in os.listdir(vd) if f.endswith(ext) and not f.startswith("ag")]
            if len(new) != 1:
                raise Failed("autogenerate on %s, %d tables: %d new revision files in %s, "
                             "expected 1" % (engine, k, len(new), vd))
            path = os.path.join(vd, new[0])
            text = open(path).read()
            os.unlink(path)
            shutil.rmtree(os.path.join(vd, "__pycache__"), ignore_errors=True)
            return text

        new_t = ag_table(k + 1)

        def strata_after():
            text = new_revision(sd, ".sql")
            up = text.split("-- migrate:down")[0]
            want = [r'CREATE TABLE "?%s"?' % new_t, r'ADD COLUMN "?note"?',
                    r'CREATE INDEX "?%s_qty"?' % ag_table(2)]
            missing = [w for w in want if not re.search(w, up)]
            if missing or re.search(r"^\s*DROP", up, re.M):
                raise Failed("strata revision --autogenerate on %s, %d tables: the revision "
                             "lacks %s or drops something:\n%s" % (engine, k, missing, text))

        def alembic_after(changed):
            def f():
                text = new_revision(ad, ".py")
                up = text.split("def downgrade")[0]
                if changed:
                    want = [r"op\.create_table\('%s'" % new_t,
                            r"op\.add_column\('%s', sa\.Column\('note'" % ag_table(1),
                            r"op\.create_index\('%s_qty'" % ag_table(2)]
                    missing = [w for w in want if not re.search(w, up)]
                    if missing:
                        raise Failed("alembic revision --autogenerate on %s, %d tables: the "
                                     "revision lacks %s:\n%s" % (engine, k, missing, text))
                    extra = len(re.findall(r"^    op\.", up, re.M)) - 5
                else:
                    extra = len(re.findall(r"^    op\.", up, re.M))
                if extra > 0:
                    note = ("Alembic on %s, %d tables: %d operation(s) beyond the expected ones "
                            "in its revision (%s)" % (engine, k, extra,
                                                      "with changes" if changed else "no change"))
                    if note not in self.notes:
                        self.notes.append(note)
            return f

        # (a) nothing to change: strata check; Alembic has no check, its autogenerate is the
        # same comparison (it writes an empty revision, removed after each run).
        cmds = {FLOOR: floor["check"], STRATA: [(strata("strata.ini", "check"), sd, None, None)]}
        after = {}
        if with_alembic:
            cmds[ALEMBIC] = alembic("models")
            after[ALEMBIC] = alembic_after(False)
        reps, inline = self.a.ag_reps_for(engine, k), k >= 100
        self.quick_cases((engine, "ag-check", k), cmds, reps, after, inline)
        # (b) a few changes: strata revision --autogenerate (and check, which exits 3)
        cmds = {FLOOR: floor["changed"],
                STRATA: [(strata("strata-changed.ini", "revision", "--autogenerate", "-m",
                                 "changes"), sd, None, None)]}
        after = {STRATA: strata_after}
        if with_alembic:
            cmds[ALEMBIC] = alembic("models_changed")
            after[ALEMBIC] = alembic_after(True)
        self.quick_cases((engine, "ag-revision", k), cmds, reps, after, inline)
        self.quick_cases((engine, "ag-check-changed", k),
                         {STRATA: [(strata("strata-changed.ini", "check"), sd, None, None,
                                    (3,))]}, reps, None, inline)
        for op in ("ag-check", "ag-revision", "ag-check-changed"):
            self.say("  %-16s %s" % (op, "  ".join(
                "%s %.3f s" % (t, statistics.median(v["t"]))
                for t, v in self.results[(engine, op, k)].items())))

    def startup_cases(self):
        self.say("start-up: --version")
        cmds = {
            FLOOR: [(["sqlite3", "--version"], self.work, None, None)],
            "psql": [([self.psql, "--version"], self.work, None, None)],
            STRATA: [([self.strata, "--version"], self.work, None, None)],
            ALEMBIC: [([self.alembic, "--version"], self.work, None, None)],
            DBMATE: [([self.dbmate, "--version"], self.work, None, None)],
        }
        self.quick_cases(("startup",), cmds, self.a.startup_reps)


# --------------------------------------------------------------------------------------------
# The report

def med(r, key, tool):
    s = r.get(key, {}).get(tool)
    return statistics.median(s["t"]) if s and s["t"] else None


def fastest(r, key, tool):
    s = r.get(key, {}).get(tool)
    return min(s["t"]) if s and s["t"] else None


def mem(r, key, tool):
    s = r.get(key, {}).get(tool)
    return max(s["rss"]) / 1024.0 if s and s["rss"] else None


def fs(x):
    """Seconds, three significant digits."""
    if x is None:
        return "–"
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    if x >= 1:
        return "%.2f" % x
    if x >= 0.1:
        return "%.3f" % x
    if x >= 0.01:
        return "%.4f" % x
    return "%.5f" % x


def fx(a, b):
    return "×%.2f" % (a / b) if a is not None and b else "–"


def fm(x):
    return "%.1f" % x if x is not None else "–"


def nsamples(r, key):
    ns = {len(v["t"]) for v in r.get(key, {}).values()}
    return "/".join(str(n) for n in sorted(ns)) if ns else "0"


def md_table(head, rows, left=1):
    """A Markdown table: the first LEFT columns left-aligned, the numbers right-aligned."""
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" if i < left else "---:"
                                                            for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(out)


OPS_TITLE = {"up": "`upgrade head`", "down": "`downgrade base`", "current": "`current`",
             "status": "`status`", "history-i": "`history -i` (reads the database)",
             "up-noop": "`upgrade head` at head (nothing to do)",
             "heads": "`heads`", "history": "`history`"}


def engine_section(r, engine, a):
    floor_name = "`sqlite3` CLI" if engine == "sqlite" else "`psql -f`"
    head = ["work", "runs", "raw floor", "strata", "Alembic", "dbmate", "strata ÷ floor",
            "Alembic ÷ strata", "dbmate ÷ strata"]
    rows, frows, mrows = [], [], []
    keys = [(engine, "up", n) for n in a.sizes + a.big_sizes]
    keys += [(engine, "down", n) for n in a.sizes]
    keys += [(engine, op, a.ro_size) for op in ("current", "status", "history-i", "up-noop",
                                                  "heads", "history")]
    for key in keys:
        if key not in r:
            continue
        _, op, n = key
        v = {t: med(r, key, t) for t in TOOLS}
        rows.append(["%s, N=%d" % (OPS_TITLE[op], n), nsamples(r, key)] +
                    [fs(v[t]) for t in TOOLS] +
                    [fx(v[STRATA], v[FLOOR]), fx(v[ALEMBIC], v[STRATA]), fx(v[DBMATE], v[STRATA])])
        if op in ("up", "down"):
            f = {t: fastest(r, key, t) for t in TOOLS}
            frows.append(["%s, N=%d" % (OPS_TITLE[op], n), nsamples(r, key)] +
                         [fs(f[t]) for t in TOOLS] +
                         [fx(f[STRATA], f[FLOOR]), fx(f[ALEMBIC], f[STRATA]),
                          fx(f[DBMATE], f[STRATA])])
        mkey = key if op in ("up", "down") else key + ("mem",)
        mrows.append(["%s, N=%d" % (OPS_TITLE[op], n)] + [fm(mem(r, mkey, t)) for t in TOOLS])
    title = "SQLite" if engine == "sqlite" else "PostgreSQL"
    s = ["## %s\n" % title,
         "Wall-clock seconds, medians of the runs shown (tools alternating). Raw floor: %s. "
         "× columns: above 1 means the second tool is faster; `strata ÷ floor` is strata's "
         "overhead over the database's own client. – : the tool has no such command, or it was "
         "not run at that size (see the notes).\n" % floor_name,
         md_table(head, rows), "",
         "The same migrations, **fastest run** of each tool instead of the median: the run least "
         "disturbed by the machine (other processes, the disk's `fsync` latency). On a shared "
         "machine a burst of slow `fsync`s can hit two of a tool's runs and move its median; "
         "the fastest runs show what each tool costs when left alone.\n",
         md_table(head, frows), "",
         "Peak memory (max RSS, MiB, `/usr/bin/time -f %M`; for dbmate's `downgrade` the largest "
         "of its one-migration-at-a-time processes):\n",
         md_table(["work", "raw floor", "strata", "Alembic", "dbmate"], mrows), ""]
    return "\n".join(s)


def graph_section(r, a):
    rows = []
    for tool in (FLOOR, STRATA, COLD, ALEMBIC):
        for op in ("heads", "history") if tool != FLOOR else ("heads",):
            prev = None
            for n in a.graph_sizes:
                v = med(r, ("graph", op, n), tool)
                if v is None:
                    continue
                growth = marginal = "–"
                if prev:
                    pn, pv = prev
                    growth = "×%.1f for ×%g revisions" % (v / pv, n / pn)
                    marginal = "%.1f" % ((v - pv) / (n - pn) * 1e6)
                prev = (n, v)
                rows.append([TITLE[tool], "`%s`" % op if tool != FLOOR else
                             "read every file (`find -exec cat`)", "{:,}".format(n),
                             nsamples({0: {tool: r[("graph", op, n)][tool]}}, 0), fs(v), growth,
                             "%.1f" % (v / n * 1e6), marginal,
                             fm(mem(r, ("graph", op, n, "mem"), tool))])
    head = ["tool", "command", "revisions", "runs", "s", "growth", "µs/rev",
            "marginal µs/rev", "max RSS MiB"]
    s = ["## The revision graph, without a database\n",
         "Reading, parsing and validating every revision file, building the graph, then "
         "printing the heads or the whole history (to a file). strata keeps parsed headers in "
         "its header cache (under `XDG_CACHE_HOME`, each entry used only while a `stat` of its "
         "file matches; see docs/internals/performance.md): *strata* is a run with the cache "
         "filled (as every run after the first), *strata, header cache off* "
         "(`STRATA_NO_CACHE=1`) reads every file, as a first run does. µs/rev is the whole run divided "
         "by the number of revisions (start-up included, which weighs at small sizes); "
         "*marginal* µs/rev is the cost of each revision added since the previous size, "
         "(t₂ − t₁) / (n₂ − n₁). Linear growth shows as a steady marginal cost and ×10 for ×10 "
         "revisions.\n",
         md_table(head, rows, left=2), ""]
    return "\n".join(s)


SYNC_LEVEL = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


def sync_stats(r):
    """{tool: (syncs per migration, share of the N=20 run's wall time spent in syncs)} from
    the strace counts at two sizes, or {} when they were not counted."""
    ks = sorted(k[1] for k in r if len(k) == 2 and k[0] == "sync" and isinstance(k[1], int))
    if len(ks) < 2:
        return {}
    lo, hi = ks[0], ks[-1]
    out = {}
    for tool in TOOLS:
        a, b = r[("sync", lo)].get(tool), r[("sync", hi)].get(tool)
        if a and b:
            out[tool] = ((b["syncs"] - a["syncs"]) / float(hi - lo),
                         b["sync_s"] / b["t"][0] if b["t"][0] else 0.0)
    return out


def sync_section(r):
    ks = sorted(k[1] for k in r if len(k) == 2 and k[0] == "sync" and isinstance(k[1], int))
    if len(ks) < 2:
        return ""
    st = sync_stats(r)
    lvl = r.get(("sync", "pragma"), {})
    rows = []
    for tool in TOOLS:
        if tool not in st:
            continue
        level = lvl.get(tool, {}).get("synchronous")
        rows.append([TITLE[tool] + (" (`sqlite3` CLI)" if tool == FLOOR else ""),
                     "%d (%s)" % (level, SYNC_LEVEL.get(level, "?")) if level is not None
                     else "–"] +
                    [str(r[("sync", n)][tool]["syncs"]) for n in ks] +
                    ["%.1f" % st[tool][0], "%.0f%%" % (100 * st[tool][1])])
    return "\n".join([
        "## SQLite: syncs per commit\n",
        "`strace -f -c -w -e trace=fsync,fdatasync` on one SQLite `upgrade head` per tool at "
        "N=%s (the same migrations as above), in this run. *Per migration* is the difference "
        "between the two sizes divided by the migrations added: what each migration's commit "
        "costs, whatever a tool does once per run. *Time in syncs* is the wall time strace "
        "measured inside those calls, as a share of the N=%d run (under strace). `synchronous` "
        "is `PRAGMA synchronous` read inside a migration run by each tool.\n" % (
            " and ".join(map(str, ks)), ks[-1]),
        md_table(["tool", "`synchronous`"] + ["syncs, N=%d" % n for n in ks] +
                 ["per migration", "time in syncs"], rows), ""])


def single_section(r, a):
    rows, mrows = [], []
    for engine in ("sqlite", "pg"):
        for n in a.single_sizes:
            key = (engine, "up1", n)
            if key not in r:
                continue
            v = {t: med(r, key, t) for t in (FLOOR, STRATA, ALEMBIC)}
            per = med(r, (engine, "up", n), STRATA)
            title = "%s, N=%d" % ("SQLite" if engine == "sqlite" else "PostgreSQL", n)
            rows.append([title, nsamples(r, key)] + [fs(v[t]) for t in (FLOOR, STRATA, ALEMBIC)] +
                        [fx(v[STRATA], v[FLOOR]), fx(v[ALEMBIC], v[STRATA]), fs(per)])
            mrows.append([title] + [fm(mem(r, key, t)) for t in (FLOOR, STRATA, ALEMBIC)])
    if not rows:
        return ""
    return "\n".join([
        "## One-transaction mode\n",
        "`strata upgrade head --single-transaction`: the whole run in one transaction, from an "
        "empty database. Its raw floor is the same statements and version-table writes inside "
        "one `BEGIN`/`COMMIT`, through `sqlite3` and `psql -f`. Alembic: the same `env.py` "
        "with `transaction_per_migration=False` (one transaction, its default). dbmate has no "
        "such mode. The last column is strata's `upgrade head` with a transaction per "
        "migration (the tables above), for comparison.\n",
        md_table(["work (medians, s)", "runs", "raw floor", "strata", "Alembic",
                  "strata ÷ floor", "Alembic ÷ strata", "strata, a transaction per migration"],
                 rows), "",
        "Peak memory (MiB):\n",
        md_table(["work", "raw floor", "strata", "Alembic"], mrows), ""])


AG_TITLE = {"ag-check": "(a) `check`, nothing to change",
            "ag-revision": "(b) `revision --autogenerate`, a few changes",
            "ag-check-changed": "`check` finding those changes (exit 3)"}


def autogenerate_section(r, a, notes):
    rows, mrows = [], []
    for engine in ("sqlite", "pg"):
        eng = "SQLite" if engine == "sqlite" else "PostgreSQL"
        for k in a.ag_sizes:
            for op in ("ag-check", "ag-revision", "ag-check-changed"):
                key = (engine, op, k)
                if key not in r:
                    continue
                v = {t: med(r, key, t) for t in (FLOOR, STRATA, ALEMBIC)}
                title = "%s, %d tables: %s" % (eng, k, AG_TITLE[op])
                rows.append([title, nsamples(r, key)] + [fs(v[t]) for t in (FLOOR, STRATA, ALEMBIC)]
                            + [fx(v[STRATA], v[FLOOR]), fx(v[ALEMBIC], v[STRATA])])
                mrows.append([title] + [fm(mem(r, key + ("mem",), t))
                                        for t in (FLOOR, STRATA, ALEMBIC)])
            c, g = med(r, (engine, "ag-check", k), STRATA), med(r, (engine, "ag-revision", k), STRATA)
            if c is not None and g is not None:
                rows.append(["%s, %d tables: **(a) + (b)**" % (eng, k), "", "–", fs(c + g), "–",
                             "", ""])
    if not rows:
        return ""
    s = ["## Autogenerate and `check`\n",
         "A database at head of K tables, built by strata's migrations (10 tables per revision): "
         "each table has a primary key, a `NOT NULL` column with an index, a column with a "
         "default, and a foreign key (indexed) to another table. `schema_file` describes "
         "exactly that for (a); for (b) it adds a table, a column and an index, and every run's "
         "revision file is checked (it must create the table, add the column and create the "
         "index, and drop nothing), then removed so the database stays at head. **Raw floor**: "
         "the engine's own share of the work in one client process: executing `schema_file` "
         "into a scratch database (SQLite: in memory; PostgreSQL: a database created from "
         "`template0`, dropped at the end) and reading back both schemas (SQLite: "
         "`sqlite_master` and every table's `pragma_table_info`, `pragma_index_list`, "
         "`pragma_foreign_key_list`; PostgreSQL: columns with types and defaults, indexes and "
         "constraints from the catalogs), without comparing anything or writing a file. "
         "**Alembic**: `revision --autogenerate` against the same tables as SQLAlchemy `Table` "
         "objects (`target_metadata` in `env.py`, its default comparisons) and a database at "
         "head built by Alembic migrations running the same SQL; Alembic 1.8.1 has no `check`, so "
         "its (a) is `revision --autogenerate` with nothing to change (it writes an empty "
         "revision, removed after each run). Medians, one untimed warm-up run each; peak memory from "
         "the timed runs (at 10 tables, from one more run).\n",
         md_table(["work (medians, s)", "runs", "raw floor", "strata", "Alembic",
                   "strata ÷ floor", "Alembic ÷ strata"], rows), "",
         "Peak memory (MiB):\n",
         md_table(["work", "raw floor", "strata", "Alembic"], mrows), ""]
    if notes:
        s += ["Noticed in this run:\n"] + ["- " + n for n in notes] + [""]
    return "\n".join(s)


def measured_size(r, engine, op, n, need=()):
    """N if (engine, op, N) was measured, else the largest size measured (a --quick or --only
    run) with every tool in NEED, or None."""
    ns = sorted(k[2] for k in r if len(k) == 3 and k[0] == engine and k[1] == op and
                all(t in r[k] for t in need))
    if not ns:
        return None
    return n if n in ns else ns[-1]


def ms(x):
    return "%.1f ms" % (x * 1000) if x is not None else "–"


def targets_section(r, a):
    """One row per target of issue #6: the value measured in this run, met or not (computed
    here, from this run's medians), and for a target not met what the time goes to (from
    this run's numbers) and what would close it."""
    rows = []
    MET, NOT, NA = "**met**", "**not met**", "not measured"

    def add(target, measured, ok, why_not="", why_met=""):
        if ok is None:
            rows.append([target, measured or "–", NA, ""])
        else:
            rows.append([target, measured, MET if ok else NOT, why_met if ok else why_not])

    def at(engine, op, n, need=(), unit="N=%d"):
        m = measured_size(r, engine, op, n, need)
        note = "" if m is None or m == n else " (measured at %s only, not %s)" % (
            unit % m, unit % n)
        return m, note

    st = sync_stats(r)
    lvl = r.get(("sync", "pragma"), {})

    def fixed_cost(engine, gap, n):
        """What strata's fixed cost (upgrade head with nothing to do) explains of a gap."""
        m = measured_size(r, engine, "up-noop", a.ro_size)
        noop = med(r, (engine, "up-noop", m), STRATA) if m else None
        if noop is None or gap is None:
            return ""
        rest = gap - noop
        what = ("strata's fixed cost per run (`upgrade head` with nothing to do at N=%d: "
                "start-up, reading the revisions, connecting, reading the version table) is %s"
                % (m, ms(noop)))
        if rest <= 0:
            return ("of the %s over the floor, %s: as much as the whole gap, so the migrations "
                    "themselves cost no more than the floor's; the fixed cost is what to cut. "
                    % (ms(gap), what))
        return ("of the %s over the floor, %s; the remaining %s is %s per migration of "
                "strata's own work beyond the floor's statements and version-table write (its "
                "history rows, statement splitting, round trips): closing the gap means cutting "
                "both. " % (
                    ms(gap), what, ms(rest), ms(rest / n)))

    # ---- 1. upgrade head, a transaction per migration
    n, note = at("sqlite", "up", 1000, need=(STRATA, FLOOR, DBMATE))
    if n:
        s_, f_, d_ = (med(r, ("sqlite", "up", n), t) for t in (STRATA, FLOOR, DBMATE))
        ok = s_ is not None and f_ is not None and d_ is not None and s_ <= f_ and s_ < d_
        sy = ""
        if st:
            sy = "syncs per migration (strace, this run): %s. " % ", ".join(
                "%s %.1f%s" % (TITLE[t], st[t][0], " (synchronous=%s)" % SYNC_LEVEL.get(
                    lvl[t]["synchronous"], "?") if t in lvl else "") for t in TOOLS if t in st)
            if STRATA in st:
                sy += "Waiting in them: %.0f%% of strata's run. " % (100 * st[STRATA][1])
        why = ""
        if f_ is not None and s_ is not None and s_ > f_:
            why += "strata ×%.2f of the floor: " % (s_ / f_) + fixed_cost("sqlite", s_ - f_, n)
        if d_ is not None and s_ is not None and s_ >= d_:
            why += "dbmate is faster: " + sy
            if st and STRATA in st and FLOOR in st and DBMATE in st:
                if st[STRATA][0] > st[FLOOR][0] + 0.5:
                    why += ("strata syncs more per commit than the `sqlite3` CLI; making no "
                            "more syncs than the engine needs would close it.")
                elif st[DBMATE][0] < st[STRATA][0]:
                    why += ("strata makes no more syncs per commit than the `sqlite3` CLI; "
                            "dbmate makes fewer because it runs SQLite with a weaker "
                            "durability setting. Only the same trade (synchronous=NORMAL, or "
                            "WAL) would close the gap, not faster code.")
        add("SQLite `upgrade head`, N=1000, a transaction per migration: ≤ `sqlite3` floor "
            "and faster than dbmate",
            "strata %s s, floor %s s (×%s), dbmate %s s%s" % (
                fs(s_), fs(f_), "%.2f" % (s_ / f_) if s_ and f_ else "–", fs(d_), note),
            ok if s_ is not None else None, why, sy)
    n, note = at("pg", "up", 1000, need=(STRATA, FLOOR))
    if n:
        s_, f_ = med(r, ("pg", "up", n), STRATA), med(r, ("pg", "up", n), FLOOR)
        ok = None if s_ is None or f_ is None else s_ <= 1.10 * f_
        add("PostgreSQL `upgrade head`, N=1000, a transaction per migration: within 1.10× "
            "of the `psql` floor", "strata %s s, floor %s s: ×%.2f%s" % (
                fs(s_), fs(f_), s_ / f_, note) if ok is not None else "",
            ok, fixed_cost("pg", s_ - f_, n) if ok is not None else "")
    for engine, eng, client in (("sqlite", "SQLite", "`sqlite3`"), ("pg", "PostgreSQL", "`psql`")):
        n, note = at(engine, "up1", 1000, need=(STRATA, FLOOR))
        if not n:
            continue
        s_, f_ = med(r, (engine, "up1", n), STRATA), med(r, (engine, "up1", n), FLOOR)
        ok = None if s_ is None or f_ is None else s_ <= 1.10 * f_
        add("%s `upgrade head --single-transaction`, N=1000: within 1.10× of its floor (one "
            "`BEGIN`/`COMMIT` through %s)" % (eng, client),
            "strata %s s, floor %s s: ×%.2f%s" % (fs(s_), fs(f_), s_ / f_, note)
            if ok is not None else "", ok,
            fixed_cost(engine, s_ - f_, n) if ok is not None else "")

    # ---- 2. current and status
    su = med(r, ("startup",), STRATA)
    sq = med(r, ("startup",), FLOOR)
    for engine, eng in (("sqlite", "SQLite"), ("pg", "PostgreSQL")):
        n, note = at(engine, "current", 1000, need=(STRATA, FLOOR))
        if not n:
            continue
        c = med(r, (engine, "current", n), STRATA)
        stt = med(r, (engine, "status", n), STRATA)
        f_ = med(r, (engine, "current", n), FLOOR)
        d_ = med(r, (engine, "status", n), DBMATE)
        worst = max(x for x in (c, stt) if x is not None)
        if engine == "sqlite":
            ok = worst <= 1.5 * f_ and worst < d_
            target = ("SQLite `current` and `status`: within 1.5× of a bare `SELECT` through "
                      "the `sqlite3` CLI, and faster than dbmate")
            need = "≤ %s (1.5 × the floor)" % ms(1.5 * f_)
        else:
            ok = worst < f_ and worst < d_
            target = "PostgreSQL `current` and `status`: faster than `psql -c` and dbmate"
            need = "< %s (the floor)" % ms(f_)
        heads = med(r, (engine, "heads", n), STRATA) or med(r, ("graph", "heads", n), STRATA)
        why = ("It needs %s and < %s (dbmate `status`). Of strata's %s: the process start "
               "(`strata --version`) is %s (`sqlite3 --version`: %s)%s; the rest is connecting "
               "and reading the version table. " % (
                   need, ms(d_), ms(worst), ms(su), ms(sq),
                   "; start-up plus reading and checking the %d revision files, without a "
                   "database (`heads`), %s" % (n, ms(heads)) if heads else ""))
        add(target, "`current` %s, `status` %s; floor %s, dbmate `status` %s%s" % (
            ms(c), ms(stt), ms(f_), ms(d_), note), ok, why)
    ratios = []
    for engine in ("sqlite", "pg"):
        n = measured_size(r, engine, "current", a.ro_size)
        if n:
            al, c = med(r, (engine, "current", n), ALEMBIC), med(r, (engine, "current", n), STRATA)
            if al and c:
                ratios.append((engine, al / c, al, c))
    if ratios:
        ok = all(x[1] >= 50 for x in ratios)
        parts_ = []
        for e, _, al, c in ratios:
            f_ = med(r, (e, "current", measured_size(r, e, "current", a.ro_size)), FLOOR)
            need = al / 50
            eng = "SQLite" if e == "sqlite" else "PostgreSQL"
            if f_ is None:
                parts_.append("%s: ≤ %s" % (eng, ms(need)))
            elif f_ >= need:
                parts_.append("%s: ≤ %s, but the database's own client running the bare query "
                              "(the floor) already takes %s" % (eng, ms(need), ms(f_)))
            else:
                parts_.append("%s: ≤ %s, of which the floor (the bare query through the "
                              "database's own client) takes %s, leaving %s for strata's own "
                              "work, which is now %s" % (eng, ms(need), ms(f_), ms(need - f_),
                                                         ms(c - f_)))
        add("`current`: ≥ 50× faster than Alembic, both engines",
            ", ".join("%s ×%.1f (Alembic %s, strata %s)" % (
                "SQLite" if e == "sqlite" else "PostgreSQL", x, ms(al), ms(c))
                for e, x, al, c in ratios), ok,
            "50× needs strata's `current` at %s. strata's process start is %s. Opening a "
            "database of 1,000 tables makes SQLite parse its whole schema; a PostgreSQL "
            "connection starts a server process: the floors are mostly that." % (
                "; ".join(parts_), ms(su)))

    # ---- 3. the revision graph
    def graph(n):
        vals = [(op, med(r, ("graph", op, n), STRATA), med(r, ("graph", op, n), ALEMBIC))
                for op in ("heads", "history")]
        return [v for v in vals if v[1] is not None]

    def marginal(n):
        ns = sorted(k[2] for k in r if len(k) == 3 and k[0] == "graph" and k[1] == "heads")
        lo = [m for m in ns if m < n]
        if not lo or med(r, ("graph", "heads", n), STRATA) is None:
            return ""
        m = lo[-1]
        v = [(med(r, ("graph", op, n), STRATA) - med(r, ("graph", op, m), STRATA)) / (n - m) * 1e6
             for op in ("heads", "history")]
        return "Each revision added costs %.1f µs (`heads`) / %.1f µs (`history`) (from %s to " \
               "%s revisions); " % (v[0], v[1], "{:,}".format(m), "{:,}".format(n))
    for n, limit in ((10000, 0.050), (100000, 0.5)):
        target_n = n
        vals = graph(n)
        if not vals:
            ns = sorted(k[2] for k in r if len(k) == 3 and k[0] == "graph")
            if not ns:
                continue
            n = max(x for x in ns if x <= n) if any(x <= n for x in ns) else ns[0]
            vals = graph(n)
            note = " (measured at %s revisions only)" % "{:,}".format(n)
        else:
            note = ""
        worst = max(v[1] for v in vals)
        ok = worst < limit
        why = (marginal(n) + "process start %s. Under %s needs at most %.1f µs per revision "
               "all included." % (ms(su), ms(limit), limit / target_n * 1e6))
        rf = med(r, ("graph", "heads", n), FLOOR)
        cold = [med(r, ("graph", op, n), COLD) for op in ("heads", "history")]
        if rf:
            why += (" Only reading the %s files (`find -exec cat`, no parsing) takes %s, "
                    "%s the target: strata reads no file whose parsed headers its header "
                    "cache holds, after one `stat` of it (each file's identity must still "
                    "match: the kernel's per-file cost that remains)" % (
                        "{:,}".format(n), ms(rf), "over" if rf >= limit else "under"))
            if all(cold):
                why += "; with the cache off (a first run) `heads` takes %s, `history` %s" % (
                    ms(cold[0]), ms(cold[1]))
            why += ". See docs/internals/performance.md."
        add("`heads` and `history` over {:,} revisions: under {}".format(
            10000 if limit < 0.1 else 100000, ms(limit)),
            ", ".join("`%s` %s" % (op, ms(v)) for op, v, _ in vals) + note, ok, why)
        if limit < 0.1:
            al = [(op, x / v) for op, v, x in vals if x]
            if al:
                ok = min(x for _, x in al) >= 30
                add("`heads` and `history` over 10,000 revisions: ≥ 30× faster than Alembic",
                    ", ".join("`%s` ×%.1f" % (op, x) for op, x in al) + note, ok,
                    "30× needs strata at ≤ %s. " % " / ".join(
                        ms(x / 30) for _, _, x in vals if x) + why)

    # ---- 4. autogenerate + check
    k, note = at("sqlite", "ag-check", 500, need=(STRATA,), unit="%d tables")
    if k:
        c = med(r, ("sqlite", "ag-check", k), STRATA)
        g = med(r, ("sqlite", "ag-revision", k), STRATA)
        fc = med(r, ("sqlite", "ag-check", k), FLOOR)
        fg = med(r, ("sqlite", "ag-revision", k), FLOOR)
        if c is not None and g is not None:
            why = ("Of the %s, the engine's own work (the floor: executing the schema file into "
                   "memory and reading back both schemas) is %s and strata's process start %s "
                   "per command; the rest, %s, is strata's reading and comparing of both "
                   "schemas and writing the revision." % (
                       ms(c + g), ms((fc or 0) + (fg or 0)), ms(su),
                       ms(c + g - (fc or 0) - (fg or 0) - 2 * (su or 0))))
            add("SQLite autogenerate + `check`, 500 tables: under 1 s",
                "(a) `check` %s + (b) `revision --autogenerate` %s = %s%s" % (
                    ms(c), ms(g), ms(c + g), note), c + g < 1.0, why)

    # ---- 5. memory
    n, note = at("sqlite", "up", 1000, need=(STRATA,))
    vals = [(e, mem(r, (e, "up", measured_size(r, e, "up", 1000, (STRATA,))), STRATA))
            for e in ("sqlite", "pg") if measured_size(r, e, "up", 1000, (STRATA,))]
    vals = [v for v in vals if v[1] is not None]
    if vals:
        worst = max(v[1] for v in vals)
        base = mem(r, ("startup", "mem"), STRATA)
        add("Peak memory, `upgrade head` N=1000: under 10 MiB (dbmate 30, Alembic 57)",
            ", ".join("%s %.1f MiB" % ("SQLite" if e == "sqlite" else "PostgreSQL", v)
                      for e, v in vals) + note, worst < 10,
            "The process alone (`strata --version`) peaks at %s MiB (the executable and the "
            "libraries it maps); the remaining %.1f MiB is what the run holds (the revisions "
            "read, the database library's cache and statements). Closing it means holding "
            "less per revision and mapping less at start." % (fm(base), worst - (base or 0)))
    ns = sorted(k[2] for k in r if len(k) == 3 and k[0] == "graph" and k[1] == "heads")
    if ns:
        n = 100000 if 100000 in ns else ns[-1]
        # With the header cache and without (a first run also writes the cache).
        worst = max(x for x in (mem(r, ("graph", op, n, "mem"), t)
                                for op in ("heads", "history") for t in (STRATA, COLD))
                    if x is not None)
        per = ""
        if len(ns) > 1:
            m = [x for x in ns if x < n][-1]
            lo = max(x for x in (mem(r, ("graph", "heads", m, "mem"), t) for t in (STRATA, COLD))
                     if x is not None)
            per = "%.2f KiB per revision (from %s to %s revisions); " % (
                (worst - lo) * 1024 / (n - m), "{:,}".format(m), "{:,}".format(n))
        add("Peak memory over 100,000 revisions: under 64 MiB",
            "%.1f MiB%s" % (worst, "" if n == 100000 else
                            " (measured at %s revisions only)" % "{:,}".format(n)),
            worst < 64, per + "under 64 MiB needs at most %.2f KiB per revision." % (
                64 * 1024 / 100000.0))
    if not rows:
        return ""
    return "\n".join([
        "## Targets\n",
        "The targets of issue #6, judged on this run's medians (met or not is computed by "
        "`bench/bench.py` from the numbers below, nothing is written by hand). For a target "
        "not met, *why* says where the time or memory goes, from this run's measurements, and "
        "what would close the gap.\n",
        md_table(["target", "measured", "verdict", "why"], rows, left=4), ""])


def startup_section(r):
    key = ("startup",)
    rows = []
    for tool, name in (("psql", "`psql --version`"), (FLOOR, "`sqlite3 --version`"),
                       (STRATA, "`strata --version`"), (ALEMBIC, "`alembic --version`"),
                       (DBMATE, "`dbmate --version`")):
        v = med(r, key, tool)
        rows.append([name, nsamples({key: {tool: r[key][tool]}}, key) if v is not None else "0",
                     fs(v), "%.1f" % (v * 1000) if v is not None else "–",
                     fx(v, med(r, key, STRATA)) if tool != STRATA else "",
                     fm(mem(r, key + ("mem",), tool))])
    return "\n".join(["## Start-up\n",
                      md_table(["command", "runs", "s", "ms", "÷ strata", "max RSS MiB"], rows),
                      ""])


def summary_section(r, a):
    n, ro = 1000, a.ro_size
    rows = []

    def row(title, key, floor_tool=FLOOR, mem_=False):
        if mem_:
            v = {t: mem(r, key, t) for t in TOOLS}
            f = lambda x: "%.1f MiB" % x if x is not None else "–"
        else:
            v = {t: med(r, key, t) for t in TOOLS}
            f = fs
        if all(x is None for x in v.values()):
            return
        cells = [title, f(v[floor_tool]), f(v[STRATA]), fx(v[STRATA], v[floor_tool]),
                 f(v[ALEMBIC]), fx(v[ALEMBIC], v[STRATA]), f(v[DBMATE]), fx(v[DBMATE], v[STRATA])]
        rows.append(cells)

    row("SQLite `upgrade head`, N=%d, a transaction per migration" % n, ("sqlite", "up", n))
    row("SQLite `current`, N=%d applied" % ro, ("sqlite", "current", ro))
    row("SQLite `downgrade base`, N=100", ("sqlite", "down", 100))
    row("SQLite peak memory, upgrade N=%d" % n, ("sqlite", "up", n), mem_=True)
    row("PostgreSQL `upgrade head`, N=%d" % n, ("pg", "up", n))
    row("PostgreSQL `current`, N=%d" % ro, ("pg", "current", ro))
    gk = ("graph", "heads", 10000)
    if gk in r:
        v = {t: med(r, gk, t) for t in (STRATA, ALEMBIC)}
        rows.append(["`heads` over 10,000 revisions", "–", fs(v[STRATA]), "",
                     fs(v[ALEMBIC]), fx(v[ALEMBIC], v[STRATA]), "–", ""])
    if ("startup",) in r:
        k = ("startup",)
        v = {t: med(r, k, t) for t in (FLOOR, STRATA, ALEMBIC, DBMATE)}
        rows.append(["start-up (`--version`)", fs(v[FLOOR]) + " (`sqlite3`)", fs(v[STRATA]),
                     fx(v[STRATA], v[FLOOR]), fs(v[ALEMBIC]), fx(v[ALEMBIC], v[STRATA]),
                     fs(v[DBMATE]), fx(v[DBMATE], v[STRATA])])
    head = ["work (medians, s)", "raw floor", "strata", "strata ÷ floor", "Alembic",
            "Alembic ÷ strata", "dbmate", "dbmate ÷ strata"]
    return "\n".join(["## Summary (the issue's table)\n", md_table(head, rows), ""])


def machine_info():
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    debian = open("/etc/debian_version").read().strip() if os.path.exists(
        "/etc/debian_version") else "?"
    mem_kb = 0
    for line in open("/proc/meminfo"):
        if line.startswith("MemTotal"):
            mem_kb = int(line.split()[1])
    return {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "debian": debian,
            "memory_gib": round(mem_kb / 1024 / 1024, 1), "load": os.getloadavg()}


def first_line(argv):
    try:
        p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        return p.stdout.strip().splitlines()[0] if p.stdout.strip() else "?"
    except OSError:
        return "?"


def versions(b):
    v = {}
    v["strata"] = first_line([b.strata, "--version"])
    try:
        git = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                             stdout=subprocess.PIPE, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "src", "cli",
                                "include", "meson.build"],
                               stdout=subprocess.PIPE, text=True).stdout.strip()
        v["strata"] += " (commit %s%s, %s build)" % (git, ", with uncommitted changes in src/"
                                                     if dirty else "", b.a.buildtype)
    except OSError:
        pass
    import sqlite3
    v["Alembic"] = first_line([b.alembic, "--version"])
    try:
        import sqlalchemy
        v["SQLAlchemy"] = sqlalchemy.__version__
    except ImportError:
        pass
    try:
        import psycopg2
        v["psycopg2"] = psycopg2.__version__.split()[0]
    except ImportError:
        pass
    v["Python"] = platform.python_version() + " (" + sys.executable + ")"
    v["dbmate"] = first_line([b.dbmate, "--version"]) + " (the native binary from npm)"
    v["sqlite3 CLI"] = first_line(["sqlite3", "--version"]).split()[0]
    v["SQLite library (Python)"] = sqlite3.sqlite_version
    v["psql"] = first_line([b.psql, "--version"]) + " (" + b.psql + ")"
    if b.pg:
        v["PostgreSQL server"] = first_line([os.path.join(b.pg["STRATA_PG_BIN"], "postgres"),
                                             "--version"])
    return v


def report(b, a, r, info, vers, load_end, elapsed, notes=()):
    s = []
    s.append("# Benchmarks\n")
    s.append("Regenerate this file with **`bench/run.sh --write`** (or `make bench`, which "
             "prints the same report without writing it); `bench/run.sh --help` lists the "
             "options. It installs what is missing (Debian packages with apt-get, dbmate with "
             "npm into `bench/.deps/`), builds strata in `build-bench/` (release), starts a "
             "throwaway PostgreSQL cluster and runs everything in one go: 25 to 35 minutes on "
             "the machine below when it is otherwise idle, fewer repetitions and more minutes "
             "when it is busy (this run: %d minutes, load average in the table). These are "
             "measurements, not tests: nothing fails on a timing.\n" % round(elapsed / 60))
    s.append("Every tool runs the same SQL: a chain of N migrations, each creating a table with "
             "an index and inserting three rows; down drops the table. The **raw floor** is the "
             "database's own client (`sqlite3`, `psql -f`) executing the same statements plus "
             "one version-table write per migration, one transaction each. All numbers come from "
             "one run, with the tools alternating in every repetition; the machine is noisy "
             "(30% between runs is common), so compare within this file only.\n")
    s.append("Generated %s.\n" % info["date"])
    s.append(targets_section(r, a))
    s.append("## Machine and versions\n")
    rows = [["CPU", info["cpu"]], ["cores", str(info["cores"])],
            ["memory", "%s GiB" % info["memory_gib"]], ["kernel", info["kernel"]],
            ["Debian", info["debian"]],
            ["load average at start / end", "%.2f / %.2f" % (info["load"][0], load_end[0])]]
    rows += [[k, v] for k, v in vers.items()]
    s.append(md_table(["", "version / value"], rows, left=2) + "\n")
    s.append(summary_section(r, a))
    if any(k[0] == "sqlite" for k in r):
        s.append(engine_section(r, "sqlite", a))
    if any(k[0] == "pg" for k in r):
        s.append(engine_section(r, "pg", a))
    if any(k[0] == "graph" for k in r):
        s.append(graph_section(r, a))
    s.append(sync_section(r))
    s.append(single_section(r, a))
    s.append(autogenerate_section(r, a, notes))
    if ("startup",) in r:
        s.append(startup_section(r))
    s.append("""## How it is measured

- Times are wall-clock seconds of whole processes, from start to exit, as a user sees them.
  Every repetition runs each tool once, the order rotating between repetitions. SQLite files
  live in the run's temporary folder on the machine's ordinary disk, with SQLite's defaults
  (rollback journal, `synchronous=FULL`), so each commit pays real `fsync`s for every tool.
- PostgreSQL: a throwaway cluster from `tests/pg-cluster.sh` (its settings: `fsync=off`,
  `synchronous_commit=off`, `full_page_writes=off`), reached by every tool through its Unix
  socket. Each upgrade starts from a freshly created empty database.
- `upgrade head` starts from an empty database; `downgrade base` follows it in the same
  repetition, from head. Both are checked afterwards (the number of benchmark tables must be N,
  then 0). The read-only commands, and `upgrade head` with nothing to do (what every deploy
  runs), run on a separate database at head.
- Short commands (read-only, graph, start-up) get one untimed warm-up run per tool first (this
  machine's kernel pages out idle page cache, so a first run can read the files from disk).
- Peak memory is `/usr/bin/time -f %%M` (maximum resident set size). Upgrades and downgrades run
  under it in every repetition (it adds well under a millisecond); the short commands run
  without it for their times, then once more under it for their memory.
- Alembic: `alembic.ini` plus an `env.py` with `transaction_per_migration=True`; each
  migration is `op.execute()` of the same statements. On SQLite, the `env.py` applies
  SQLAlchemy's documented recipe (`isolation_level=None` and an explicit `BEGIN`) so that a
  migration is one transaction, as for the other tools (pysqlite alone would commit each
  DDL statement by itself). No logging configuration, so Alembic prints nothing, as
  `strata -q`.
- dbmate: the native binary installed by `npm install dbmate` (not its Node.js wrapper, which
  adds Node's start-up to every command), with `--no-dump-schema` (dumping the schema after
  every command would add a `sqlite3`/`pg_dump` run). dbmate has no `current`, `heads` or
  `history`, and rolls back one migration per process: its `downgrade base` is N `dbmate
  rollback` processes, timed together, and only up to N=%d.
- Syncs: the section *SQLite: syncs per commit* counts, in the run itself, the `fsync`s and
  `fdatasync`s of each tool's upgrade (`strace`) and reads `PRAGMA synchronous` inside a
  migration of each tool. A tool running SQLite with `synchronous=NORMAL` syncs less per
  commit than one at SQLite's default `synchronous=FULL`, and can then beat the raw floor: a
  durability setting, not speed.
- SQLite itself grows faster than linearly with the number of tables in a schema: each
  `CREATE TABLE` scans `sqlite_master` and walks every table (`sqlite3FkClearTriggerCache`),
  so the floor's N=10000 costs far more than 10 × N=1000, and every tool pays the same.
- Alembic 1.8.1 has no `status`; the raw floor has no `status`; for `heads` and `history` it is only reading every revision file (`find -exec cat`).
- strata is given `-q` (no progress lines); every tool's output goes to a file.
- Repetitions (the `runs` columns say how many ran): upgrade/downgrade %s; fewer (at least 3,
  or 2 at N=1000) when the machine is so slow that the run would overrun its %d-minute budget
  (`--budget`). N=%s: upgrade only, strata and the floor, run last, up to %d times while the
  run stays within the budget. Read-only commands at N=%d: %d; graph operations at %s
  revisions (Alembic up to %s): %d, or %d at the largest size; start-up: %d; one-transaction
  mode: %s; autogenerate and `check`: %s.
""" % (a.dbmate_down_max, "; ".join("%d at N=%d" % (a.reps_for(n), n) for n in a.sizes),
       a.budget, ", ".join(map(str, a.big_sizes)) or "–", a.big_reps, a.ro_size, a.ro_reps,
       ", ".join("{:,}".format(n) for n in a.graph_sizes), "{:,}".format(a.alembic_graph_max),
       a.reps, max(1, a.reps // 2), a.startup_reps,
       "; ".join("%d at N=%d" % (a.reps_for(n), n) for n in a.single_sizes),
       "; ".join("%d at %d tables" % (a.ag_reps_for("sqlite", k), k) for k in a.ag_sizes) +
       (" (%d on PostgreSQL)" % a.ag_reps_for("pg", a.ag_sizes[-1])
        if a.ag_reps_for("pg", a.ag_sizes[-1]) != a.ag_reps_for("sqlite", a.ag_sizes[-1])
        else "")))
    return "\n".join(x for x in s if x)


# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--work", required=True, help="a scratch folder (projects, databases)")
    ap.add_argument("--strata", required=True)
    ap.add_argument("--dbmate", required=True)
    ap.add_argument("--pg-env", help="tests/pg-cluster.sh's env file (else no PostgreSQL)")
    ap.add_argument("--buildtype", default="release")
    ap.add_argument("--budget", type=int, default=32, metavar="MIN",
                    help="repeat the N=10000 upgrades only while the run stays within MIN "
                         "minutes (one repetition always runs)")
    ap.add_argument("--write", metavar="FILE", help="write the report there (BENCHMARKS.md)")
    ap.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    ap.add_argument("--from-json", metavar="FILE",
                    help="measure nothing: render the report from a run's results.json")
    ap.add_argument("--only", default="sqlite,pg,graph,startup",
                    help="comma-separated parts: sqlite, pg, graph, startup; with an engine, "
                         "some of its groups only: migrate (upgrade/downgrade and the "
                         "read-only commands), single (one-transaction mode), autogenerate, "
                         "syncs (SQLite only); all of them when none is named")
    a = ap.parse_args()

    if a.quick:
        a.sizes, a.big_sizes, a.graph_sizes = [10, 100], [300], [100, 1000]
        a.reps, a.big_reps, a.ro_size, a.ro_reps, a.startup_reps = 2, 2, 100, 3, 5
    else:
        a.sizes, a.big_sizes, a.graph_sizes = [10, 100, 1000], [10000], [1000, 10000, 100000]
        a.reps, a.big_reps, a.ro_size, a.ro_reps, a.startup_reps = 5, 3, 1000, 7, 21
    if a.quick:
        a.ag_sizes, a.ag_reps, a.single_sizes = [10, 100], 2, [10, 100]
    else:
        a.ag_sizes, a.ag_reps, a.single_sizes = [10, 100, 500], 5, [100, 1000]
    a.ag_alembic_max = 500
    # 500 tables on PostgreSQL take several seconds per command for every tool (and Alembic
    # more): fewer repetitions there.
    a.ag_reps_for = lambda engine, k: a.ag_reps if k <= 100 else min(
        a.ag_reps, 3 if engine == "sqlite" else 2)
    a.alembic_graph_max = 10000
    a.dbmate_down_max = 100
    # N=1000 carries the targets, and a run on this machine can be disturbed by seconds (the
    # same case moved by 30% between runs): more repetitions there, for steadier medians.
    a.reps_for = lambda n: a.reps if n <= 100 else (a.reps + 2 if n == 1000 else min(a.reps, 4))
    parts = set(a.only.split(","))
    # strata's header cache in the scratch folder, not the user's ~/.cache.
    os.environ["XDG_CACHE_HOME"] = os.path.join(a.work, "xdg-cache")

    b = Bench(a)
    info = machine_info()
    vers = versions(b)
    t0 = time.time()
    for k, v in vers.items():
        print("%-24s %s" % (k, v), file=sys.stderr)
    print("%-24s %s, %d cores, kernel %s, Debian %s, load %.2f" % (
        "machine", info["cpu"], info["cores"], info["kernel"], info["debian"], info["load"][0]),
        file=sys.stderr)
    if a.from_json:
        saved = json.load(open(a.from_json))
        meta = saved["meta"]
        b.results = {tuple(int(x) if x.isdigit() else x for x in k.split(" ")): v
                     for k, v in saved["results"].items()}
        b.notes = meta.get("notes", [])
        parts = set()
    try:
        if "startup" in parts:
            b.startup_cases()
        engines = [e for e in ("sqlite", "pg") if e in parts and (e != "pg" or b.pg)]
        if "pg" in parts and not b.pg:
            print("no PostgreSQL cluster: skipping the PostgreSQL cases", file=sys.stderr)
        # The budget: on this machine unloaded, SQLite's upgrades and downgrades end before
        # 30% of it (its one-transaction and autogenerate cases follow), PostgreSQL's before
        # 55%, the graph near 75%.  Past those marks, an engine's upgrades and downgrades stop
        # at their minimum number of repetitions (3, or 2 at N >= 1000).
        marks = {"sqlite": 0.30, "pg": 0.55}
        groups = {"migrate", "single", "autogenerate", "syncs"}
        if parts & groups:
            groups &= parts
        for engine in engines:
            until = b.started + a.budget * 60 * marks[engine]
            if engine == "sqlite" and "syncs" in groups:
                b.sync_cases()
            if "migrate" in groups:
                for n in a.sizes:
                    b.migrate_cases(engine, n, TOOLS, a.reps_for(n), True,
                                    min_reps=2 if n >= 1000 else 3, until=until)
                b.readonly_cases(engine, a.ro_size, a.ro_reps)
            if "single" in groups:
                for n in a.single_sizes:
                    b.migrate_cases(engine, n, [FLOOR, STRATA, ALEMBIC], a.reps_for(n), False,
                                    op="up1")
            if "autogenerate" in groups:
                b.autogenerate_cases(engine)
        if "graph" in parts:
            b.graph_cases()
        # Last, the big chains (strata and the floor only), as many repetitions as the budget
        # allows: SQLite's own cost grows faster than linearly with the schema, and on a busy
        # machine one repetition can take minutes.
        deadline = b.started + a.budget * 60
        for n in a.big_sizes:
            for rep in range(a.big_reps):
                t0_rep = time.time()
                for engine in engines:
                    if "migrate" in groups:
                        b.migrate_cases(engine, n, [FLOOR, STRATA], 1, False, rep0=rep)
                if rep + 1 < a.big_reps and time.time() + (time.time() - t0_rep) > deadline:
                    b.say("no more repetitions at N=%d: one more would pass the run's "
                          "%d-minute budget (--budget)" % (n, a.budget))
                    break
    except Failed as e:
        print("bench: a tool failed, no report:\n%s" % e, file=sys.stderr)
        return 1
    finally:
        if not a.from_json:
            meta = {"info": info, "versions": vers, "load_end": os.getloadavg(),
                    "elapsed": time.time() - t0, "notes": b.notes}
            with open(os.path.join(a.work, "results.json"), "w") as f:
                json.dump({"meta": meta, "results": {" ".join(map(str, k)): v
                                                     for k, v in b.results.items()}}, f, indent=1)
    text = report(b, a, b.results, meta["info"], meta["versions"], meta["load_end"],
                  meta["elapsed"], meta.get("notes", b.notes))
    print(text)
    if a.write:
        write(a.write, text)
        print("bench: wrote %s" % a.write, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
