//! `/dienstverleners`: the public directory of the provider network and one page per
//! provider. Filters are a GET form (no JavaScript, bookmarkable); the slug in a profile's
//! address is parsed into a [`Slug`] before anything looks it up, and whatever does not parse
//! is simply not found. Contact runs through the intake: a profile links to
//! `/contact?dienstverlener={slug}`, never to the provider directly.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{
        Path, Query, State,
        rejection::{PathRejection, QueryRejection},
    },
    routing::get,
};
use hrnexus_core::provider::{Availability, DirectoryFilter, Province, ServiceCategory, Slug};

use crate::{
    services,
    storage::Provider,
    web::{AppState, error::WebError, page::Page},
};

const PATH: &str = "/dienstverleners";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(directory))
        .route("/dienstverleners/{slug}", get(profile))
}

/// One choice in a filter's select.
pub struct Choice {
    pub key: &'static str,
    pub label: String,
    pub selected: bool,
}

/// A provider as the pages show it: every value already in words.
pub struct ProviderView {
    pub slug: String,
    pub organisation: String,
    pub description: String,
    /// The first paragraph, for the directory.
    pub summary: String,
    pub categories: Vec<String>,
    pub provinces: Vec<String>,
    pub sizes: Vec<String>,
    pub certifications: Vec<String>,
    pub languages: Vec<String>,
    pub kvk: String,
    pub accepting: bool,
}

impl ProviderView {
    fn new(p: &Page, provider: Provider) -> Self {
        let summary = provider
            .description
            .split("\n\n")
            .next()
            .unwrap_or_default()
            .to_owned();
        ProviderView {
            slug: provider.slug.as_str().to_owned(),
            summary,
            categories: provider
                .categories
                .iter()
                .map(|c| p.tk("provider-category-", c.key()))
                .collect(),
            provinces: provider
                .provinces
                .iter()
                .map(|r| p.tk("provider-province-", r.key()))
                .collect(),
            sizes: provider
                .sizes
                .iter()
                .map(|s| p.tk("provider-size-", s.key()))
                .collect(),
            certifications: provider.certifications,
            languages: provider.languages,
            kvk: provider.kvk.as_str().to_owned(),
            accepting: provider.availability == Availability::Accepting,
            organisation: provider.organisation,
            description: provider.description,
        }
    }

    /// The description's paragraphs (blank lines separate them).
    pub fn paragraphs(&self) -> Vec<&str> {
        self.description
            .split("\n\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "dienstverleners/directory.html")]
pub struct DirectoryPage {
    p: Page,
    categories: Vec<Choice>,
    provinces: Vec<Choice>,
    filtered: bool,
    /// "12 dienstverleners".
    count: String,
    providers: Vec<ProviderView>,
}

async fn directory(
    p: Page,
    State(state): State<AppState>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<DirectoryPage, WebError> {
    // A query that does not even decode is no filter, like an unknown value.
    let pairs = query.map(|Query(q)| q).unwrap_or_default();
    let filter = DirectoryFilter::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let providers = services::providers::directory(state.store.as_ref(), filter).await?;
    let categories = ServiceCategory::ALL
        .iter()
        .map(|c| Choice {
            key: c.key(),
            label: p.tk("provider-category-", c.key()),
            selected: filter.category == Some(*c),
        })
        .collect();
    let provinces = Province::ALL
        .iter()
        .map(|r| Choice {
            key: r.key(),
            label: p.tk("provider-province-", r.key()),
            selected: filter.province == Some(*r),
        })
        .collect();
    let providers: Vec<ProviderView> = providers
        .into_iter()
        .map(|provider| ProviderView::new(&p, provider))
        .collect();
    Ok(DirectoryPage {
        count: match providers.len() {
            1 => p.t("providers-count-one"),
            n => p.t_args("providers-count", &[("count", n.to_string())]),
        },
        p,
        categories,
        provinces,
        filtered: !filter.is_empty(),
        providers,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "dienstverleners/profile.html")]
pub struct ProfilePage {
    p: Page,
    provider: ProviderView,
}

async fn profile(
    p: Page,
    State(state): State<AppState>,
    slug: Result<Path<String>, PathRejection>,
) -> Result<ProfilePage, WebError> {
    // Anything that is not a slug (bad encoding included) is a page that does not exist.
    let Ok(Path(raw)) = slug else {
        return Err(WebError::NotFound);
    };
    let slug = Slug::parse(&raw).map_err(|_| WebError::NotFound)?;
    let provider = services::providers::profile(state.store.as_ref(), &slug).await?;
    Ok(ProfilePage {
        provider: ProviderView::new(&p, provider),
        p,
    })
}
