//! Providers in the back office over HTTP, and `hrnexus import-providers`: every wrong field
//! named beside it with what was typed kept, nothing half-written, a report per CSV line,
//! and an import run twice changing nothing the second time.

use crate::{both_backends, common, introductions::sign_in_staff};

use common::{Db, TestApp};
use hrnexus_core::provider::{Availability, Slug};

const CSV: &str = "organisation;slug;kvk;description;categories;provinces;sizes;certifications;languages;capacity;availability;contact_email
De Koers Coaching;;1234 5678;Wij coachen leidinggevenden.;coaching_leiderschap|teamontwikkeling;Utrecht|noord-holland;2-9|10-49;NOBCO;Nederlands|Engels;4;ja;intro@dekoers.nl
Zonder Nummer;;12;Beschrijving;tovenarij;utrecht;2-9;;;veel;;geen-adres
Ruimte & Regie;ruimte-regie;87654321;Werkdruk en regelruimte.;functieontwerp_taakverdeling;zeeland;50-249;;Nederlands;2;paused;
";

async fn upload(app: &TestApp, bytes: &[u8]) -> reqwest::Response {
    let part = reqwest::multipart::Part::bytes(bytes.to_vec())
        .file_name("dienstverleners.csv")
        .mime_str("text/csv")
        .unwrap();
    let form = reqwest::multipart::Form::new().part("bestand", part);
    app.client
        .post(app.url("/beheer/dienstverleners/import"))
        .header("sec-fetch-site", "same-origin")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn providers_are_added_changed_and_imported(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    // Signed out: nothing.
    let anonymous = common::client()
        .get(app.url("/beheer/dienstverleners"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    sign_in_staff(&app).await;
    assert_eq!(app.get("/beheer/dienstverleners").await.status(), 200);

    // Every wrong field beside it, what was typed kept, nothing stored.
    let bad = [
        ("organisation", "Bureau Balans"),
        ("kvk", "12 34"),
        ("description", "Wij helpen."),
        ("provinces", "utrecht"),
        ("sizes", "2-9"),
        ("capacity", "-1"),
        ("contact_email", "geen adres"),
    ];
    let response = app.post_form("/beheer/dienstverleners/nieuw", &bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    for field in ["kvk", "categories", "capacity", "contact_email"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(html.contains("value=\"Bureau Balans\""));
    assert!(html.contains("Een KvK-nummer heeft 8 cijfers"));
    assert_eq!(app.store.count_providers().await.unwrap(), 0);

    // Right: stored, slug made from the name.
    let good = [
        ("organisation", "Bureau Balans"),
        ("kvk", "12345678"),
        ("description", "Wij helpen teams met regelruimte."),
        ("categories", "coaching_leiderschap"),
        ("categories", "teamontwikkeling"),
        ("provinces", "utrecht"),
        ("sizes", "2-9"),
        ("languages", "Nederlands"),
        ("capacity", "3"),
        ("availability", "accepting"),
        ("contact_email", "intro@balans.nl"),
    ];
    let response = app.post_form("/beheer/dienstverleners/nieuw", &good).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let stored = app
        .store
        .provider_by_slug(&Slug::parse("bureau-balans").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.categories.len(), 2);
    assert_eq!(stored.contact_email.unwrap().as_str(), "intro@balans.nl");
    assert_eq!(location, format!("/beheer/dienstverleners/{}", stored.id));
    let edit = app.get(&location).await.text().await.unwrap();
    assert!(edit.contains("value=\"bureau-balans\""));

    // Changed: paused, capacity 1.
    let mut changed = good.to_vec();
    changed.retain(|(k, _)| *k != "availability" && *k != "capacity");
    changed.push(("availability", "paused"));
    changed.push(("capacity", "1"));
    assert_eq!(app.post_form(&location, &changed).await.status(), 303);
    let now = app.store.provider_by_id(stored.id).await.unwrap().unwrap();
    assert_eq!((now.availability, now.capacity), (Availability::Paused, 1));

    // Portal access: an address is added once, and a bad one is refused beside the field.
    let access = format!("{location}/toegang");
    assert_eq!(
        app.post_form(&access, &[("email", "lisa@balans.nl")])
            .await
            .status(),
        303
    );
    assert!(
        app.get(&location)
            .await
            .text()
            .await
            .unwrap()
            .contains("lisa@balans.nl")
    );
    let again = app.post_form(&access, &[("email", "lisa@balans.nl")]).await;
    assert_eq!(again.status(), 422);
    assert!(again.text().await.unwrap().contains("heeft al toegang"));
    let bad = app.post_form(&access, &[("email", "geen adres")]).await;
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap()
            .contains("id=\"account-email-error\"")
    );
    assert_eq!(
        app.store.provider_accounts(stored.id).await.unwrap().len(),
        1
    );

    // A second provider may not take the first one's slug.
    let mut clash = good.to_vec();
    clash.push(("slug", "bureau-balans"));
    clash.retain(|(k, v)| *k != "organisation" || *v != "Bureau Balans");
    clash.push(("organisation", "Ander Bureau"));
    let response = app.post_form("/beheer/dienstverleners/nieuw", &clash).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("al van een andere dienstverlener")
    );
    assert_eq!(
        app.post_form("/beheer/dienstverleners/999999", &good)
            .await
            .status(),
        404
    );

    // The CSV upload: a report per line; good lines saved, the wrong one named.
    let html = upload(&app, CSV.as_bytes()).await.text().await.unwrap();
    assert!(html.contains("nieuw: de-koers-coaching"), "{html}");
    assert!(html.contains("nieuw: ruimte-regie"));
    assert!(html.contains("kvk: Een KvK-nummer heeft 8 cijfers"));
    assert!(html.contains("Onbekende waarde: tovenarij"));
    assert_eq!(app.store.count_providers().await.unwrap(), 3);
    // Again: updated, not doubled.
    let html = upload(&app, CSV.as_bytes()).await.text().await.unwrap();
    assert!(html.contains("bijgewerkt: de-koers-coaching"));
    assert_eq!(app.store.count_providers().await.unwrap(), 3);
    let koers = app
        .store
        .provider_by_slug(&Slug::parse("de-koers-coaching").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(koers.languages, ["Nederlands", "Engels"]);

    // No file, or a file without the columns: refused beside the field.
    let response = upload(&app, b"").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Kies een CSV-bestand")
    );
    let response = upload(&app, b"naam,plaats\nA,B\n").await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze kolommen ontbreken")
    );
}

both_backends!(providers_are_added_changed_and_imported);

/// `hrnexus import-providers FILE`: a report line per CSV line, exit 1 when a line was
/// wrong, the good lines saved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_imports_providers() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let file = app.dir.path().join("dienstverleners.csv");
    std::fs::write(&file, CSV).unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hrnexus"))
        .current_dir(app.dir.path())
        .env_remove("HRNEXUS_DATABASE_URL")
        .args(["import-providers", "--data-dir"])
        .arg(app.dir.path())
        .arg(&file)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!output.status.success(), "one line was wrong: {stdout}");
    assert!(
        stdout.contains("line 2: created de-koers-coaching"),
        "{stdout}"
    );
    assert!(
        stdout.contains("line 3: NOT saved: organisation")
            || stdout.contains("line 3: NOT saved: kvk"),
        "{stdout}"
    );
    assert!(stdout.contains("line 4: created ruimte-regie"));
    assert!(stdout.contains("2 saved, 1 not saved, of 3 lines"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("1 line(s) were not saved"));
    assert_eq!(app.store.count_providers().await.unwrap(), 2);

    let missing = std::process::Command::new(env!("CARGO_BIN_EXE_hrnexus"))
        .args(["import-providers", "--data-dir"])
        .arg(app.dir.path())
        .arg(app.dir.path().join("bestaat-niet.csv"))
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));
}
