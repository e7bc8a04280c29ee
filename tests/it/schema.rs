//! The two backends end up with the same schema after all migrations: the same tables and
//! columns, the same type family and nullability per column, the same primary keys, unique
//! and foreign-key constraints, and the same named indexes on the same columns. Differences
//! that are intended are listed, with their reason, in `INTENDED`; anything else fails.
//! (Comparing only migration file names, as `both_backends_have_the_same_migrations` does,
//! lets a column be nullable on one backend and not on the other.)

use std::collections::{BTreeMap, BTreeSet};

use sqlx::Connection;

/// Differences between the SQLite and the PostgreSQL schema that are meant to be there,
/// each exactly as `differences` words it.
const INTENDED: &[(&str, &str)] = &[
    // SQLite has no date type: sqlx stores a `chrono::NaiveDate` as ISO-8601 text
    // (`YYYY-MM-DD`), which sorts and compares as the dates do. PostgreSQL has `DATE`.
    (
        "rounds.opened_on: type text on SQLite, date on PostgreSQL",
        "dates",
    ),
    (
        "rounds.closes_on: type text on SQLite, date on PostgreSQL",
        "dates",
    ),
    (
        "responses.answered_on: type text on SQLite, date on PostgreSQL",
        "dates",
    ),
    (
        "invitation_addresses.invited_on: type text on SQLite, date on PostgreSQL",
        "dates",
    ),
    // A PRIMARY KEY that is not the rowid (here TEXT) of an ordinary SQLite table may hold
    // NULL: a documented SQLite quirk kept for backward compatibility. PostgreSQL makes
    // every primary-key column NOT NULL. The code always supplies these ids (a hash of a
    // random token), and rebuilding the tables to add NOT NULL would gain nothing.
    (
        "sessions.id: nullable on SQLite, NOT NULL on PostgreSQL",
        "SQLite primary-key quirk",
    ),
    (
        "staff_setup_links.token_hash: nullable on SQLite, NOT NULL on PostgreSQL",
        "SQLite primary-key quirk",
    ),
];

#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Table {
    /// Column name → (type family, NOT NULL).
    columns: BTreeMap<String, (String, bool)>,
    primary_key: Vec<String>,
    /// Column lists of UNIQUE constraints (not of unique indexes made with CREATE INDEX).
    unique: BTreeSet<Vec<String>>,
    foreign_keys: BTreeSet<ForeignKey>,
    /// Indexes made with CREATE INDEX: name → (unique, columns).
    indexes: BTreeMap<String, (bool, Vec<String>)>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ForeignKey {
    columns: Vec<String>,
    table: String,
    references: Vec<String>,
    on_delete: String,
}

type Schema = BTreeMap<String, Table>;

/// A PostgreSQL constraint: table, kind (`p`, `u`, `f`), columns, referenced table and
/// columns, ON DELETE action.
type ConstraintRow = (
    String,
    String,
    Vec<String>,
    Option<String>,
    Vec<String>,
    String,
);

/// The family a declared or reported type belongs to, the same word on both backends.
fn family(declared: &str) -> String {
    let t = declared.trim().to_ascii_lowercase();
    let family = match t.as_str() {
        "integer" | "int" | "int4" | "bigint" | "int8" | "smallint" | "int2" => "integer",
        "text" | "character varying" | "varchar" | "character" => "text",
        "boolean" | "bool" => "boolean",
        "real" | "double precision" | "double" | "float" | "float4" | "float8" => "real",
        "blob" | "bytea" => "blob",
        "date" => "date",
        "timestamp with time zone" | "timestamp without time zone" | "timestamptz" => "timestamp",
        other => return format!("unknown ({other})"),
    };
    family.to_owned()
}

async fn sqlite_schema(path: &std::path::Path) -> Schema {
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let tables: Vec<(String, i64)> = sqlx::query_as(
        "SELECT name, wr FROM pragma_table_list
          WHERE schema = 'main' AND type = 'table'
            AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (name, without_rowid) in tables {
        let mut table = Table::default();
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let mut key: Vec<(i64, String)> = columns
            .iter()
            .filter(|c| c.3 > 0)
            .map(|c| (c.3, c.0.clone()))
            .collect();
        key.sort();
        table.primary_key = key.into_iter().map(|(_, c)| c).collect();
        for (column, declared, not_null, pk) in &columns {
            // An INTEGER PRIMARY KEY is the rowid, which is never NULL; so is every
            // primary-key column of a WITHOUT ROWID table.
            let rowid = *pk > 0
                && table.primary_key.len() == 1
                && declared.eq_ignore_ascii_case("integer")
                && without_rowid == 0;
            let key_of_without_rowid = *pk > 0 && without_rowid == 1;
            table.columns.insert(
                column.clone(),
                (
                    family(declared),
                    *not_null == 1 || rowid || key_of_without_rowid,
                ),
            );
        }
        let indexes: Vec<(String, i64, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list(?)")
                .bind(&name)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        for (index, unique, origin) in indexes {
            let columns: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&index)
                    .fetch_all(&mut conn)
                    .await
                    .unwrap();
            match origin.as_str() {
                "c" => {
                    table.indexes.insert(index, (unique == 1, columns));
                }
                "u" => {
                    table.unique.insert(columns);
                }
                _ => {} // "pk": the primary key, read above.
            }
        }
        let keys: Vec<(i64, i64, String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT id, seq, \"table\", \"from\", \"to\", on_delete
               FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind(&name)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut by_id: BTreeMap<i64, ForeignKey> = BTreeMap::new();
        for (id, _, target, from, to, on_delete) in keys {
            let key = by_id.entry(id).or_insert_with(|| ForeignKey {
                columns: vec![],
                table: target,
                references: vec![],
                on_delete: on_delete.to_ascii_uppercase(),
            });
            key.columns.push(from);
            key.references
                .push(to.expect("foreign keys name the referenced column"));
        }
        table.foreign_keys = by_id.into_values().collect();
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(url: &str) -> Schema {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
          WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
            AND table_name NOT LIKE '\\_sqlx\\_%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    let mut schema: Schema = tables
        .into_iter()
        .map(|name| (name, Table::default()))
        .collect();
    let columns: Vec<(String, String, String, bool)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'NO'
           FROM information_schema.columns WHERE table_schema = 'public'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, column, data_type, not_null) in columns {
        if let Some(table) = schema.get_mut(&table) {
            table.columns.insert(column, (family(&data_type), not_null));
        }
    }
    // Column names of a constraint or index, in key order.
    let constraints: Vec<ConstraintRow> = sqlx::query_as(
        "SELECT t.relname::text, c.contype::text,
                    ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
                            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                           ORDER BY k.i),
                    f.relname::text,
                    ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(n, i)
                            JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
                           ORDER BY k.i),
                    CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL'
                                       WHEN 'd' THEN 'SET DEFAULT' WHEN 'r' THEN 'RESTRICT'
                                       ELSE 'NO ACTION' END
               FROM pg_constraint c
               JOIN pg_class t ON t.oid = c.conrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
               LEFT JOIN pg_class f ON f.oid = c.confrelid
              WHERE n.nspname = 'public' AND c.contype IN ('p', 'u', 'f')",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, kind, columns, target, references, on_delete) in constraints {
        let Some(table) = schema.get_mut(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => table.primary_key = columns,
            "u" => {
                table.unique.insert(columns);
            }
            _ => {
                table.foreign_keys.insert(ForeignKey {
                    columns,
                    table: target.expect("a foreign key references a table"),
                    references,
                    on_delete,
                });
            }
        }
    }
    // Indexes of their own (pg_index, the catalog behind pg_indexes), not those that
    // implement a primary-key or unique constraint.
    let indexes: Vec<(String, String, bool, Vec<String>)> = sqlx::query_as(
        "SELECT t.relname::text, i.relname::text, x.indisunique,
                ARRAY(SELECT a.attname::text FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(n, o)
                        JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.n
                       ORDER BY k.o)
           FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           JOIN pg_class t ON t.oid = x.indrelid
           JOIN pg_namespace n ON n.oid = t.relnamespace
          WHERE n.nspname = 'public'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (table, index, unique, columns) in indexes {
        if let Some(table) = schema.get_mut(&table) {
            table.indexes.insert(index, (unique, columns));
        }
    }
    schema
}

/// Every way the two schemas differ, one line each.
fn differences(sqlite: &Schema, postgres: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.insert(format!("table {name}: only on SQLite"));
                continue;
            }
            (None, _) => {
                out.insert(format!("table {name}: only on PostgreSQL"));
                continue;
            }
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            match (s.columns.get(column), p.columns.get(column)) {
                (Some((st, sn)), Some((pt, pn))) => {
                    if st != pt {
                        out.insert(format!(
                            "{name}.{column}: type {st} on SQLite, {pt} on PostgreSQL"
                        ));
                    }
                    if sn != pn {
                        let word = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
                        out.insert(format!(
                            "{name}.{column}: {} on SQLite, {} on PostgreSQL",
                            word(*sn),
                            word(*pn)
                        ));
                    }
                }
                (Some(_), None) => {
                    out.insert(format!("{name}.{column}: only on SQLite"));
                }
                (None, _) => {
                    out.insert(format!("{name}.{column}: only on PostgreSQL"));
                }
            }
        }
        if s.primary_key != p.primary_key {
            out.insert(format!(
                "{name}: primary key {:?} on SQLite, {:?} on PostgreSQL",
                s.primary_key, p.primary_key
            ));
        }
        for unique in s.unique.symmetric_difference(&p.unique) {
            let side = if s.unique.contains(unique) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            out.insert(format!("{name}: UNIQUE {unique:?} only on {side}"));
        }
        for key in s.foreign_keys.symmetric_difference(&p.foreign_keys) {
            let side = if s.foreign_keys.contains(key) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            out.insert(format!(
                "{name}: foreign key {:?} → {}{:?} ON DELETE {} only on {side}",
                key.columns, key.table, key.references, key.on_delete
            ));
        }
        let indexes: BTreeSet<&String> = s.indexes.keys().chain(p.indexes.keys()).collect();
        for index in indexes {
            match (s.indexes.get(index), p.indexes.get(index)) {
                (Some(si), Some(pi)) if si == pi => {}
                (Some(si), Some(pi)) => {
                    out.insert(format!(
                        "{name}: index {index} is {si:?} on SQLite, {pi:?} on PostgreSQL"
                    ));
                }
                (Some(_), None) => {
                    out.insert(format!("{name}: index {index} only on SQLite"));
                }
                (None, _) => {
                    out.insert(format!("{name}: index {index} only on PostgreSQL"));
                }
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_backends_have_the_same_schema() {
    let Some(pg) = crate::common::fresh_pg_database().await else {
        eprintln!("SKIPPED (schema comparison): it needs PostgreSQL");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("schema.db");
    // Migrated as the app migrates: through its own storage layer.
    drop(
        hrnexus::storage::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap(),
    );
    drop(hrnexus::storage::connect(&pg.url).await.unwrap());
    let sqlite = sqlite_schema(&path).await;
    let postgres = postgres_schema(&pg.url).await;

    // The reading itself works: known parts of the schema are seen on both sides.
    for schema in [&sqlite, &postgres] {
        assert!(schema.len() >= 10, "{:?}", schema.keys());
        let outbox = &schema["outbox"];
        assert_eq!(
            outbox.indexes["outbox_due"],
            (
                false,
                vec!["status".to_owned(), "next_attempt_at".to_owned()]
            )
        );
        assert_eq!(
            outbox.columns["carries_secret"],
            ("boolean".to_owned(), true)
        );
        assert_eq!(schema["rounds"].primary_key, ["id"]);
        assert!(
            schema["rounds"]
                .unique
                .contains(&vec!["scan_id".to_owned(), "number".to_owned()])
        );
        assert!(schema["outbox"].foreign_keys.contains(&ForeignKey {
            columns: vec!["round_id".into()],
            table: "rounds".into(),
            references: vec!["id".into()],
            on_delete: "SET NULL".into(),
        }));
    }

    let found = differences(&sqlite, &postgres);
    let intended: BTreeSet<String> = INTENDED.iter().map(|(d, _)| (*d).to_owned()).collect();
    let unexpected: Vec<&String> = found.difference(&intended).collect();
    assert!(
        unexpected.is_empty(),
        "the backends' schemas differ:\n  {}",
        unexpected
            .iter()
            .map(|d| d.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    );
    // An intended difference that is gone (fixed, renamed) leaves the list.
    let stale: Vec<&String> = intended.difference(&found).collect();
    assert!(stale.is_empty(), "no longer a difference: {stale:?}");
}

/// The comparison notices what it is meant to notice.
#[test]
fn schema_differences_are_worded_per_column_and_constraint() {
    let column = |family: &str, not_null: bool| (family.to_owned(), not_null);
    let mut a = Table::default();
    a.columns.insert("id".into(), column("integer", true));
    a.columns.insert("on".into(), column("text", false));
    a.indexes.insert("t_on".into(), (false, vec!["on".into()]));
    let mut b = a.clone();
    b.columns.insert("on".into(), column("date", true));
    b.indexes
        .insert("t_on".into(), (false, vec!["id".into(), "on".into()]));
    b.unique.insert(vec!["on".into()]);
    let found = differences(
        &Schema::from([("t".into(), a)]),
        &Schema::from([("t".into(), b)]),
    );
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [
            "t.on: nullable on SQLite, NOT NULL on PostgreSQL",
            "t.on: type text on SQLite, date on PostgreSQL",
            "t: UNIQUE [\"on\"] only on PostgreSQL",
            "t: index t_on is (false, [\"on\"]) on SQLite, (false, [\"id\", \"on\"]) on PostgreSQL",
        ]
    );
    assert_eq!(family("BIGINT"), family("integer"));
    assert_eq!(family("SMALLINT"), "integer");
    assert_eq!(family("double precision"), family("REAL"));
    assert_eq!(family("bytea"), family("BLOB"));
}
