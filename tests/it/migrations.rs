//! Upgrades: every migration runs forward from a database that holds data written by an
//! earlier schema, on both backends, and a failing migration leaves the database as it was.
//!
//! `tests/fixtures/schema/<version>/` holds the demo data as the schema of `<version>` stored
//! it (written by `tests/fixtures/schema/dump.sh`, one folder per released schema). Each test
//! migrates a fresh database up to that version only, loads the data, then opens it with the
//! app's own storage layer, which applies every later migration, and reads it back.

use std::{borrow::Cow, collections::BTreeMap, path::Path};

use sqlx::{
    AssertSqlSafe, Connection, SqlSafeStr,
    migrate::{Migration, MigrationType, Migrator},
};

use crate::common;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/schema");

/// The fixture versions, oldest first.
fn fixture_versions() -> Vec<i64> {
    let mut versions: Vec<i64> = std::fs::read_dir(FIXTURES)
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    versions.sort();
    assert!(!versions.is_empty(), "no schema fixtures in {FIXTURES}");
    versions
}

/// The backend's migrations up to and including `version`.
fn migrator_up_to(mut migrator: Migrator, version: i64) -> Migrator {
    let kept: Vec<Migration> = migrator
        .migrations
        .iter()
        .filter(|m| m.version <= version)
        .cloned()
        .collect();
    migrator.migrations = Cow::Owned(kept);
    migrator
}

fn sqlite_migrator() -> Migrator {
    sqlx::migrate!("crates/storage/migrations/sqlite")
}

fn postgres_migrator() -> Migrator {
    sqlx::migrate!("crates/storage/migrations/postgres")
}

/// Rows per table as the fixture inserted them.
fn fixture_rows(sql: &str) -> BTreeMap<String, i64> {
    let mut rows = BTreeMap::new();
    for line in sql.lines() {
        let Some(rest) = line.strip_prefix("INSERT INTO ") else {
            continue;
        };
        let table = rest
            .split([' ', '('])
            .next()
            .unwrap()
            .trim_start_matches("public.")
            .trim_matches('"')
            .to_owned();
        *rows.entry(table).or_default() += 1;
    }
    rows
}

/// What the app reads back through its storage layer: accounts, the scan, its rounds and
/// the answer counts behind every round's results, articles and providers.
async fn read_back(url: &str) -> String {
    let store = hrnexus::storage::connect(url).await.unwrap();
    let mut text = format!("staff {}\n", store.count_staff().await.unwrap());
    let scan = store.scan_by_id(1).await.unwrap().expect("the demo scan");
    text.push_str(&format!("scan {} {}\n", scan.organisation, scan.team));
    for round in store.rounds(1).await.unwrap() {
        let mut counts = store.round_counts(round.id).await.unwrap();
        counts.sort_by_key(|g| g.department_id);
        let per_department: Vec<String> = counts
            .iter()
            .map(|g| g.counts.responses.to_string())
            .collect();
        text.push_str(&format!(
            "round {} invited {} responses {} [{}] comments {}\n",
            round.number,
            round.invited,
            round.responses,
            per_department.join(" "),
            store.round_comments(round.id).await.unwrap().len(),
        ));
    }
    text
}

async fn count(pool_url: &str, table: &str, postgres: bool) -> i64 {
    let query = format!("SELECT COUNT(*) FROM {table}");
    if postgres {
        let mut c = sqlx::PgConnection::connect(pool_url).await.unwrap();
        sqlx::query_scalar(AssertSqlSafe(query))
            .fetch_one(&mut c)
            .await
            .unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(pool_url).await.unwrap();
        sqlx::query_scalar(AssertSqlSafe(query))
            .fetch_one(&mut c)
            .await
            .unwrap()
    }
}

/// Loads every fixture on SQLite and brings it up to date.
#[tokio::test]
async fn sqlite_migrates_forward_from_every_released_schema() {
    for version in fixture_versions() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("hrnexus.db").display()
        );
        let sql =
            std::fs::read_to_string(Path::new(FIXTURES).join(format!("{version}/sqlite.sql")))
                .unwrap();
        {
            let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
            migrator_up_to(sqlite_migrator(), version)
                .run(&mut c)
                .await
                .unwrap();
            sqlx::raw_sql(AssertSqlSafe(format!(
                "PRAGMA foreign_keys = OFF; BEGIN; {sql} COMMIT; PRAGMA foreign_keys = ON;"
            )))
            .execute(&mut c)
            .await
            .unwrap();
        }
        let read = read_back(&url).await;
        check_read_back(version, &read);
        for (table, rows) in fixture_rows(&sql) {
            assert_eq!(count(&url, &table, false).await, rows, "{version}: {table}");
        }
    }
}

/// Loads every fixture on PostgreSQL and brings it up to date.
#[tokio::test]
async fn postgres_migrates_forward_from_every_released_schema() {
    for version in fixture_versions() {
        let Some(pg) = common::fresh_pg_database().await else {
            return;
        };
        let sql =
            std::fs::read_to_string(Path::new(FIXTURES).join(format!("{version}/postgres.sql")))
                .unwrap();
        {
            let mut c = sqlx::PgConnection::connect(&pg.url).await.unwrap();
            migrator_up_to(postgres_migrator(), version)
                .run(&mut c)
                .await
                .unwrap();
            // pg_dump's data-only output may name a table before the one its foreign key
            // points to (departments refer to each other): load with triggers off.
            sqlx::raw_sql(AssertSqlSafe(format!(
                "BEGIN; SET LOCAL session_replication_role = replica; {sql} COMMIT;"
            )))
            .execute(&mut c)
            .await
            .unwrap();
        }
        let read = read_back(&pg.url).await;
        check_read_back(version, &read);
        for (table, rows) in fixture_rows(&sql) {
            assert_eq!(
                count(&pg.url, &table, true).await,
                rows,
                "{version}: {table}"
            );
        }
    }
}

/// The demo's figures, whatever the backend: one scan of 42 people, three rounds.
fn check_read_back(version: i64, read: &str) {
    let expected = "staff 2\n\
         scan Bakkerij Jansen B.V. Alle medewerkers\n\
         round 1 invited 42 responses 37 [12 10 9 6] comments 11\n\
         round 2 invited 42 responses 37 [12 10 9 6] comments 8\n\
         round 3 invited 0 responses 15 [5 4 4 2] comments 0\n";
    assert_eq!(read, expected, "{version}: read back after migrating");
}

/// A migration that fails halfway leaves the schema and the data as they were, on both
/// backends: each migration runs in its own transaction and is recorded only on success.
#[tokio::test]
async fn a_failed_migration_changes_nothing() {
    let broken = Migration::new(
        99_991_231_000_000,
        Cow::Borrowed("broken on purpose"),
        MigrationType::Simple,
        "CREATE TABLE half_done (id INTEGER); INSERT INTO half_done VALUES (1); \
         UPDATE staff SET email = 'x'; SELECT * FROM no_such_table;"
            .into_sql_str(),
        false,
    );
    let with_broken = |mut m: Migrator| {
        let mut all = m.migrations.to_vec();
        all.push(broken.clone());
        m.migrations = Cow::Owned(all);
        m
    };

    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("hrnexus.db").display()
    );
    let mut c = sqlx::SqliteConnection::connect(&sqlite).await.unwrap();
    sqlite_migrator().run(&mut c).await.unwrap();
    sqlx::raw_sql("INSERT INTO staff (email, password_hash, created_at) VALUES ('a@b.nl', 'h', 0)")
        .execute(&mut c)
        .await
        .unwrap();
    assert!(with_broken(sqlite_migrator()).run(&mut c).await.is_err());
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(tables, 0, "SQLite: the half-done table is gone");
    let email: String = sqlx::query_scalar("SELECT email FROM staff")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(email, "a@b.nl");
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 99991231000000")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(recorded, 0);
    // The app still opens it and finds its data.
    drop(c);
    let store = hrnexus::storage::connect(&sqlite).await.unwrap();
    assert_eq!(store.count_staff().await.unwrap(), 1);

    let Some(pg) = common::fresh_pg_database().await else {
        return;
    };
    let mut c = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    postgres_migrator().run(&mut c).await.unwrap();
    sqlx::raw_sql("INSERT INTO staff (email, password_hash, created_at) VALUES ('a@b.nl', 'h', 0)")
        .execute(&mut c)
        .await
        .unwrap();
    assert!(with_broken(postgres_migrator()).run(&mut c).await.is_err());
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE tablename = 'half_done'")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(tables, 0, "PostgreSQL: the half-done table is gone");
    let email: String = sqlx::query_scalar("SELECT email FROM staff")
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert_eq!(email, "a@b.nl");
    let recorded: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE version = 99991231000000")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(recorded, 0);
}
