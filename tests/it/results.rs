//! The employer's results pages: figures only for groups the anonymity rules allow, the
//! CSV export, trends across rounds, "vraag hulp" with consent, on both backends.

use crate::{both_backends, common};

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    storage::{NewScan, OutgoingMail, ScanOwner, Submission, SubmitOutcome, now},
    web::werkgever::{EMPLOYER_KEY, EmployerSession},
};
use hrnexus_core::{
    email::EmailAddress,
    scan::{AnonymityPolicy, DepartmentNode, GroupId},
};
use rand::{Rng, SeedableRng, rngs::StdRng};
use tower_sessions::session::{Id, Record};

/// A signed-in employer: a real employer row and a real session, with the cookie to use.
struct SignedIn {
    id: i64,
    cookie: String,
    client: reqwest::Client,
}

async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    let address = EmailAddress::parse(email).unwrap();
    let token_hash = auth::token_hash(&auth::random_token());
    let mail = OutgoingMail {
        recipient: email.to_owned(),
        subject: "login".into(),
        text_body: "login".into(),
        html_body: None,
        headers: vec![],
        carries_secret: true,
    };
    app.store
        .create_login_link(&address, "nl", &token_hash, now() + 600, &mail)
        .await
        .unwrap();
    let employer = app
        .store
        .consume_login_link(&token_hash, now())
        .await
        .unwrap()
        .expect("employer created");
    let session = EmployerSession {
        employer_id: employer.id,
        email: email.to_owned(),
        signed_in_at: now(),
    };
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let record = Record {
        id: Id::default(),
        data: HashMap::from([(
            EMPLOYER_KEY.to_owned(),
            serde_json::to_value(&session).unwrap(),
        )]),
        expiry_date: expiry,
    };
    assert!(
        app.store
            .session_insert(
                &auth::token_hash(&record.id.to_string()),
                &serde_json::to_string(&record).unwrap(),
                expiry.unix_timestamp(),
            )
            .await
            .unwrap()
    );
    SignedIn {
        id: employer.id,
        cookie: format!("hrnexus_session={}", record.id),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

impl SignedIn {
    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client
            .get(app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let response = self.get(app, path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }
}

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

struct TestScan {
    id: i64,
    round_id: i64,
    /// Department ids in the order given.
    departments: Vec<i64>,
}

async fn create_scan(app: &TestApp, owner: i64, departments: &[&str]) -> TestScan {
    let id = app
        .store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(owner),
            organisation: "Bakkerij De Korf".into(),
            team: "Winkel".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            opened_on: today(),
            closes_on: today() + Duration::days(14),
            shared_token_hash: Some(auth::token_hash(&auth::random_token())),
            invites: Vec::new(),
        })
        .await
        .unwrap();
    let stored = app.store.departments(id).await.unwrap();
    let ids = departments
        .iter()
        .map(|name| stored.iter().find(|d| d.name == *name).unwrap().id)
        .collect();
    let round_id = app.store.rounds(id).await.unwrap().last().unwrap().id;
    TestScan {
        id,
        round_id,
        departments: ids,
    }
}

/// Stores one response through the shared-link guard with a fresh random form id.
async fn respond(
    app: &TestApp,
    round_id: i64,
    department_id: Option<i64>,
    answers: [i16; 5],
    comment: Option<&str>,
) {
    let outcome = app
        .store
        .submit_response(&Submission {
            round_id,
            marker: auth::token_hash(&auth::random_token()),
            department_id,
            answered_on: today(),
            answers,
            signals: [Some(answers[0]), Some(answers[1]), Some(answers[2])],
            comment: comment.map(str::to_owned),
        })
        .await
        .unwrap();
    assert_eq!(outcome, SubmitOutcome::Stored);
}

async fn respond_n(app: &TestApp, round_id: i64, department_id: Option<i64>, n: usize, a: i16) {
    for _ in 0..n {
        respond(app, round_id, department_id, [a; 5], None).await;
    }
}

/// The page without the explanation section (which names the thresholds as percentages).
fn figures_part(html: &str) -> &str {
    let start = html.find("id=\"uitleg\"").expect("explanation section");
    &html[..start]
}

/// The section of one group, from its id to the end of its section.
fn section<'a>(html: &'a str, anchor: &str) -> &'a str {
    let id = html
        .find(&format!("id=\"{anchor}\""))
        .unwrap_or_else(|| panic!("{anchor} not on the page"));
    let start = html[..id].rfind('<').unwrap();
    let end = start + html[start..].find("</section>").unwrap();
    &html[start..end]
}

/// Visible text of an HTML fragment.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Figures of a round appear only once it is closed.
async fn close(app: &TestApp, round_id: i64) {
    app.store.close_round(round_id, now()).await.unwrap();
}

fn results_path(scan: &TestScan) -> String {
    format!("/werkgever/scans/{}/resultaten", scan.id)
}

async fn fewer_than_five_show_nothing(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &[]).await;
    for i in 0..4 {
        respond(
            &app,
            scan.round_id,
            None,
            [1, 2, 4, 5, 3],
            Some(&format!("opmerking {i}")),
        )
        .await;
    }
    close(&app, scan.round_id).await;
    let html = employer.page(&app, &results_path(&scan)).await;
    assert!(html.contains("nog niet genoeg reacties"));
    // The scan's own count is always shown.
    assert!(text(section(&html, "geheel")).contains("nog niet genoeg reacties"));
    assert!(
        html.contains("<strong>4</strong>"),
        "the total count grows visibly"
    );
    let figures = figures_part(&html);
    assert!(!figures.contains('%'), "no percentage anywhere");
    assert!(!figures.contains("class=\"bar\""), "no chart");
    assert!(!figures.contains("band-badge"), "no band");
    assert!(!html.contains("opmerking 0"), "no comments");
    assert_eq!(
        text(section(&html, "geheel")),
        "Alle reacties samen nog niet genoeg reacties"
    );

    let csv = employer
        .get(&app, &format!("{}.csv", results_path(&scan)))
        .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert_eq!(csv.lines().count(), 1, "only the header: {csv}");
    assert!(!csv.contains("Alle reacties"));

    let report = employer
        .page(&app, &format!("/werkgever/scans/{}/rapport", scan.id))
        .await;
    assert!(report.contains("nog niet genoeg reacties"));
    assert!(!figures_part(&report).contains('%'));
}

async fn a_small_sibling_hides_the_other_department_too(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &["Bakkerij", "Bezorging"]).await;
    let (big, small) = (scan.departments[0], scan.departments[1]);
    respond_n(&app, scan.round_id, Some(big), 6, 5).await;
    respond_n(&app, scan.round_id, Some(small), 2, 1).await;
    close(&app, scan.round_id).await;

    let html = employer.page(&app, &results_path(&scan)).await;
    // The whole scan (8) is visible: 6 × "helemaal eens", 2 × "helemaal oneens".
    let whole = text(section(&html, "geheel"));
    assert!(whole.contains("8 reacties"), "{whole}");
    assert!(whole.contains("75%"), "{whole}");
    // Both departments are hidden: showing the 6 would reveal the 2 by subtraction.
    for id in [big, small] {
        let part = text(section(&html, &format!("afdeling-{id}")));
        assert!(part.ends_with("nog niet genoeg reacties"), "{part}");
        assert!(!part.chars().any(|c| c.is_ascii_digit()), "{part}");
    }
    assert!(!html.contains("6 reacties") && !html.contains("2 reacties"));
    if let Some(at) = html.find("100%") {
        panic!(
            "the big department's figures leak: {}",
            &html[at.saturating_sub(300)..at + 50]
        );
    }

    let csv = employer
        .get(&app, &format!("{}.csv", results_path(&scan)))
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(csv.lines().count(), 1 + 5);
    assert!(!csv.contains("Bakkerij\"") && !csv.contains("Bezorging"));
}

async fn comments_need_eight_and_are_escaped(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    // Seven comments stay hidden; with an eighth they all show.
    let seven = create_scan(&app, employer.id, &[]).await;
    let scan = create_scan(&app, employer.id, &[]).await;
    for round_id in [seven.round_id, scan.round_id] {
        for i in 0..7 {
            respond(
                &app,
                round_id,
                None,
                [4; 5],
                Some(&format!("opmerking nummer {i}")),
            )
            .await;
        }
    }
    close(&app, seven.round_id).await;
    let html = employer.page(&app, &results_path(&seven)).await;
    assert!(html.contains("7 reacties"), "figures from 5 on");
    assert!(!html.contains("opmerking nummer"), "comments need 8");

    respond(
        &app,
        scan.round_id,
        None,
        [4; 5],
        Some("<script>alert('x')</script> & \"meer\""),
    )
    .await;
    close(&app, scan.round_id).await;
    let html = employer.page(&app, &results_path(&scan)).await;
    for i in 0..7 {
        assert!(html.contains(&format!("opmerking nummer {i}")));
    }
    assert!(!html.contains("<script>alert"), "comments are escaped");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    // Comments never go into the CSV.
    let csv = employer
        .get(&app, &format!("{}.csv", results_path(&scan)))
        .await
        .text()
        .await
        .unwrap();
    assert!(!csv.contains("opmerking"));
}

async fn only_the_owner_sees_results(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let owner = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let other = sign_in(&app, "ander@concurrent.nl").await;
    let scan = create_scan(&app, owner.id, &[]).await;
    respond_n(&app, scan.round_id, None, 6, 4).await;
    close(&app, scan.round_id).await;
    let base = results_path(&scan);
    for path in [
        base.clone(),
        format!("{base}.csv"),
        format!("/werkgever/scans/{}/rapport", scan.id),
        format!("/en{base}"),
    ] {
        assert_eq!(other.get(&app, &path).await.status(), 404, "{path}");
        assert_eq!(owner.get(&app, &path).await.status(), 200, "{path}");
    }

    // Unknown, malformed and out-of-range addresses are plain 404 pages.
    for path in [
        "/werkgever/scans/999999/resultaten".to_owned(),
        "/werkgever/scans/abc/resultaten".to_owned(),
        format!("{base}?ronde=7"),
        format!("{base}?ronde=een"),
    ] {
        let response = owner.get(&app, &path).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    // Not signed in: to the sign-in page, in the right language.
    let anonymous = app.get(&base).await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/werkgever/login");
    let anonymous = app.get(&format!("/en{base}")).await;
    assert_eq!(anonymous.headers()["location"], "/en/werkgever/login");
}

async fn csv_has_visible_groups_only_and_defuses_formulas(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(
        &app,
        employer.id,
        &["=SUM(A1)", "+Verkoop \"Noord\"", "Klein"],
    )
    .await;
    respond_n(&app, scan.round_id, Some(scan.departments[0]), 5, 5).await;
    respond_n(&app, scan.round_id, Some(scan.departments[1]), 6, 2).await;
    close(&app, scan.round_id).await;

    let response = employer
        .get(&app, &format!("{}.csv", results_path(&scan)))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 1 + 3 * 5, "{csv}");
    assert!(lines[0].starts_with("\u{feff}\"Groep\";\"Onderwerp\""));
    for line in &lines {
        for field in line.trim_start_matches('\u{feff}').split(';') {
            assert!(field.starts_with('"') && field.ends_with('"'), "{line}");
        }
    }
    assert!(csv.contains("\"'=SUM(A1)\";\"Eigen werkwijze\";\"5\";\"5,00\";\"100,0\";\"0,0\";\"0\";\"0\";\"0\";\"0\";\"5\";\"0\";\"Goed\""));
    assert!(csv.contains("\"'+Verkoop \"\"Noord\"\"\";"));
    assert!(!csv.contains("Klein"), "the empty department is hidden");
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with("\"=") && !l.starts_with("\"+")),
        "formulas are defused"
    );

    let english = employer
        .get(&app, &format!("/en{}.csv", results_path(&scan)))
        .await
        .text()
        .await
        .unwrap();
    assert!(english.starts_with("\u{feff}\"Group\",\"Topic\""));
    assert!(english.contains("\"5.00\",\"100.0\""));

    // The page shows the same groups, and names stay plain text.
    let html = employer.page(&app, &results_path(&scan)).await;
    let klein = text(section(&html, &format!("afdeling-{}", scan.departments[2])));
    assert_eq!(klein, "Klein nog niet genoeg reacties");
    assert!(
        text(section(&html, &format!("afdeling-{}", scan.departments[0]))).contains("5 reacties")
    );
    assert!(
        html.contains("+Verkoop &#34;Noord&#34;") || html.contains("+Verkoop &quot;Noord&quot;")
    );
}

/// Answers of one response in the trend test: werkwijze rises, steun stays, open_mening falls.
async fn trend_round(app: &TestApp, round_id: i64, werkwijze: [i16; 2], open_mening: [i16; 2]) {
    for i in 0..10 {
        let pick = |pair: [i16; 2]| pair[i % 2];
        respond(
            app,
            round_id,
            None,
            [pick(werkwijze), 3, 3, pick(open_mening), pick([3, 4])],
            None,
        )
        .await;
    }
}

async fn trend_labels_across_two_rounds(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &[]).await;
    trend_round(&app, scan.round_id, [2, 3], [4, 5]).await;
    close(&app, scan.round_id).await;
    let first = employer.page(&app, &results_path(&scan)).await;
    assert!(first.contains("Dit is de eerste ronde"));

    let round = app
        .store
        .open_round(scan.id, today(), today() + Duration::days(14), None, &[])
        .await
        .unwrap();
    assert_eq!(round.number, 2);
    trend_round(&app, round.id, [4, 5], [2, 3]).await;
    close(&app, round.id).await;

    let html = employer.page(&app, &results_path(&scan)).await;
    let trend = text(section(&html, "verloop"));
    assert!(
        trend.contains("Verandering van ronde 1 naar ronde 2"),
        "{trend}"
    );
    let row = |aspect: &str| {
        let start = trend
            .find(&format!("{aspect} "))
            .unwrap_or_else(|| panic!("{aspect}"));
        trend[start..].split(')').next().unwrap().to_owned()
    };
    // 2.5 → 4.5 with s² = 5/18 in both rounds: difference +2.0. Five labels on the page
    // (whole scan only), df = 18: interval ±t(1 − 0.05/10, 18) · √(2 · 5/18 / 10) = ±0.68.
    assert_eq!(
        row("Eigen werkwijze 2,5 4,5"),
        "Eigen werkwijze 2,5 4,5 +2,0 stijgend (tussen +1,3 en +2,7"
    );
    assert!(row("Steun bij verandering 3,5 3,5").contains("stabiel"));
    assert!(
        row("Eerlijk je mening geven 4,5 2,5")
            .contains("dalend (tussen \u{2212}2,7 en \u{2212}1,3")
    );
    assert!(trend.contains("minstens 0,2 punt veranderde"), "{trend}");
    assert!(trend.contains("met 95% zekerheid"), "{trend}");
    assert!(html.contains("role=\"img\""));
    // Round 1 can still be opened; it has no earlier round to compare with.
    let old = employer
        .page(&app, &format!("{}?ronde=1", results_path(&scan)))
        .await;
    assert!(old.contains("Dit is de eerste ronde"));
    assert!(old.contains("aria-current=\"page\""));

    let english = employer
        .page(&app, &format!("/en{}", results_path(&scan)))
        .await;
    let english = text(section(&english, "verloop"));
    assert!(
        english.contains("rising (between +1.3 and +2.7"),
        "{english}"
    );
}

/// "Verschil" is the difference of the rounded means beside it: 3.25 → 3.5 shows
/// 3,3 and 3,5 with +0,2, not the rounded raw difference +0,3.
async fn the_difference_agrees_with_the_shown_means(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &[]).await;
    for i in 0..8 {
        respond(
            &app,
            scan.round_id,
            None,
            [if i < 6 { 3 } else { 4 }, 3, 3, 3, 3],
            None,
        )
        .await;
    }
    close(&app, scan.round_id).await;
    let round = app
        .store
        .open_round(scan.id, today(), today() + Duration::days(14), None, &[])
        .await
        .unwrap();
    for i in 0..8 {
        respond(
            &app,
            round.id,
            None,
            [if i < 4 { 3 } else { 4 }, 3, 3, 3, 3],
            None,
        )
        .await;
    }
    close(&app, round.id).await;
    let html = employer.page(&app, &results_path(&scan)).await;
    let trend = text(section(&html, "verloop"));
    assert!(
        trend.contains("Eigen werkwijze 3,3 3,5 +0,2 stabiel"),
        "{trend}"
    );
}

/// "Vraag hulp" leads to the contact form pre-filled with the aspects that need work and
/// the categories that fit them: keys only, nothing about a department or an employee.
async fn asking_for_help_prefills_the_contact_form(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &["Winkel", "Geheim"]).await;
    respond_n(&app, scan.round_id, Some(scan.departments[0]), 6, 2).await;
    close(&app, scan.round_id).await;
    let html = employer.page(&app, &results_path(&scan)).await;
    // A legend near the top ranks the bands in words, before any figures per group.
    let legend = html.find("class=\"band-legend\"").expect("a legend");
    assert!(legend < html.find("class=\"aspect ").unwrap_or(usize::MAX));
    assert!(html[legend..].contains("Werk aan de winkel"));
    let help = section(&html, "hulp");
    let start = help
        .find("href=\"/contact?")
        .expect("a link to the contact form")
        + 6;
    let link = &help[start..start + help[start..].find('"').unwrap()];
    let link = link.replace("&amp;", "&").replace("&#38;", "&");
    assert!(link.contains("aspect=steun"), "{link}");
    assert!(link.contains("categorie="), "{link}");
    assert!(
        !link.contains("Geheim") && !link.contains("Winkel"),
        "{link}"
    );

    let form = app.get(&link).await.text().await.unwrap();
    assert!(
        form.contains("name=\"aspect\" value=\"steun\""),
        "aspects carried along: {link} {form}"
    );
    assert!(form.contains(" checked>"), "categories ticked");
    // Nothing is stored until the employer sends the form.
    assert!(app.store.intakes(None, 10).await.unwrap().is_empty());
}

async fn english_page_is_english(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &["Kassa", "Magazijn"]).await;
    app.store
        .add_invites(
            scan.round_id,
            &(0..12)
                .map(|_| (auth::token_hash(&auth::random_token()), None))
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    for i in 0..6 {
        let a = if i % 2 == 0 { 3 } else { 4 };
        respond(&app, scan.round_id, Some(scan.departments[0]), [a; 5], None).await;
    }
    close(&app, scan.round_id).await;
    let nl = employer.page(&app, &results_path(&scan)).await;
    assert!(nl.contains("<html lang=\"nl\""));
    assert!(nl.contains("3,5"));
    assert!(nl.contains("50%"));
    assert!(nl.contains("50% (6 van 12 uitgenodigden)"), "response rate");
    assert!(nl.contains("Aandacht nodig"));

    let en = employer
        .page(&app, &format!("/en{}", results_path(&scan)))
        .await;
    assert!(en.contains("<html lang=\"en\""));
    assert!(en.contains("3.5"));
    assert!(!en.contains("3,5"));
    assert!(en.contains("50% (6 of 12 invited)"));
    assert!(
        en.contains("not enough responses yet"),
        "Magazijn is hidden"
    );
    assert!(!en.contains("nog niet genoeg"));
    assert!(en.contains("Ask for help"));
    assert!(en.contains("Mean"));
    assert!(en.contains("Needs attention"));

    let report = employer
        .page(&app, &format!("/en/werkgever/scans/{}/rapport", scan.id))
        .await;
    assert!(report.contains("Printable") || report.contains("print"));
    assert!(
        !report.contains("name=\"toestemming\""),
        "no form in the report"
    );
    assert!(report.contains("3.5"));
}

/// Random small scans: every department the core hides shows only its name and the
/// not-enough text, nowhere else a figure of it, and what the page shows can never be
/// subtracted into a group smaller than the threshold.
async fn random_scans_never_show_hidden_figures(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let names = ["Alfa", "Bravo", "Charlie", "Delta"];
    let mut rng = StdRng::seed_from_u64(20_260_517 + db as u64);
    for _ in 0..6 {
        let count = rng.random_range(1..=names.len());
        let scan = create_scan(&app, employer.id, &names[..count]).await;
        let mut per_department = Vec::new();
        for &department in &scan.departments {
            let n = rng.random_range(0..9);
            for _ in 0..n {
                let answers = std::array::from_fn(|_| rng.random_range(0..=5));
                respond(
                    &app,
                    scan.round_id,
                    Some(department),
                    answers,
                    Some("tekst"),
                )
                .await;
            }
            per_department.push(n as u32);
        }
        let unassigned = rng.random_range(0..4);
        for _ in 0..unassigned {
            respond(&app, scan.round_id, None, [3; 5], None).await;
        }
        close(&app, scan.round_id).await;
        let total: u32 = per_department.iter().sum::<u32>() + unassigned;
        let nodes: Vec<DepartmentNode> = scan
            .departments
            .iter()
            .zip(&per_department)
            .map(|(&id, &responses)| DepartmentNode {
                id,
                parent_id: None,
                responses,
            })
            .collect();
        let visibility = AnonymityPolicy::new(5, 8).evaluate(total, &nodes).unwrap();

        let html = employer.page(&app, &results_path(&scan)).await;
        let csv = employer
            .get(&app, &format!("{}.csv", results_path(&scan)))
            .await
            .text()
            .await
            .unwrap();
        let mut visible_sum = 0;
        for (i, &id) in scan.departments.iter().enumerate() {
            let part = text(section(&html, &format!("afdeling-{id}")));
            if visibility.is_visible(GroupId::Department(id)) {
                assert!(
                    part.contains(&format!("{} reacties", per_department[i])),
                    "{part}"
                );
                assert!(csv.contains(&format!("\"{}\"", names[i])));
                visible_sum += per_department[i];
            } else {
                assert_eq!(part, format!("{} nog niet genoeg reacties", names[i]));
                assert!(!csv.contains(names[i]), "{csv}");
            }
        }
        // What a reader can subtract: the total minus the visible departments.
        if visibility.is_visible(GroupId::Scan) {
            let remainder = total - visible_sum;
            assert!(remainder == 0 || remainder >= 5, "remainder {remainder}");
            assert!(text(section(&html, "geheel")).contains(&format!("{total} reacties")));
        } else {
            assert_eq!(visible_sum, 0);
            assert_eq!(csv.lines().count(), 1);
            assert!(!figures_part(&html).contains('%'));
        }
        // Comments only where the core allows them.
        assert_eq!(
            html.contains("<li>tekst</li>"),
            visibility.comments_visible(GroupId::Scan),
        );
    }
}

/// The figures of the calculator's result block, as text, in the order shown.
fn cost_figures(html: &str) -> Vec<String> {
    let start = html.find("class=\"cost-result\"").expect("a result block");
    let block = &html[start..start + html[start..].find("</dl>").unwrap()];
    block
        .split("<dd>")
        .skip(1)
        .map(|dd| text(&dd[..dd.find("</dd>").unwrap()]))
        .collect()
}

async fn the_cost_of_doing_nothing_is_on_the_results_page(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &[]).await;
    for _ in 0..5 {
        respond(&app, scan.round_id, None, [2, 2, 3, 2, 1], None).await;
    }
    close(&app, scan.round_id).await;
    let html = employer.page(&app, &results_path(&scan)).await;
    assert!(
        html.contains("id=\"kosten\""),
        "the calculator is on the results page"
    );
    assert!(html.contains("name=\"medewerkers\""));
    let path = format!(
        "{}?medewerkers=20&gemiddeld_jaarsalaris=40000&verloop_percentage=10",
        results_path(&scan)
    );
    let html = employer.page(&app, &path).await;
    // Each figure of the result block, in its order: absence days, absence cost, leavers,
    // turnover cost, total, per employee. (The page holds "40.000" anyway: the typed salary
    // and the formula text; so the figures are compared one by one, not searched for.)
    // 20 × 220 days × 5% = 220 days × €250 = € 55.000 absence; 20 × 10% = 2 leavers
    // × €40.000 × 50% = € 40.000 turnover; € 95.000 in all, / 20 = € 4.750 per employee.
    assert_eq!(
        cost_figures(&html),
        ["220", "€ 55.000", "2", "€ 40.000", "€ 95.000", "€ 4.750"]
    );
    // Other figures give other results: the block is computed, not fixed text.
    let path = format!(
        "{}?medewerkers=30&gemiddeld_jaarsalaris=50000&verloop_percentage=20",
        results_path(&scan)
    );
    let html = employer.page(&app, &path).await;
    // 30 × 220 × 5% = 330 days × €250 = € 82.500; 30 × 20% = 6 × €50.000 × 50% = € 150.000;
    // € 232.500 in all, € 7.750 per employee.
    assert_eq!(
        cost_figures(&html),
        ["330", "€ 82.500", "6", "€ 150.000", "€ 232.500", "€ 7.750"]
    );
}

/// Every surface of one scan an employer can fetch, as (name, status, body).
async fn surfaces(
    app: &TestApp,
    employer: &SignedIn,
    scan: &TestScan,
    round: Option<i32>,
) -> Vec<(String, u16, String)> {
    let query = round.map(|n| format!("?ronde={n}")).unwrap_or_default();
    let mut out = Vec::new();
    for path in [
        format!("{}{query}", results_path(scan)),
        format!("{}.csv{query}", results_path(scan)),
        format!("/werkgever/scans/{}/rapport{query}", scan.id),
        format!("/werkgever/scans/{}/rapport.pdf{query}", scan.id),
        format!("/en{}{query}", results_path(scan)),
    ] {
        let response = employer.get(app, &path).await;
        let status = response.status().as_u16();
        out.push((path, status, response.text().await.unwrap()));
    }
    out
}

/// Two sets of views are identical; otherwise the first line that differs is shown.
fn same_views(now: &[(String, u16, String)], then: &[(String, u16, String)]) {
    for ((path, status, body), (_, status_then, body_then)) in now.iter().zip(then) {
        assert_eq!(status, status_then, "{path}");
        if let Some((a, b)) = body.lines().zip(body_then.lines()).find(|(a, b)| a != b) {
            panic!("{path} changed: {b:?} became {a:?}");
        }
        assert_eq!(body.len(), body_then.len(), "{path}");
    }
}

/// The lines in which two views differ must each carry the total count (`before` in the
/// first view, `after` in the second) and nothing about a department.
fn differ_only_in_the_total(
    a: &str,
    b: &str,
    before: usize,
    after: usize,
    departments: &[&str],
    what: &str,
) {
    let (a_lines, b_lines): (Vec<_>, Vec<_>) = (a.lines().collect(), b.lines().collect());
    assert_eq!(
        a_lines.len(),
        b_lines.len(),
        "{what}: the page changed shape"
    );
    let word = |line: &str, n: usize| {
        line.split(|c: char| !c.is_ascii_digit())
            .any(|part| part == n.to_string())
    };
    for (x, y) in a_lines.iter().zip(&b_lines) {
        if x != y {
            assert!(
                word(x, before) && word(y, after),
                "{what}: {x:?} became {y:?}"
            );
            for d in departments {
                assert!(
                    !x.contains(d) && !y.contains(d),
                    "{what}: a department figure changed"
                );
            }
        }
    }
}

/// The release rule, checked as an employer would attack it: views of a round taken at any
/// two moments show identical figures, or (while it is open) differ only in the one total.
async fn views_at_two_moments_never_differ_by_one_answer(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let names = ["Groot", "Middel", "Klein"];
    let scan = create_scan(&app, employer.id, &names).await;
    app.store
        .add_invites(
            scan.round_id,
            &(0..20)
                .map(|_| (auth::token_hash(&auth::random_token()), None))
                .collect::<Vec<_>>(),
        )
        .await
        .unwrap();
    // Round 1: 12 answers over departments of several sizes, then closed.
    for (i, size) in [7usize, 4, 1].into_iter().enumerate() {
        for j in 0..size {
            let comment = format!("ronde 1 opmerking {i}-{j}");
            respond(
                &app,
                scan.round_id,
                Some(scan.departments[i]),
                [((i + j) % 5 + 1) as i16; 5],
                Some(&comment),
            )
            .await;
        }
    }
    close(&app, scan.round_id).await;

    // Round 2 open: after every answer, every surface shows the same page but for the total.
    let round = app
        .store
        .open_round(scan.id, today(), today() + Duration::days(14), None, &[])
        .await
        .unwrap();
    let first = surfaces(&app, &employer, &scan, Some(1)).await;
    assert!(first.iter().all(|(_, status, _)| *status == 200));
    assert!(first[0].2.contains("12 reacties"));
    let round_scan = TestScan {
        id: scan.id,
        round_id: round.id,
        departments: scan.departments.clone(),
    };
    let mut previous = surfaces(&app, &employer, &round_scan, None).await;
    let mut scan_page = employer
        .page(&app, &format!("/werkgever/scans/{}", scan.id))
        .await;
    for n in 1..=9usize {
        let department = scan.departments[n % 3];
        respond(
            &app,
            round.id,
            Some(department),
            [(n % 5 + 1) as i16; 5],
            Some(&format!("ronde 2 opmerking {n}")),
        )
        .await;
        let now_views = surfaces(&app, &employer, &round_scan, None).await;
        for ((path, status, before), (_, status_after, after)) in previous.iter().zip(&now_views) {
            assert_eq!(status, status_after, "{path}");
            assert!(
                !after.contains("opmerking"),
                "{path}: no comment while open"
            );
            for d in names {
                assert!(!after.contains(d), "{path}: no department while open");
            }
            differ_only_in_the_total(before, after, n - 1, n, &names, path);
        }
        // The rounds before stay exactly as they were.
        same_views(&surfaces(&app, &employer, &scan, Some(1)).await, &first);
        let page = employer
            .page(&app, &format!("/werkgever/scans/{}", scan.id))
            .await;
        differ_only_in_the_total(&scan_page, &page, n - 1, n, &[], "scan page");
        scan_page = page;
        previous = now_views;
    }
    assert_eq!(previous[0].1, 200);
    assert!(
        previous[0]
            .2
            .contains("De uitkomst verschijnt als de ronde sluit")
    );
    assert_eq!(
        (previous[1].1, previous[2].1),
        (409, 409),
        "no CSV or report while open"
    );

    // Closed: figures appear, and never change again.
    close(&app, round.id).await;
    let at_close = surfaces(&app, &employer, &round_scan, None).await;
    assert!(at_close.iter().all(|(_, status, _)| *status == 200));
    assert!(at_close[0].2.contains("9 reacties"));
    let late = SubmitOutcome::Closed;
    let outcome = app
        .store
        .submit_response(&Submission {
            round_id: round.id,
            marker: auth::random_token(),
            department_id: Some(scan.departments[0]),
            answered_on: today(),
            answers: [1; 5],
            signals: [None; 3],
            comment: Some("te laat".into()),
        })
        .await
        .unwrap();
    assert_eq!(outcome, late);
    app.store
        .seal_due_rounds(now(), today() + Duration::days(30))
        .await
        .unwrap();
    same_views(
        &surfaces(&app, &employer, &round_scan, None).await,
        &at_close,
    );
    assert_eq!(
        surfaces(&app, &employer, &round_scan, Some(2)).await.len(),
        5
    );
    same_views(&surfaces(&app, &employer, &scan, Some(1)).await, &first);
}

/// Every aspect has one name on every surface that shows it: the results page (overview,
/// cards, advice, trend), the printable report, the CSV, the quick check and the employee's
/// form, in Dutch and English. Names come from the `aspect-*` messages.
async fn every_aspect_is_called_the_same_everywhere(db: Db) {
    use hrnexus::i18n::Lang;
    use hrnexus_core::scan::Aspect;
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let scan = create_scan(&app, employer.id, &["Winkel"]).await;
    for i in 0..6 {
        respond(
            &app,
            scan.round_id,
            Some(scan.departments[0]),
            [1 + i % 5, 2, 3, 4, 5],
            None,
        )
        .await;
    }
    close(&app, scan.round_id).await;
    let quick = "/autonomie-scan/snelle-check?werkwijze=1&sterke_punten=2&taakinvloed=3&open_mening=4&steun=5";
    for lang in Lang::ALL {
        let prefix = lang.prefix();
        let names: Vec<String> = Aspect::ALL
            .iter()
            .map(|a| lang.t(&format!("aspect-{}", a.key())))
            .collect();
        let results = employer
            .page(&app, &format!("{prefix}{}", results_path(&scan)))
            .await;
        // The heatmap's columns are exactly the five names, in order.
        let heatmap = &results[results.find("class=\"heatmap\"").unwrap()..];
        let heatmap = &heatmap[..heatmap.find("</thead>").unwrap()];
        let columns: Vec<String> = heatmap
            .split("<th scope=\"col\">")
            .skip(2)
            .map(|c| c[..c.find('<').unwrap()].to_owned())
            .take(5)
            .collect();
        assert_eq!(columns, names, "{lang:?} heatmap");
        // Each aspect card and each trend chart is headed by the name.
        for name in &names {
            assert!(
                results.contains(&format!("-h\">{name}")),
                "{lang:?}: card {name}"
            );
        }
        let report = employer
            .page(
                &app,
                &format!("{prefix}/werkgever/scans/{}/rapport", scan.id),
            )
            .await;
        let csv = employer
            .get(&app, &format!("{prefix}{}.csv", results_path(&scan)))
            .await
            .text()
            .await
            .unwrap();
        let (_, check) = {
            let response = app.get(&format!("{prefix}{quick}")).await;
            (response.status(), response.text().await.unwrap())
        };
        for name in &names {
            assert!(report.contains(name.as_str()), "{lang:?} report: {name}");
            assert!(
                csv.contains(&format!("\"{name}\""))
                    || csv.contains(&format!(";{name};"))
                    || csv.contains(&format!(",{name},")),
                "{lang:?} csv: {name}\n{csv}"
            );
            assert!(
                check.contains(name.as_str()),
                "{lang:?} quick check: {name}"
            );
        }
        // The CSV's aspect column holds nothing but the five names.
        let separator = if csv.lines().next().unwrap().contains(';') {
            ';'
        } else {
            ','
        };
        for line in csv.lines().skip(1) {
            let aspect = line.split(separator).nth(1).unwrap().trim_matches('"');
            assert!(
                names.iter().any(|n| n == aspect),
                "{lang:?} csv aspect {aspect:?}"
            );
        }
    }
}

both_backends!(
    every_aspect_is_called_the_same_everywhere,
    views_at_two_moments_never_differ_by_one_answer,
    the_cost_of_doing_nothing_is_on_the_results_page,
    fewer_than_five_show_nothing,
    a_small_sibling_hides_the_other_department_too,
    comments_need_eight_and_are_escaped,
    only_the_owner_sees_results,
    csv_has_visible_groups_only_and_defuses_formulas,
    trend_labels_across_two_rounds,
    the_difference_agrees_with_the_shown_means,
    asking_for_help_prefills_the_contact_form,
    english_page_is_english,
    random_scans_never_show_hidden_figures,
);
