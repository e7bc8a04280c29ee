//! The public provider directory and profiles over HTTP.

use crate::{both_backends, common};

use hrnexus::storage::NewProvider;
use hrnexus_core::provider::{
    Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug,
};

use common::{Db, TestApp};

fn provider(
    slug: &str,
    organisation: &str,
    categories: &[ServiceCategory],
    provinces: &[Province],
) -> NewProvider {
    NewProvider {
        slug: Slug::parse(slug).unwrap(),
        organisation: organisation.into(),
        kvk: KvkNumber::parse("12345678").unwrap(),
        description: format!("{organisation} helpt teams verder.\n\nTweede alinea."),
        categories: categories.to_vec(),
        provinces: provinces.to_vec(),
        sizes: vec![CompanySize::Small],
        certifications: vec!["NOBCO".into()],
        languages: vec!["Nederlands".into()],
        capacity: 2,
        availability: Availability::Accepting,
        contact_email: None,
    }
}

async fn seeded(db: Db) -> Option<TestApp> {
    let app = common::spawn(db).await?;
    for p in [
        provider(
            "noord-coaching",
            "Noord Coaching",
            &[ServiceCategory::CoachingLeiderschap],
            &[Province::Groningen],
        ),
        provider(
            "zuid-arbo",
            "Zuid Arbo",
            &[ServiceCategory::Arbodienstverlening],
            &[Province::Limburg],
        ),
        provider(
            "midden-coaching",
            "Midden Coaching",
            &[
                ServiceCategory::CoachingLeiderschap,
                ServiceCategory::Arbodienstverlening,
            ],
            &[Province::Utrecht, Province::Limburg],
        ),
    ] {
        app.store.create_provider(&p).await.unwrap();
    }
    Some(app)
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The seeded providers the directory lists, in the page's order.
fn listed(body: &str) -> Vec<&'static str> {
    let mut found: Vec<(usize, &'static str)> = ["Noord Coaching", "Zuid Arbo", "Midden Coaching"]
        .into_iter()
        .filter_map(|name| Some((body.find(&format!(">{name}</a></h2>"))?, name)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, name)| name).collect()
}

async fn the_directory_filters_by_category_and_province(db: Db) {
    let Some(app) = seeded(db).await else {
        return;
    };
    let (status, body) = page(&app, "/dienstverleners").await;
    assert_eq!(status, 200);
    assert_eq!(
        listed(&body),
        ["Midden Coaching", "Noord Coaching", "Zuid Arbo"]
    );
    assert!(body.contains("3 dienstverleners"));
    assert!(body.contains(r#"href="/dienstverleners/noord-coaching""#));

    let (_, body) = page(
        &app,
        "/dienstverleners?categorie=coaching_leiderschap&provincie=",
    )
    .await;
    assert_eq!(listed(&body), ["Midden Coaching", "Noord Coaching"]);
    // The chosen filter stays selected in the form.
    assert!(body.contains(r#"<option value="coaching_leiderschap" selected>"#));

    let (_, body) = page(&app, "/dienstverleners?categorie=&provincie=limburg").await;
    assert_eq!(listed(&body), ["Midden Coaching", "Zuid Arbo"]);

    let (_, body) = page(
        &app,
        "/dienstverleners?categorie=coaching_leiderschap&provincie=limburg",
    )
    .await;
    assert_eq!(listed(&body), ["Midden Coaching"]);
    assert!(body.contains("1 dienstverlener<"));

    let (status, body) = page(&app, "/dienstverleners?provincie=zeeland").await;
    assert_eq!(status, 200);
    assert!(listed(&body).is_empty());
    assert!(body.contains("Geen dienstverleners gevonden"));

    // Unknown or undecodable values are no filter, never an error.
    for query in [
        "?categorie=%3Cscript%3E",
        "?provincie=mars&x=1",
        "?categorie=%FF%FE",
        "?%zz",
    ] {
        let (status, body) = page(&app, &format!("/dienstverleners{query}")).await;
        assert_eq!(status, 200, "{query}");
        assert_eq!(listed(&body).len(), 3, "{query}");
        assert!(!body.contains("<script>"), "{query}");
    }

    // English, under /en, with English words and English links.
    let (status, body) = page(&app, "/en/dienstverleners?provincie=groningen").await;
    assert_eq!(status, 200);
    assert_eq!(listed(&body), ["Noord Coaching"]);
    assert!(body.contains("Coaching and leadership training"));
    assert!(body.contains(r#"href="/en/dienstverleners/noord-coaching""#));
}

async fn profiles_lead_to_the_intake_and_unknown_slugs_are_404(db: Db) {
    let Some(app) = seeded(db).await else {
        return;
    };
    let (status, body) = page(&app, "/dienstverleners/midden-coaching").await;
    assert_eq!(status, 200);
    assert!(body.contains("<h1>Midden Coaching</h1>"));
    assert!(body.contains(r#"href="/contact?dienstverlener=midden-coaching""#));
    assert!(body.contains("Coaching en leiderschapstraining"));
    assert!(body.contains("Arbodienstverlening"));
    assert!(body.contains("Utrecht, Limburg"));
    assert!(body.contains("10–49 medewerkers"));
    assert!(body.contains("NOBCO"));
    assert!(body.contains("12345678"));
    assert!(body.contains("<p>Tweede alinea.</p>"));

    let (status, body) = page(&app, "/en/dienstverleners/midden-coaching").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"href="/en/contact?dienstverlener=midden-coaching""#));
    assert!(body.contains("10–49 employees"));

    for path in [
        "/dienstverleners/bestaat-niet",
        "/dienstverleners/Midden-Coaching",
        "/dienstverleners/midden--coaching",
        "/dienstverleners/-midden",
        "/dienstverleners/midden%20coaching",
        "/dienstverleners/%FF%FE",
        "/dienstverleners/..%2F..%2Fetc",
        "/dienstverleners/%3Cscript%3E",
        "/dienstverleners/caf%C3%A9",
        "/en/dienstverleners/bestaat-niet",
    ] {
        let (status, body) = page(&app, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("<script>"), "{path}");
    }
    let long = format!("/dienstverleners/{}", "a".repeat(81));
    assert_eq!(page(&app, &long).await.0, 404);
}

async fn provider_text_is_escaped(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let mut evil = provider(
        "evil",
        "<script>alert(1)</script> & Co",
        &[ServiceCategory::HrAdvies],
        &[Province::Zeeland],
    );
    evil.description = "<img src=x onerror=alert(2)> \"quotes\"".into();
    evil.certifications = vec!["<b>vet</b>".into()];
    evil.languages = vec!["<i>Nederlands</i>".into()];
    app.store.create_provider(&evil).await.unwrap();
    for path in ["/dienstverleners", "/dienstverleners/evil"] {
        let (status, body) = page(&app, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(!body.contains("<script>alert"), "{path}");
        assert!(!body.contains("<img src=x"), "{path}");
        // The text is there, but never as markup (askama writes entities such as `&#60;`).
        assert!(
            body.contains("alert(1)") && body.contains("onerror=alert(2)"),
            "{path}"
        );
    }
    let (_, body) = page(&app, "/dienstverleners/evil").await;
    assert!(!body.contains("<b>vet</b>") && body.contains("vet"));
    assert!(!body.contains("<i>Nederlands</i>"));
}

async fn the_demo_network_covers_the_country(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    hrnexus::demo::fill(&app.store).await.unwrap();
    let all = app
        .store
        .providers(&hrnexus::storage::ProviderFilter::default())
        .await
        .unwrap();
    assert!(all.len() >= 12, "{}", all.len());
    for province in Province::ALL {
        assert!(
            all.iter().any(|p| p.provinces.contains(&province)),
            "{province:?}"
        );
    }
    for category in ServiceCategory::ALL {
        assert!(
            all.iter().any(|p| p.categories.contains(&category)),
            "{category:?}"
        );
    }
    let (status, body) = page(&app, "/dienstverleners").await;
    assert_eq!(status, 200);
    assert!(body.contains(&format!("{} dienstverleners", all.len())));
}

both_backends!(
    the_demo_network_covers_the_country,
    the_directory_filters_by_category_and_province,
    profiles_lead_to_the_intake_and_unknown_slugs_are_404,
    provider_text_is_escaped,
);
