//! The provider network (dienstverleners): the public directory and profiles.
//!
//! Contact with a provider always runs through an intake, so nothing here hands out a
//! provider's contact details: the public profile is the description, what they offer and
//! where, and the way to the intake.

use hrnexus_core::provider::{DirectoryFilter, Slug};

use crate::{
    services::{Result, ServiceError},
    storage::{Provider, ProviderFilter, ProviderStore},
};

/// Providers in the public directory for `filter`, by name. Paused providers are listed too
/// (the page says they take no new introductions for now).
pub async fn directory(
    store: &dyn ProviderStore,
    filter: DirectoryFilter,
) -> Result<Vec<Provider>> {
    Ok(store
        .providers(&ProviderFilter {
            category: filter.category,
            province: filter.province,
            accepting_only: false,
        })
        .await?)
}

/// The public profile with this slug.
pub async fn profile(store: &dyn ProviderStore, slug: &Slug) -> Result<Provider> {
    store
        .provider_by_slug(slug)
        .await?
        .ok_or(ServiceError::NotFound)
}
