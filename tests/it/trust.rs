//! Who is behind the site: /over-hrnexus with the operator's details from configuration, the
//! privacy statement with this installation's own retention periods, and the processing
//! agreement as a page and a download; all linked from every page's footer.

use crate::{both_backends, common};

use common::Db;

const OPERATOR: &str = "[operator]\nname = \"HRnexus B.V.\"\nkvk = \"12345678\"\n\
                        address = \"Stationsplein 1, 3511 ED Utrecht\"\nemail = \"info@hrnexus.nl\"\n\n\
                        [retention]\noutbox_days = 30\n";

async fn the_operator_and_the_privacy_rules_are_public(db: Db) {
    let Some(app) = common::spawn_with(db, OPERATOR).await else {
        return;
    };
    let home = app.get("/").await.text().await.unwrap();
    for link in [
        "/over-hrnexus",
        "/privacy",
        "/scan/wat-je-werkgever-ziet",
        "/verwerkersovereenkomst",
        "/contact",
    ] {
        assert!(
            home.contains(&format!("href=\"{link}\"")),
            "footer links {link}"
        );
    }

    let about = app.get("/over-hrnexus").await;
    assert_eq!(about.status(), 200);
    let about = about.text().await.unwrap();
    for fact in [
        "HRnexus B.V.",
        "12345678",
        "Stationsplein 1, 3511 ED Utrecht",
        "mailto:info@hrnexus.nl",
    ] {
        assert!(about.contains(fact), "{fact}");
    }
    assert!(
        about.contains("minstens 5 mensen"),
        "the real anonymity threshold"
    );

    let privacy = app.get("/privacy").await.text().await.unwrap();
    assert!(
        privacy.contains("30 dagen"),
        "this installation's outbox retention"
    );
    assert!(
        privacy.contains("365 dagen"),
        "intakes are anonymised after a year"
    );
    let english = app.get("/en/privacy").await.text().await.unwrap();
    assert!(english.contains("Privacy statement") && english.contains("30 days"));

    let agreement = app
        .get("/verwerkersovereenkomst")
        .await
        .text()
        .await
        .unwrap();
    assert!(agreement.contains("href=\"/verwerkersovereenkomst.txt\""));
    let download = app.get("/verwerkersovereenkomst.txt").await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let text = download.text().await.unwrap();
    assert!(text.contains("HRnexus B.V., KvK 12345678"));
    assert!(
        !text.contains("&#") && !text.contains("&amp;"),
        "plain text, not HTML"
    );
}

async fn without_configuration_only_the_name_is_shown(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let about = app.get("/over-hrnexus").await.text().await.unwrap();
    assert!(about.contains("Over HRnexus"));
    assert!(!about.contains("KvK-nummer"), "no empty fields");
}

both_backends!(
    the_operator_and_the_privacy_rules_are_public,
    without_configuration_only_the_name_is_shown,
);

#[test]
fn a_wrong_kvk_number_in_the_configuration_names_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hrnexus.toml");
    std::fs::write(&file, "[operator]\nkvk = \"1234\"\n").unwrap();
    let error = hrnexus::config::Settings::load(&hrnexus::config::Overrides {
        config_file: Some(file),
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().display().to_string()),
        database_url: None,
    })
    .unwrap_err();
    assert!(error.to_string().contains("operator.kvk"), "{error}");
}
