"""The substring index of the practices' search keys, one per database.

A search is a substring of the folded key (``core.translations.fold``), so Chinese,
which has no spaces, is found inside a phrase. Without an index every search reads the
whole library (docs/performance.md, "Practices"); with it, a search reads the practices
that contain the term:

- **PostgreSQL**: ``pg_trgm``'s GIN index on ``search_key`` answers ``LIKE '%term%'``
  for a term of three characters or more (the planner chooses it; the query is the
  ORM's ``contains``). A two-character Chinese word (技能, 安全: common) has no trigram,
  so a second GIN index holds each key's pairs of CJK characters
  (``practices_cjk_bigrams``), and such a term is looked up there.
- **SQLite**: a contentless FTS5 table with the ``trigram`` tokenizer (SQLite 3.34 or
  later), kept by triggers on ``practices_practice`` (so bulk writes and imports keep it
  too); a term of three characters or more is a phrase ``MATCH``. A two-character term
  is every trigram that begins with it (each key is indexed with two newlines after it,
  so every character pair of the key begins a trigram), read from the index's
  vocabulary (``fts5vocab``), matched at once.
- A one-character term, and a two-character term that is not Chinese on PostgreSQL,
  read the whole library as before (``LIKE``): they match a large share of it anyway.

``install`` creates what is missing and fills it (the migration calls it; so does
``post_migrate``, for the test databases the suite builds from the models).
"""

from __future__ import annotations

import re
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.expressions import RawSQL

#: CJK ideographs (the unified block, extension A and the compatibility ideographs).
_CJK_PAIR = re.compile("^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}$")

# Every statement is a constant (no value is ever put into one). After each key the FTS
# table holds two newlines, so that every pair of characters of the key begins a trigram.
SQLITE = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS practices_practice_search USING fts5("
    "search_key, tokenize = 'trigram', content = '', columnsize = 0)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS practices_practice_search_terms "
    "USING fts5vocab(practices_practice_search, 'row')",
    "CREATE TRIGGER IF NOT EXISTS practices_practice_search_insert "
    "AFTER INSERT ON practices_practice BEGIN "
    "INSERT INTO practices_practice_search (rowid, search_key) "
    "VALUES (new.id, new.search_key || char(10, 10)); END",
    "CREATE TRIGGER IF NOT EXISTS practices_practice_search_delete "
    "AFTER DELETE ON practices_practice BEGIN "
    "INSERT INTO practices_practice_search (practices_practice_search, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key || char(10, 10)); END",
    "CREATE TRIGGER IF NOT EXISTS practices_practice_search_update "
    "AFTER UPDATE OF search_key ON practices_practice "
    "WHEN old.search_key IS NOT new.search_key BEGIN "
    "INSERT INTO practices_practice_search (practices_practice_search, rowid, search_key) "
    "VALUES ('delete', old.id, old.search_key || char(10, 10)); "
    "INSERT INTO practices_practice_search (rowid, search_key) "
    "VALUES (new.id, new.search_key || char(10, 10)); END",
]
SQLITE_FILL = (
    "INSERT INTO practices_practice_search (rowid, search_key) "
    "SELECT id, search_key || char(10, 10) FROM practices_practice"
)
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS practices_practice_search_insert",
    "DROP TRIGGER IF EXISTS practices_practice_search_delete",
    "DROP TRIGGER IF EXISTS practices_practice_search_update",
    "DROP TABLE IF EXISTS practices_practice_search_terms",
    "DROP TABLE IF EXISTS practices_practice_search",
]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS practices_practice_search_trgm ON practices_practice "
    "USING gin (search_key gin_trgm_ops)",
    # Every distinct pair of CJK characters of a key, for the two-character words.
    "CREATE OR REPLACE FUNCTION practices_cjk_bigrams(key text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT pair), '{}') FROM ("
    "SELECT substr(key, i, 2) AS pair FROM generate_series(1, length(key) - 1) AS i"
    ") AS pairs WHERE pair ~ '^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{2}$' $$",
    "CREATE INDEX IF NOT EXISTS practices_practice_search_cjk ON practices_practice "
    "USING gin (practices_cjk_bigrams(search_key))",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS practices_practice_search_cjk",
    "DROP FUNCTION IF EXISTS practices_cjk_bigrams(text)",
    "DROP INDEX IF EXISTS practices_practice_search_trgm",
]

#: The practices that hold any term of the FTS table's vocabulary between two bounds
#: (each quoted as a phrase, joined with OR; an empty phrase, which matches nothing,
#: when there is none).
_BETWEEN_TERMS = (
    "SELECT rowid FROM practices_practice_search WHERE practices_practice_search MATCH ("
    "SELECT coalesce(group_concat('\"' || replace(term, '\"', '\"\"') || '\"', ' OR '), "
    "'\"\"') FROM practices_practice_search_terms WHERE term >= %s AND term < %s)"
)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the index where it is missing (an FTS table created here is filled from
    the stored keys); nothing to do on another database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            cursor.execute(
                "SELECT 1 FROM sqlite_master WHERE name = %s", ["practices_practice_search"]
            )
            missing = cursor.fetchone() is None
            for statement in SQLITE:
                cursor.execute(statement)
            if missing:
                cursor.execute(SQLITE_FILL)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(
            connection.vendor, []
        ):
            cursor.execute(statement)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def matching_ids(connection: BaseDatabaseWrapper, folded: str) -> RawSQL | None:
    """The ids of the practices whose key contains ``folded`` (a folded, non-empty
    term), as a subquery the index answers; ``None`` where the index cannot help (the
    caller then reads the key with ``LIKE``)."""
    # Every value is a parameter; the statements are the constants above.
    length = len(folded)
    if connection.vendor == "sqlite" and length >= 3:
        return RawSQL(
            "SELECT rowid FROM practices_practice_search WHERE practices_practice_search MATCH %s",
            [_phrase(folded)],
        )
    if connection.vendor == "sqlite" and length == 2:
        # Every trigram that begins with the pair (the newlines after each key make one
        # for a pair at its end).
        return RawSQL(  # noqa: S611 - a constant statement, the values parameters
            _BETWEEN_TERMS,
            [folded, folded + "\U0010ffff"],
        )
    if connection.vendor == "postgresql" and _CJK_PAIR.match(folded):
        return RawSQL(
            "SELECT id FROM practices_practice "
            "WHERE practices_cjk_bigrams(search_key) @> ARRAY[%s]::text[]",
            [folded],
        )
    return None


#: The migration that installs the index (taken back, it takes the index away).
MIGRATION = ("practices", "0007_search_index")


def installed_on_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """``post_migrate``: the suite builds its databases from the models, without the
    migration that installs the index, and SQLite drops a table's triggers when a later
    migration rebuilds the table; what is missing is created here (nothing where it is
    all there, or where the migration is not applied)."""
    from django.db import connections
    from django.db.migrations.loader import MigrationLoader

    connection = connections[using]
    if "practices_practice" not in connection.introspection.table_names():
        return
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    if "practices" in loader.migrated_apps and MIGRATION not in loader.applied_migrations:
        return
    install(connection)
