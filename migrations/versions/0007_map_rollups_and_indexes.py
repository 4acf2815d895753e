"""map rollups: concern and held-meeting counts summed by the maps, kept by triggers

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 12:00:00

The maps read `concern_rollup` and `meeting_rollup` instead of grouping the concern
table (engage/maps/rollup.py explains the layout). Both are kept right by triggers
in the same transaction as every insert, update and delete, including bulk SQL that
never passes through the ORM. PostgreSQL uses statement-level triggers with transition
tables (a bulk INSERT ... SELECT is aggregated once); SQLite has only row triggers.

The SQL is written out here, not imported, so this migration stays as it was.
A later migration that rebuilds concern, meeting or meeting_ward on SQLite
(batch_alter_table copies the table and drops the old one) drops these triggers with it
and must create them again; tests/test_services/test_map_rollup.py fails if they are missing.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Dyadic time blocks: level = log2 of the block length in days. Ward totals (zoom 0) use
# blocks of 1, 4, 16, 64 and 256 days; heat cells (zoom 11), denser, all of 1 to 256.
WARD_LEVELS = (0, 2, 4, 6, 8)
HEAT_LEVELS = (0, 1, 2, 3, 4, 5, 6, 7, 8)
# (zoom, all categories, all statuses, keep the ward): ward totals in four variants (every
# (category, status) pair, all statuses of a category, all categories of a status, all);
# heat cells per (category, status) and ward, in total per ward, and in total over every
# ward (ward_id 0).
VARIANTS = ((0, 1, 1, 1), (0, 1, 0, 1), (0, 0, 1, 1), (0, 0, 0, 1), (11, 1, 1, 0), (11, 1, 1, 1), (11, 0, 0, 1))
HEAT_CELL = 0.01  # degrees at zoom 11: 0.02 / 2 ** (11 - 10), as engage.maps.services
ORIGIN_LON, ORIGIN_LAT = -2.0, 54.0
CONCERN_KEY = ("is_demo", "zoom", "category_id", "status", "level", "bucket", "ward_id", "gx", "gy")
MEETING_KEY = ("is_demo", "level", "bucket", "ward_code")
CONCERN_TRIGGER_COLUMNS = ("ward_id", "category_id", "status", "is_demo", "raised_at", "lon", "lat")


def _union(rows, names):
    first = ", ".join(f"{v} AS {n}" for v, n in zip(rows[0], names))
    rest = "".join(" UNION ALL SELECT " + ", ".join(str(v) for v in row) for row in rows[1:])
    return f"(SELECT {first}{rest})"


LEVELS_SQL = _union([(lv,) for lv in WARD_LEVELS], ["level"])  # meetings: as ward totals
VARIANTS_SQL = _union(
    [v + (lv,) for v in VARIANTS for lv in (WARD_LEVELS if v[0] == 0 else HEAT_LEVELS)],
    ["zoom", "all_categories", "all_statuses", "keep_ward", "level"],
)


def _day(column, pg):
    """Days since 1970-01-01 of a timestamp (in UTC) or a date."""
    if pg:
        return f"(({column} AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"
    return f"CAST(julianday(substr({column}, 1, 10)) - 2440587.5 AS INTEGER)"


def _meeting_day(column, pg):
    return f"({column} - DATE '1970-01-01')" if pg else f"CAST(julianday({column}) - 2440587.5 AS INTEGER)"


def _cell(column, origin, pg):
    # As the map query: floor on PostgreSQL, CAST (truncation, a floor for cells east
    # and north of the origin) on SQLite.
    if pg:
        return f"floor(({column} - ({origin})::float8) / {HEAT_CELL}::float8)::integer"
    return f"CAST(({column} - ({origin})) / {HEAT_CELL} AS INTEGER)"


def concern_delta(source, pg):
    """Rollup rows (key, n) for `source`, a SELECT of concerns with a `sign` column."""
    return f"""
SELECT k_is_demo, k_zoom, k_category_id, k_status, k_level, k_bucket, k_ward_id, k_gx, k_gy, SUM(sign) AS n
FROM (
  SELECT d.is_demo AS k_is_demo, v.zoom AS k_zoom,
         CASE WHEN v.all_categories = 1 THEN 0 ELSE d.category_id END AS k_category_id,
         CASE WHEN v.all_statuses = 1 THEN '*' ELSE d.status END AS k_status,
         v.level AS k_level, d.day >> v.level AS k_bucket,
         CASE WHEN v.keep_ward = 1 THEN d.ward_id ELSE 0 END AS k_ward_id,
         CASE WHEN v.zoom = 0 THEN 0 ELSE {_cell("d.lon", ORIGIN_LON, pg)} END AS k_gx,
         CASE WHEN v.zoom = 0 THEN 0 ELSE {_cell("d.lat", ORIGIN_LAT, pg)} END AS k_gy,
         d.sign AS sign
  FROM (
    SELECT s.is_demo, s.category_id, s.status, s.ward_id, s.lon, s.lat, s.sign, {_day("s.raised_at", pg)} AS day
    FROM ({source}) s WHERE s.ward_id IS NOT NULL
  ) d
  JOIN {VARIANTS_SQL} v ON v.zoom = 0 OR (d.lon IS NOT NULL AND d.lat IS NOT NULL)
) e
GROUP BY k_is_demo, k_zoom, k_category_id, k_status, k_level, k_bucket, k_ward_id, k_gx, k_gy
HAVING SUM(sign) <> 0"""


def meeting_delta(pairs, sign_sql, pg):
    """Rollup rows for `pairs`, a SELECT of (meeting_id, ward_code, is_demo, date, sign)."""
    return f"""
SELECT p.is_demo AS k_is_demo, l.level AS k_level, {_meeting_day("p.date", pg)} >> l.level AS k_bucket,
       p.ward_code AS k_ward_code, SUM({sign_sql}) AS n
FROM ({pairs}) p CROSS JOIN {LEVELS_SQL} l
GROUP BY p.is_demo, l.level, {_meeting_day("p.date", pg)} >> l.level, p.ward_code
HAVING SUM({sign_sql}) <> 0"""


def upsert(table, key, delta, pg):
    cols = ", ".join(key) + ", n"
    conflict = ", ".join(key)
    if pg:
        return (
            f"INSERT INTO {table} AS r ({cols}) SELECT * FROM ({delta}) x ORDER BY {', '.join('k_' + k for k in key)}\n"
            f"ON CONFLICT ({conflict}) DO UPDATE SET n = r.n + excluded.n"
        )
    return f"INSERT INTO {table} ({cols}) SELECT * FROM ({delta}) x WHERE true\nON CONFLICT ({conflict}) DO UPDATE SET n = n + excluded.n"


def drop_zeros(table, key, delta, pg):
    """Remove rows a decrement brought to zero (only the keys just touched)."""
    match = " AND ".join(f"r.{k} = z.k_{k}" for k in key)
    if pg:
        return f"DELETE FROM {table} r USING ({delta}) z WHERE r.n = 0 AND {match}"
    keys = ", ".join(key)
    picked = ", ".join("k_" + k for k in key)
    return f"DELETE FROM {table} WHERE n = 0 AND ({keys}) IN (SELECT {picked} FROM ({delta}) z)"


def concern_rows(alias, sign):
    return f"SELECT is_demo, category_id, status, ward_id, lon, lat, raised_at, {sign} AS sign FROM {alias}"


def sqlite_row(prefix, sign):
    return (
        f"SELECT {prefix}.is_demo AS is_demo, {prefix}.category_id AS category_id, {prefix}.status AS status, "
        f"{prefix}.ward_id AS ward_id, {prefix}.lon AS lon, {prefix}.lat AS lat, "
        f"{prefix}.raised_at AS raised_at, {sign} AS sign"
    )


# --- meetings: a held meeting counts once for each ward code it is linked to ------------


def meeting_pairs_for_links(links, code_gone):
    """(meeting, code) pairs from changed links whose meeting is held; `code_gone` is a
    condition on lw.meeting_id/lw.code saying the pair had (insert) or has (delete) no other link."""
    return f"""
SELECT m.id AS meeting_id, lw.code AS ward_code, m.is_demo AS is_demo, m.date AS date, 1 AS sign
FROM (SELECT DISTINCT cl.meeting_id AS meeting_id, w.code AS code FROM {links} cl JOIN ward w ON w.id = cl.ward_id) lw
JOIN meeting m ON m.id = lw.meeting_id
WHERE m.status = 'held' AND {code_gone}"""


def meeting_codes_of(meetings, sign):
    """(meeting, code, is_demo, date, sign) for held meetings in `meetings` and their linked codes."""
    return f"""
SELECT DISTINCT mm.id AS meeting_id, w.code AS ward_code, mm.is_demo AS is_demo, mm.date AS date, {sign} AS sign
FROM {meetings} mm JOIN meeting_ward mw ON mw.meeting_id = mm.id JOIN ward w ON w.id = mw.ward_id
WHERE mm.status = 'held'"""


def postgresql_ddl():
    pg = True
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in CONCERN_TRIGGER_COLUMNS)
    concern_update_source = (
        "SELECT o.is_demo, o.category_id, o.status, o.ward_id, o.lon, o.lat, o.raised_at, -1 AS sign "
        "FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id WHERE n.id IS NULL OR " + changed + " UNION ALL "
        "SELECT n.is_demo, n.category_id, n.status, n.ward_id, n.lon, n.lat, n.raised_at, 1 AS sign "
        "FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id WHERE o.id IS NULL OR " + changed
    )
    update_delta = concern_delta(concern_update_source, pg)
    delete_delta = concern_delta(concern_rows("old_rows", -1), pg)
    insert_link_pairs = meeting_pairs_for_links(
        "new_links",
        "NOT EXISTS (SELECT 1 FROM meeting_ward mw JOIN ward w2 ON w2.id = mw.ward_id "
        "WHERE mw.meeting_id = lw.meeting_id AND w2.code = lw.code AND NOT EXISTS "
        "(SELECT 1 FROM new_links nl WHERE nl.meeting_id = mw.meeting_id AND nl.ward_id = mw.ward_id))",
    )
    delete_link_pairs = meeting_pairs_for_links(
        "old_links",
        "NOT EXISTS (SELECT 1 FROM meeting_ward mw JOIN ward w2 ON w2.id = mw.ward_id "
        "WHERE mw.meeting_id = lw.meeting_id AND w2.code = lw.code)",
    )
    meeting_changed = (
        "o.status IS DISTINCT FROM n.status OR o.date IS DISTINCT FROM n.date OR o.is_demo IS DISTINCT FROM n.is_demo"
    )
    meeting_update_pairs = (
        meeting_codes_of(
            f"(SELECT o.* FROM old_meetings o JOIN new_meetings n ON n.id = o.id WHERE {meeting_changed})", -1
        )
        + " UNION ALL "
        + meeting_codes_of(
            f"(SELECT n.* FROM new_meetings n JOIN old_meetings o ON o.id = n.id WHERE {meeting_changed})", 1
        )
    )
    link_insert_delta = meeting_delta(insert_link_pairs, "p.sign", pg)
    link_delete_delta = meeting_delta(delete_link_pairs, "-p.sign", pg)
    meeting_update_delta = meeting_delta(meeting_update_pairs, "p.sign", pg)
    return [
        f"""CREATE FUNCTION concern_rollup_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("concern_rollup", CONCERN_KEY, concern_delta(concern_rows("new_rows", 1), pg), pg)};
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION concern_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("concern_rollup", CONCERN_KEY, update_delta, pg)};
  {drop_zeros("concern_rollup", CONCERN_KEY, update_delta, pg)};
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION concern_rollup_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("concern_rollup", CONCERN_KEY, delete_delta, pg)};
  {drop_zeros("concern_rollup", CONCERN_KEY, delete_delta, pg)};
  RETURN NULL;
END $$""",
        """CREATE FUNCTION concern_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM concern_rollup;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER concern_rollup_insert AFTER INSERT ON concern REFERENCING NEW TABLE AS new_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION concern_rollup_insert()",
        "CREATE TRIGGER concern_rollup_update AFTER UPDATE ON concern REFERENCING OLD TABLE AS old_rows "
        "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION concern_rollup_update()",
        "CREATE TRIGGER concern_rollup_delete AFTER DELETE ON concern REFERENCING OLD TABLE AS old_rows "
        "FOR EACH STATEMENT EXECUTE FUNCTION concern_rollup_delete()",
        "CREATE TRIGGER concern_rollup_truncate AFTER TRUNCATE ON concern "
        "FOR EACH STATEMENT EXECUTE FUNCTION concern_rollup_truncate()",
        f"""CREATE FUNCTION meeting_rollup_link_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, link_insert_delta, pg)};
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION meeting_rollup_link_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, link_delete_delta, pg)};
  {drop_zeros("meeting_rollup", MEETING_KEY, link_delete_delta, pg)};
  RETURN NULL;
END $$""",
        f"""CREATE FUNCTION meeting_rollup_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, meeting_update_delta, pg)};
  {drop_zeros("meeting_rollup", MEETING_KEY, meeting_update_delta, pg)};
  RETURN NULL;
END $$""",
        # A deleted meeting's links are removed first, while the meeting is still there
        # to say whether it was held; the cascade then finds nothing left to delete.
        """CREATE FUNCTION meeting_rollup_before_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM meeting_ward WHERE meeting_id = OLD.id;
  RETURN OLD;
END $$""",
        """CREATE FUNCTION meeting_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM meeting_rollup;
  RETURN NULL;
END $$""",
        "CREATE TRIGGER meeting_rollup_link_insert AFTER INSERT ON meeting_ward REFERENCING NEW TABLE AS new_links "
        "FOR EACH STATEMENT EXECUTE FUNCTION meeting_rollup_link_insert()",
        "CREATE TRIGGER meeting_rollup_link_delete AFTER DELETE ON meeting_ward REFERENCING OLD TABLE AS old_links "
        "FOR EACH STATEMENT EXECUTE FUNCTION meeting_rollup_link_delete()",
        "CREATE TRIGGER meeting_rollup_update AFTER UPDATE ON meeting REFERENCING OLD TABLE AS old_meetings "
        "NEW TABLE AS new_meetings FOR EACH STATEMENT EXECUTE FUNCTION meeting_rollup_update()",
        "CREATE TRIGGER meeting_rollup_before_delete BEFORE DELETE ON meeting "
        "FOR EACH ROW EXECUTE FUNCTION meeting_rollup_before_delete()",
        "CREATE TRIGGER meeting_rollup_truncate AFTER TRUNCATE ON meeting_ward "
        "FOR EACH STATEMENT EXECUTE FUNCTION meeting_rollup_truncate()",
    ]


def sqlite_ddl():
    pg = False
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in CONCERN_TRIGGER_COLUMNS)
    columns = ", ".join(CONCERN_TRIGGER_COLUMNS)
    add_new = upsert("concern_rollup", CONCERN_KEY, concern_delta(sqlite_row("NEW", 1), pg), pg)
    old_delta = concern_delta(sqlite_row("OLD", -1), pg)
    sub_old = upsert("concern_rollup", CONCERN_KEY, old_delta, pg)
    zeros_old = drop_zeros("concern_rollup", CONCERN_KEY, old_delta, pg)
    link_pairs = (
        "SELECT m.id AS meeting_id, w.code AS ward_code, m.is_demo AS is_demo, m.date AS date, 1 AS sign "
        "FROM meeting m JOIN ward w ON w.id = {link}.ward_id "
        "WHERE m.id = {link}.meeting_id AND m.status = 'held' AND NOT EXISTS ("
        "SELECT 1 FROM meeting_ward mw JOIN ward w2 ON w2.id = mw.ward_id "
        "WHERE mw.meeting_id = {link}.meeting_id AND w2.code = w.code AND mw.ward_id <> {link}.ward_id)"
    )
    link_add = meeting_delta(link_pairs.format(link="NEW"), "p.sign", pg)
    link_sub = meeting_delta(link_pairs.format(link="OLD"), "-p.sign", pg)

    def codes_of(row, sign):
        return (
            f"SELECT DISTINCT {row}.id AS meeting_id, w.code AS ward_code, {row}.is_demo AS is_demo, "
            f"{row}.date AS date, {sign} AS sign FROM meeting_ward mw JOIN ward w ON w.id = mw.ward_id "
            f"WHERE mw.meeting_id = {row}.id AND {row}.status = 'held'"
        )

    meeting_old = meeting_delta(codes_of("OLD", 1), "-p.sign", pg)
    meeting_new = meeting_delta(codes_of("NEW", 1), "p.sign", pg)
    return [
        f"""CREATE TRIGGER concern_rollup_insert AFTER INSERT ON concern WHEN NEW.ward_id IS NOT NULL
BEGIN
  {add_new};
END""",
        f"""CREATE TRIGGER concern_rollup_update AFTER UPDATE OF {columns} ON concern WHEN {changed}
BEGIN
  {sub_old};
  {zeros_old};
  {add_new};
END""",
        f"""CREATE TRIGGER concern_rollup_delete AFTER DELETE ON concern WHEN OLD.ward_id IS NOT NULL
BEGIN
  {sub_old};
  {zeros_old};
END""",
        f"""CREATE TRIGGER meeting_rollup_link_insert AFTER INSERT ON meeting_ward
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, link_add, pg)};
END""",
        f"""CREATE TRIGGER meeting_rollup_link_delete AFTER DELETE ON meeting_ward
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, link_sub, pg)};
  {drop_zeros("meeting_rollup", MEETING_KEY, link_sub, pg)};
END""",
        f"""CREATE TRIGGER meeting_rollup_update AFTER UPDATE OF status, date, is_demo ON meeting
WHEN OLD.status IS NOT NEW.status OR OLD.date IS NOT NEW.date OR OLD.is_demo IS NOT NEW.is_demo
BEGIN
  {upsert("meeting_rollup", MEETING_KEY, meeting_old, pg)};
  {drop_zeros("meeting_rollup", MEETING_KEY, meeting_old, pg)};
  {upsert("meeting_rollup", MEETING_KEY, meeting_new, pg)};
END""",
        """CREATE TRIGGER meeting_rollup_before_delete BEFORE DELETE ON meeting
BEGIN
  DELETE FROM meeting_ward WHERE meeting_id = OLD.id;
END""",
    ]


def backfill(pg):
    concerns = concern_delta(concern_rows("concern", 1), pg)
    meetings = meeting_delta(
        "SELECT DISTINCT m.id AS meeting_id, w.code AS ward_code, m.is_demo AS is_demo, m.date AS date, 1 AS sign "
        "FROM meeting m JOIN meeting_ward mw ON mw.meeting_id = m.id JOIN ward w ON w.id = mw.ward_id "
        "WHERE m.status = 'held'",
        "p.sign",
        pg,
    )
    return [
        f"INSERT INTO concern_rollup ({', '.join(CONCERN_KEY)}, n) SELECT * FROM ({concerns}) x",
        f"INSERT INTO meeting_rollup ({', '.join(MEETING_KEY)}, n) SELECT * FROM ({meetings}) x",
    ]


def upgrade():
    op.create_table(
        "concern_rollup",
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("zoom", sa.SmallInteger(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("ward_id", sa.Integer(), nullable=False),
        sa.Column("gx", sa.Integer(), nullable=False),
        sa.Column("gy", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "is_demo",
            "zoom",
            "category_id",
            "status",
            "level",
            "bucket",
            "ward_id",
            "gx",
            "gy",
            name=op.f("pk_concern_rollup"),
        ),
    )
    op.create_table(
        "meeting_rollup",
        sa.Column("is_demo", sa.Boolean(), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("bucket", sa.Integer(), nullable=False),
        sa.Column("ward_code", sa.String(length=9), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("is_demo", "level", "bucket", "ward_code", name=op.f("pk_meeting_rollup")),
    )
    # The map cache's data version is max(updated_at): an index makes it a lookup.
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.create_index("ix_concern_updated_at", ["updated_at"], unique=False)
        # Officers' maps count their own entries directly.
        batch_op.create_index("ix_concern_created_by_raised", ["created_by_id", "raised_at"], unique=False)
        # Inspectors' maps count concerns routed to their team outside their wards directly.
        batch_op.create_index(
            "ix_concern_lead_team_ward_raised", ["lead_team_id", "ward_id", "raised_at"], unique=False
        )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index("ix_meeting_updated_at", ["updated_at"], unique=False)

    pg = op.get_bind().dialect.name == "postgresql"
    for statement in backfill(pg) + (postgresql_ddl() if pg else sqlite_ddl()):
        op.execute(statement)


PG_TRIGGERS = (
    ("concern", "concern_rollup_insert"),
    ("concern", "concern_rollup_update"),
    ("concern", "concern_rollup_delete"),
    ("concern", "concern_rollup_truncate"),
    ("meeting_ward", "meeting_rollup_link_insert"),
    ("meeting_ward", "meeting_rollup_link_delete"),
    ("meeting", "meeting_rollup_update"),
    ("meeting", "meeting_rollup_before_delete"),
    ("meeting_ward", "meeting_rollup_truncate"),
)


def downgrade():
    pg = op.get_bind().dialect.name == "postgresql"
    for table, name in PG_TRIGGERS:
        if pg:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_updated_at")
    with op.batch_alter_table("concern", schema=None) as batch_op:
        batch_op.drop_index("ix_concern_lead_team_ward_raised")
        batch_op.drop_index("ix_concern_created_by_raised")
        batch_op.drop_index("ix_concern_updated_at")
    op.drop_table("meeting_rollup")
    op.drop_table("concern_rollup")
