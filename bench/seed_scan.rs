//! Seeds a database with a large scan for `bench/scan.sh`: 10,000 responses in 10
//! departments, plus a sign-in link for its employer. Prints `SCAN_ID=…` and `LOGIN_TOKEN=…`.
//!
//! Usage: cargo bench --bench seed_scan -- <database-url> [responses]

use chrono::{Duration, Utc};
use hrnexus::{
    auth,
    storage::{self, NewScan, OutgoingMail, ScanOwner, Submission},
};
use hrnexus_core::email::EmailAddress;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: seed_scan <database-url> [responses]"))?;
    let responses: u32 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(10_000);
    let store = storage::connect(&url).await?;

    let email = EmailAddress::parse("bench@werkgever.nl").map_err(|_| anyhow::anyhow!("email"))?;
    let mail = OutgoingMail {
        recipient: email.as_str().into(),
        subject: "bench".into(),
        text_body: "bench".into(),
        html_body: None,
        headers: vec![],
        carries_secret: true,
    };
    let seed_link = auth::random_token();
    store
        .create_login_link(
            &email,
            "nl",
            &auth::token_hash(&seed_link),
            storage::now() + 60,
            &mail,
        )
        .await?;
    let employer = store
        .consume_login_link(&auth::token_hash(&seed_link), storage::now())
        .await?
        .expect("employer");

    let today = Utc::now().date_naive();
    let scan_id = store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(employer.id),
            organisation: "Benchmark B.V.".into(),
            team: "Iedereen".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: (1..=10).map(|i| format!("Afdeling {i}")).collect(),
            opened_on: today,
            closes_on: today + Duration::days(30),
            shared_token_hash: Some(auth::token_hash(&auth::random_token())),
            invites: Vec::new(),
        })
        .await?;
    let departments = store.departments(scan_id).await?;
    let round = store.rounds(scan_id).await?.remove(0);
    let mut state = 0x2545F4914F6CDD1Du64;
    let mut roll = |modulo: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % modulo) as i16
    };
    for i in 0..responses {
        let department = &departments[i as usize % departments.len()];
        let submission = Submission {
            round_id: round.id,
            marker: format!("seed-{i}"),
            department_id: Some(department.id),
            answered_on: today,
            answers: [roll(6), roll(6), roll(6), roll(6), roll(6)],
            signals: [Some(roll(6)), Some(roll(6)), Some(roll(6))],
            comment: (i % 7 == 0).then(|| format!("Opmerking nummer {i}")),
        };
        store.submit_response(&submission).await?;
    }
    // Results appear once a round is closed: measure the page an employer then reads.
    store.close_round(round.id, storage::now()).await?;

    let login = auth::random_token();
    store
        .create_login_link(
            &email,
            "nl",
            &auth::token_hash(&login),
            storage::now() + 3600,
            &mail,
        )
        .await?;
    println!("SCAN_ID={scan_id}");
    println!("LOGIN_TOKEN={login}");
    Ok(())
}
