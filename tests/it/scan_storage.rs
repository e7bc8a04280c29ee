//! The storage contract for managing rounds and scans, on both backends: moving a round's
//! closing date only while it is open, and deleting a scan so that no row of it remains in
//! any table that refers to a scan or a round (found in the database's own catalog, so a
//! table added later is checked too).

use crate::{both_backends, common};

use chrono::{Days, NaiveDate};
use common::Db;
use hrnexus::storage::{
    MailInvitations, MailedInvite, NewAuditEntry, NewScan, OutgoingMail, ScanOwner, Submission,
    SubmitOutcome, now,
};
use hrnexus_core::email::EmailAddress;

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "Uitnodiging".into(),
        text_body: "Je link: https://hrnexus.nl/scan/abc".into(),
        html_body: None,
        headers: Vec::new(),
        carries_secret: true,
    }
}

async fn employer(store: &hrnexus::storage::DynStorage, address: &str) -> i64 {
    let token = format!("hash-{address}");
    let email = EmailAddress::parse(address).unwrap();
    store
        .create_login_link(&email, "nl", &token, now() + 600, &mail(address))
        .await
        .unwrap();
    store
        .consume_login_link(&token, now())
        .await
        .unwrap()
        .unwrap()
        .id
}

fn new_scan(owner: ScanOwner, organisation: &str, invites: &[&str]) -> NewScan {
    NewScan {
        owner,
        organisation: organisation.into(),
        team: "Productie".into(),
        lang: "nl".into(),
        min_group: 3,
        min_comments: 3,
        departments: vec!["Winkel".into(), "Bakkerij".into()],
        opened_on: today(),
        closes_on: today() + Days::new(14),
        shared_token_hash: None,
        invites: invites.iter().map(|t| (t.to_string(), None)).collect(),
    }
}

async fn answer(store: &hrnexus::storage::DynStorage, round_id: i64, department_id: i64, n: u32) {
    for i in 0..n {
        let outcome = store
            .submit_response(&Submission {
                round_id,
                marker: format!("marker-{round_id}-{department_id}-{i}"),
                department_id: Some(department_id),
                answered_on: today(),
                answers: [4, 3, 5, 2, 4],
                signals: [Some(3), None, Some(1)],
                comment: Some(format!("Opmerking {i}")),
            })
            .await
            .unwrap();
        assert_eq!(outcome, SubmitOutcome::Stored);
    }
}

/// Rows of scan `scan_id` (with rounds `rounds`) in every table that has a `scan_id` or a
/// `round_id` column, plus the scan row itself: (table, rows).
async fn rows_of(db: Db, url: &str, scan_id: i64, rounds: &[i64]) -> Vec<(String, i64)> {
    use sqlx::Connection;
    let round_list = rounds
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let query = |table: &str, column: &str| match column {
        "scan_id" => format!("SELECT COUNT(*) FROM {table} WHERE scan_id = {scan_id}"),
        _ => format!("SELECT COUNT(*) FROM {table} WHERE round_id IN ({round_list})"),
    };
    let mut found = Vec::new();
    match db {
        Db::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, c.name FROM sqlite_master m JOIN pragma_table_info(m.name) c
                 WHERE m.type = 'table' AND c.name IN ('scan_id', 'round_id')",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            assert!(columns.len() >= 7, "{columns:?}");
            for (table, column) in columns {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(query(&table, &column)))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                found.push((format!("{table}.{column}"), n));
            }
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scans WHERE id = $1")
                .bind(scan_id)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            found.push(("scans".into(), n));
        }
        Db::Postgres => {
            let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND column_name IN ('scan_id', 'round_id')",
            )
            .fetch_all(&mut conn)
            .await
            .unwrap();
            assert!(columns.len() >= 7, "{columns:?}");
            for (table, column) in columns {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(query(&table, &column)))
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
                found.push((format!("{table}.{column}"), n));
            }
            let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM scans WHERE id = $1")
                .bind(scan_id)
                .fetch_one(&mut conn)
                .await
                .unwrap();
            found.push(("scans".into(), n));
        }
    }
    found.sort();
    found
}

async fn a_deleted_scan_leaves_no_row(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let owner = ScanOwner::Employer(employer(store, "eigenaar@bakkerij.nl").await);
    let scan_id = store
        .create_scan(&new_scan(owner, "Bakkerij Jansen", &["t-1", "t-2"]))
        .await
        .unwrap();
    let kept_id = store
        .create_scan(&new_scan(owner, "Slagerij Smit", &["k-1"]))
        .await
        .unwrap();
    let departments = store.departments(scan_id).await.unwrap();
    let first = store.rounds(scan_id).await.unwrap().remove(0);
    answer(store, first.id, departments[0].id, 4).await;
    // A second round (which closes and seals the first), answered and mailed to.
    let second = store
        .open_round(
            scan_id,
            today(),
            today() + Days::new(7),
            Some("shared-hash"),
            &[("t-3".into(), Some(departments[1].id))],
        )
        .await
        .unwrap();
    answer(store, second.id, departments[1].id, 3).await;
    let invites: Vec<MailedInvite> = ["a@bakkerij.nl", "b@bakkerij.nl"]
        .iter()
        .enumerate()
        .map(|(i, email)| MailedInvite {
            email: email.to_string(),
            token_hash: format!("mailed-{i}"),
            mail: mail(email),
        })
        .collect();
    store
        .invite_by_mail(&MailInvitations {
            round_id: second.id,
            department_id: None,
            invited_on: today(),
            max_per_round: 100,
            invites,
        })
        .await
        .unwrap();
    let kept_round = store.rounds(kept_id).await.unwrap().remove(0);
    answer(
        store,
        kept_round.id,
        store.departments(kept_id).await.unwrap()[0].id,
        2,
    )
    .await;

    // What the confirmation page names.
    let footprint = store.scan_footprint(scan_id).await.unwrap();
    assert_eq!(
        (
            footprint.rounds,
            footprint.departments,
            footprint.responses,
            footprint.comments,
            footprint.invites,
            footprint.addresses,
            footprint.pending_mails,
            footprint.mails
        ),
        (2, 2, 7, 7, 5, 2, 2, 2)
    );
    let round_ids = [first.id, second.id];
    let before = rows_of(db, &t.url, scan_id, &round_ids).await;
    assert!(
        before
            .iter()
            .any(|(table, n)| table == "responses.round_id" && *n == 7)
    );

    let deleted = store
        .delete_scan(
            scan_id,
            &NewAuditEntry {
                actor: Some("werkgever #1"),
                event: "scan_deleted",
                detail: "scan #1",
                ip: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(deleted, Some(footprint));
    let after = rows_of(db, &t.url, scan_id, &round_ids).await;
    assert!(after.iter().all(|(_, n)| *n == 0), "rows left: {after:?}");
    assert_eq!(after.len(), before.len());
    // Its links open nothing; the audit entry is there; the other scan is untouched.
    for token in ["t-1", "t-3", "mailed-0", "shared-hash"] {
        assert!(store.scan_entry(token).await.unwrap().is_none(), "{token}");
    }
    assert!(store.scan_by_id(scan_id).await.unwrap().is_none());
    let audit = store.recent_audit(5).await.unwrap();
    assert!(audit.iter().any(|a| a.event == "scan_deleted"));
    assert!(store.scan_entry("k-1").await.unwrap().is_some());
    let kept = rows_of(db, &t.url, kept_id, &[kept_round.id]).await;
    let kept_count = |name: &str| kept.iter().find(|(t, _)| t == name).map(|(_, n)| *n);
    assert_eq!(kept_count("responses.round_id"), Some(2));
    assert_eq!(kept_count("departments.scan_id"), Some(2));
    assert_eq!(store.scans_of(owner).await.unwrap().len(), 1);
    assert_eq!(store.owned_scans(owner).await.unwrap().len(), 1);
    // A second deletion finds nothing and writes nothing.
    assert_eq!(
        store
            .delete_scan(
                scan_id,
                &NewAuditEntry {
                    actor: None,
                    event: "scan_deleted",
                    detail: "again",
                    ip: None,
                },
            )
            .await
            .unwrap(),
        None
    );
    assert!(
        !store
            .recent_audit(5)
            .await
            .unwrap()
            .iter()
            .any(|a| a.detail == "again")
    );
    // A late answer for a deleted round is refused, not stored.
    let late = store
        .submit_response(&Submission {
            round_id: second.id,
            marker: "late".into(),
            department_id: None,
            answered_on: today(),
            answers: [3; 5],
            signals: [None; 3],
            comment: None,
        })
        .await
        .unwrap();
    assert_eq!(late, SubmitOutcome::Closed);
    assert!(
        rows_of(db, &t.url, scan_id, &round_ids)
            .await
            .iter()
            .all(|(_, n)| *n == 0)
    );
}

async fn a_closing_date_moves_only_while_the_round_is_open(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let owner = ScanOwner::Employer(employer(store, "eigenaar@bakkerij.nl").await);
    let scan_id = store
        .create_scan(&new_scan(owner, "Bakkerij Jansen", &[]))
        .await
        .unwrap();
    let round = store.rounds(scan_id).await.unwrap().remove(0);
    let later = today() + Days::new(30);
    assert!(
        store
            .set_closing_date(round.id, later, today())
            .await
            .unwrap()
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].closes_on, later);
    // Earlier again, to today: still open today.
    assert!(
        store
            .set_closing_date(round.id, today(), today())
            .await
            .unwrap()
    );
    // Once the date has passed (seen from tomorrow), the round has closed: nothing moves.
    let tomorrow = today() + Days::new(1);
    assert!(
        !store
            .set_closing_date(round.id, later, tomorrow)
            .await
            .unwrap()
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].closes_on, today());
    // Closed by hand: nothing moves either; nor for a round that does not exist.
    store.close_round(round.id, now()).await.unwrap();
    assert!(
        !store
            .set_closing_date(round.id, later, today())
            .await
            .unwrap()
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].closes_on, today());
    assert!(
        !store
            .set_closing_date(987_654, later, today())
            .await
            .unwrap()
    );
}

both_backends!(
    a_deleted_scan_leaves_no_row,
    a_closing_date_moves_only_while_the_round_is_open,
);
