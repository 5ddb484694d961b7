"""The database itself keeps the ledger honest: legs are append-only, a transaction can only be
sealed (never changed or deleted) and sealing refuses one whose legs do not balance. On
PostgreSQL a deferred constraint trigger also refuses to commit a transaction left unsealed."""

from django.db import migrations

TX = "fund_ledgertransaction"
LEG = "fund_ledgerleg"
FROZEN = (
    "NEW.key <> OLD.key OR NEW.kind <> OLD.kind OR NEW.day <> OLD.day OR NEW.memo <> OLD.memo"
)

POSTGRES = [
    f"""CREATE FUNCTION fund_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'fund ledger is append-only (%)', TG_TABLE_NAME; END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER fund_leg_append_only BEFORE UPDATE OR DELETE ON {LEG} FOR EACH ROW EXECUTE FUNCTION fund_append_only()",
    f"""CREATE FUNCTION fund_leg_insert() RETURNS trigger AS $$
BEGIN
  IF (SELECT sealed FROM {TX} WHERE id = NEW.transaction_id) THEN
    RAISE EXCEPTION 'fund ledger: transaction % is sealed', NEW.transaction_id;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER fund_leg_insert BEFORE INSERT ON {LEG} FOR EACH ROW EXECUTE FUNCTION fund_leg_insert()",
    f"""CREATE FUNCTION fund_tx_seal() RETURNS trigger AS $$
DECLARE total numeric; n integer;
BEGIN
  IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'fund ledger is append-only ({TX})'; END IF;
  IF OLD.sealed OR NOT NEW.sealed OR {FROZEN}
     OR NEW.reverses_id IS DISTINCT FROM OLD.reverses_id
     OR NEW.application_id IS DISTINCT FROM OLD.application_id THEN
    RAISE EXCEPTION 'fund ledger: a transaction can only be sealed, never changed';
  END IF;
  SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount ELSE -amount END), 0), COUNT(*)
    INTO total, n FROM {LEG} WHERE transaction_id = NEW.id;
  IF n < 2 OR total <> 0 THEN
    RAISE EXCEPTION 'fund ledger: transaction % does not balance (% legs, total %)', NEW.id, n, total;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql""",
    f"CREATE TRIGGER fund_tx_seal BEFORE UPDATE OR DELETE ON {TX} FOR EACH ROW EXECUTE FUNCTION fund_tx_seal()",
    f"""CREATE FUNCTION fund_tx_sealed_at_commit() RETURNS trigger AS $$
BEGIN
  IF NOT (SELECT sealed FROM {TX} WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'fund ledger: transaction % committed without being sealed', NEW.id;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql""",
    f"""CREATE CONSTRAINT TRIGGER fund_tx_sealed_at_commit AFTER INSERT ON {TX}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION fund_tx_sealed_at_commit()""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER IF EXISTS fund_tx_sealed_at_commit ON {TX}",
    f"DROP TRIGGER IF EXISTS fund_tx_seal ON {TX}",
    f"DROP TRIGGER IF EXISTS fund_leg_insert ON {LEG}",
    f"DROP TRIGGER IF EXISTS fund_leg_append_only ON {LEG}",
    "DROP FUNCTION IF EXISTS fund_tx_sealed_at_commit()",
    "DROP FUNCTION IF EXISTS fund_tx_seal()",
    "DROP FUNCTION IF EXISTS fund_leg_insert()",
    "DROP FUNCTION IF EXISTS fund_append_only()",
]

SUM = f"(SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount ELSE -amount END), 0) FROM {LEG} WHERE transaction_id = NEW.id)"
COUNT = f"(SELECT COUNT(*) FROM {LEG} WHERE transaction_id = NEW.id)"
SQLITE = [
    f"CREATE TRIGGER fund_leg_no_update BEFORE UPDATE ON {LEG} BEGIN SELECT RAISE(ABORT, 'fund ledger is append-only'); END",
    f"CREATE TRIGGER fund_leg_no_delete BEFORE DELETE ON {LEG} BEGIN SELECT RAISE(ABORT, 'fund ledger is append-only'); END",
    f"""CREATE TRIGGER fund_leg_insert BEFORE INSERT ON {LEG}
WHEN (SELECT sealed FROM {TX} WHERE id = NEW.transaction_id)
BEGIN SELECT RAISE(ABORT, 'fund ledger: transaction is sealed'); END""",
    f"CREATE TRIGGER fund_tx_no_delete BEFORE DELETE ON {TX} BEGIN SELECT RAISE(ABORT, 'fund ledger is append-only'); END",
    f"""CREATE TRIGGER fund_tx_seal_only BEFORE UPDATE ON {TX}
WHEN OLD.sealed OR NOT NEW.sealed OR {FROZEN}
  OR NEW.reverses_id IS NOT OLD.reverses_id OR NEW.application_id IS NOT OLD.application_id
BEGIN SELECT RAISE(ABORT, 'fund ledger: a transaction can only be sealed, never changed'); END""",
    f"""CREATE TRIGGER fund_tx_balanced BEFORE UPDATE ON {TX}
WHEN ABS({SUM}) >= 0.005 OR {COUNT} < 2
BEGIN SELECT RAISE(ABORT, 'fund ledger: transaction does not balance'); END""",
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {name}"
    for name in ("fund_leg_no_update", "fund_leg_no_delete", "fund_leg_insert", "fund_tx_no_delete",
                 "fund_tx_seal_only", "fund_tx_balanced")
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql in statements.get(schema_editor.connection.vendor, []):
                cursor.execute(sql)  # no params: the % of RAISE stays literal

    return run


class Migration(migrations.Migration):
    dependencies = [("fund", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRES_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
