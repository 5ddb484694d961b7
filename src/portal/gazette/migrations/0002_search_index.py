"""The full-text index over SearchEntry.bigrams: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL.

Each statement runs only on its own database (checked through ``schema_editor.connection.vendor``).
"""

from django.db import migrations

SQLITE_FORWARD = [
    # External-content FTS5 table: the text lives in gazette_searchentry, FTS5 keeps the index.
    "CREATE VIRTUAL TABLE gazette_fts USING fts5(bigrams, content='gazette_searchentry', content_rowid='id')",
    """CREATE TRIGGER gazette_fts_ai AFTER INSERT ON gazette_searchentry BEGIN
        INSERT INTO gazette_fts(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
    """CREATE TRIGGER gazette_fts_ad AFTER DELETE ON gazette_searchentry BEGIN
        INSERT INTO gazette_fts(gazette_fts, rowid, bigrams) VALUES ('delete', old.id, old.bigrams);
    END""",
    """CREATE TRIGGER gazette_fts_au AFTER UPDATE ON gazette_searchentry BEGIN
        INSERT INTO gazette_fts(gazette_fts, rowid, bigrams) VALUES ('delete', old.id, old.bigrams);
        INSERT INTO gazette_fts(rowid, bigrams) VALUES (new.id, new.bigrams);
    END""",
    "INSERT INTO gazette_fts(gazette_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS gazette_fts_au",
    "DROP TRIGGER IF EXISTS gazette_fts_ad",
    "DROP TRIGGER IF EXISTS gazette_fts_ai",
    "DROP TABLE IF EXISTS gazette_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE gazette_searchentry ADD COLUMN tsv tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, bigrams)) STORED",
    "CREATE INDEX gazette_searchentry_tsv ON gazette_searchentry USING GIN (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS gazette_searchentry_tsv",
    "ALTER TABLE gazette_searchentry DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("gazette", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
    ]
