//! The providers area of the storage contract, on both backends.

use crate::{both_backends, common};

use hrnexus::storage::{NewProvider, ProviderFilter, StorageError};
use hrnexus_core::provider::{
    Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug,
};

use common::Db;

fn provider(slug: &str, organisation: &str) -> NewProvider {
    NewProvider {
        slug: Slug::parse(slug).unwrap(),
        organisation: organisation.into(),
        kvk: KvkNumber::parse("12345678").unwrap(),
        description: "Wij helpen mkb-teams.\nTweede regel.".into(),
        categories: vec![
            ServiceCategory::WerkcultuurPsychologischeVeiligheid,
            ServiceCategory::CoachingLeiderschap,
        ],
        provinces: vec![Province::Utrecht, Province::Groningen],
        sizes: vec![CompanySize::Small, CompanySize::Micro],
        certifications: vec![
            "NOBCO".into(),
            "Register Arbeids- en Organisatiekundige".into(),
        ],
        languages: vec!["Nederlands".into(), "Engels".into()],
        capacity: 3,
        availability: Availability::Accepting,
        contact_email: None,
    }
}

async fn providers_are_stored_whole_and_found_by_slug(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let new = provider("de-koers", "De Koers Coaching");
    let id = store.create_provider(&new).await.unwrap();
    let got = store.provider_by_id(id).await.unwrap().unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.slug.as_str(), "de-koers");
    assert_eq!(got.organisation, "De Koers Coaching");
    assert_eq!(got.kvk.as_str(), "12345678");
    assert_eq!(got.description, "Wij helpen mkb-teams.\nTweede regel.");
    // Read back in the domain's order, whatever order they were written in.
    assert_eq!(
        got.categories,
        [
            ServiceCategory::CoachingLeiderschap,
            ServiceCategory::WerkcultuurPsychologischeVeiligheid
        ]
    );
    assert_eq!(got.provinces, [Province::Groningen, Province::Utrecht]);
    assert_eq!(got.sizes, [CompanySize::Micro, CompanySize::Small]);
    assert_eq!(
        got.certifications,
        ["NOBCO", "Register Arbeids- en Organisatiekundige"]
    );
    assert_eq!(got.languages, ["Nederlands", "Engels"]);
    assert_eq!(
        (got.capacity, got.availability),
        (3, Availability::Accepting)
    );
    assert!(got.created_at > 0 && got.updated_at == got.created_at);

    let by_slug = store
        .provider_by_slug(&Slug::parse("de-koers").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_slug, got);
    assert!(
        store
            .provider_by_slug(&Slug::parse("bestaat-niet").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.provider_by_id(id + 1000).await.unwrap().is_none());
    assert_eq!(store.count_providers().await.unwrap(), 1);
}

async fn slugs_are_unique_and_updates_replace_everything(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let first = store
        .create_provider(&provider("een", "Eén"))
        .await
        .unwrap();
    let second = store
        .create_provider(&provider("twee", "Twee"))
        .await
        .unwrap();
    assert!(matches!(
        store.create_provider(&provider("een", "Ander")).await,
        Err(StorageError::Conflict)
    ));
    assert_eq!(store.count_providers().await.unwrap(), 2);

    // Taking another provider's slug is refused and changes nothing.
    assert!(matches!(
        store
            .update_provider(second, &provider("een", "Twee"))
            .await,
        Err(StorageError::Conflict)
    ));
    assert_eq!(
        store
            .provider_by_id(second)
            .await
            .unwrap()
            .unwrap()
            .slug
            .as_str(),
        "twee"
    );

    let mut changed = provider("een-nieuw", "Eén B.V.");
    changed.categories = vec![ServiceCategory::Arbodienstverlening];
    changed.provinces = vec![Province::Limburg, Province::Limburg];
    changed.sizes = vec![];
    changed.certifications = vec![];
    changed.languages = vec!["Nederlands".into(), "  ".into()];
    changed.capacity = 0;
    changed.availability = Availability::Paused;
    changed.kvk = KvkNumber::parse("87654321").unwrap();
    assert!(store.update_provider(first, &changed).await.unwrap());
    let got = store.provider_by_id(first).await.unwrap().unwrap();
    assert_eq!(got.slug.as_str(), "een-nieuw");
    assert_eq!(got.organisation, "Eén B.V.");
    assert_eq!(got.kvk.as_str(), "87654321");
    assert_eq!(got.categories, [ServiceCategory::Arbodienstverlening]);
    assert_eq!(got.provinces, [Province::Limburg]);
    assert!(got.sizes.is_empty() && got.certifications.is_empty());
    assert_eq!(got.languages, ["Nederlands"]);
    assert_eq!((got.capacity, got.availability), (0, Availability::Paused));
    assert!(
        store
            .provider_by_slug(&Slug::parse("een").unwrap())
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.update_provider(9999, &changed).await.unwrap());
    // The other provider kept its own child rows.
    let other = store.provider_by_id(second).await.unwrap().unwrap();
    assert_eq!(other.provinces, [Province::Groningen, Province::Utrecht]);
}

async fn lists_filter_by_category_province_and_availability(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let mut a = provider("a", "Zuiderlicht Arbo");
    a.categories = vec![ServiceCategory::Arbodienstverlening];
    a.provinces = vec![Province::Limburg, Province::NoordBrabant];
    store.create_provider(&a).await.unwrap();
    let mut b = provider("b", "bureau Noord");
    b.categories = vec![
        ServiceCategory::CoachingLeiderschap,
        ServiceCategory::Arbodienstverlening,
    ];
    b.provinces = vec![Province::Groningen];
    b.availability = Availability::Paused;
    store.create_provider(&b).await.unwrap();
    let mut c = provider("c", "Atelier Werkplezier");
    c.categories = vec![ServiceCategory::CoachingLeiderschap];
    c.provinces = vec![Province::NoordBrabant];
    store.create_provider(&c).await.unwrap();

    let names = |list: Vec<hrnexus::storage::Provider>| -> Vec<String> {
        list.into_iter().map(|p| p.organisation).collect()
    };
    // All, by name regardless of case.
    assert_eq!(
        names(store.providers(&ProviderFilter::default()).await.unwrap()),
        ["Atelier Werkplezier", "bureau Noord", "Zuiderlicht Arbo"]
    );
    let arbo = ProviderFilter {
        category: Some(ServiceCategory::Arbodienstverlening),
        ..Default::default()
    };
    let listed = store.providers(&arbo).await.unwrap();
    // Filtering on one category still returns each provider's full profile.
    assert_eq!(listed[0].categories.len(), 2);
    assert_eq!(names(listed), ["bureau Noord", "Zuiderlicht Arbo"]);
    let brabant = ProviderFilter {
        province: Some(Province::NoordBrabant),
        ..Default::default()
    };
    assert_eq!(
        names(store.providers(&brabant).await.unwrap()),
        ["Atelier Werkplezier", "Zuiderlicht Arbo"]
    );
    let both = ProviderFilter {
        category: Some(ServiceCategory::CoachingLeiderschap),
        province: Some(Province::NoordBrabant),
        accepting_only: false,
    };
    assert_eq!(
        names(store.providers(&both).await.unwrap()),
        ["Atelier Werkplezier"]
    );
    let accepting_arbo = ProviderFilter {
        accepting_only: true,
        ..arbo
    };
    assert_eq!(
        names(store.providers(&accepting_arbo).await.unwrap()),
        ["Zuiderlicht Arbo"]
    );
    let nobody = ProviderFilter {
        province: Some(Province::Zeeland),
        ..Default::default()
    };
    assert!(store.providers(&nobody).await.unwrap().is_empty());
}

both_backends!(
    providers_are_stored_whole_and_found_by_slug,
    slugs_are_unique_and_updates_replace_everything,
    lists_filter_by_category_province_and_availability,
);
