//! The provider network (dienstverleners): the public directory and profiles.
//!
//! Contact with a provider always runs through an intake, so nothing here hands out a
//! provider's contact details: the public profile is the description, what they offer and
//! where, and the way to the intake.

use hrnexus_core::provider::{
    DirectoryFilter, ProviderDraft, ProviderField, ProviderInput, ProviderProblem, Slug,
};

use crate::{
    services::{Result, ServiceError},
    storage::{NewProvider, Provider, ProviderFilter, ProviderStore},
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

/// What saving a checked profile did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Created(i64),
    Updated(i64),
}

/// Stores a checked profile as a new provider; `Conflict` when its slug is taken.
pub async fn create(store: &dyn ProviderStore, draft: ProviderDraft) -> Result<i64> {
    Ok(store.create_provider(&NewProvider::from(draft)).await?)
}

/// Replaces provider `id`'s profile; `NotFound` when there is none, `Conflict` when the new
/// slug belongs to another provider.
pub async fn update(store: &dyn ProviderStore, id: i64, draft: ProviderDraft) -> Result<()> {
    if store.update_provider(id, &NewProvider::from(draft)).await? {
        Ok(())
    } else {
        Err(ServiceError::NotFound)
    }
}

/// Creates the provider, or updates the one with the same slug (an import run twice
/// changes nothing the second time).
pub async fn upsert(store: &dyn ProviderStore, draft: ProviderDraft) -> Result<Saved> {
    match store.provider_by_slug(&draft.slug).await? {
        Some(existing) => {
            update(store, existing.id, draft).await?;
            Ok(Saved::Updated(existing.id))
        }
        None => Ok(Saved::Created(create(store, draft).await?)),
    }
}

/// One row of an import: its line in the file and what happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    pub outcome: Result<(String, Saved), Vec<(ProviderField, ProviderProblem)>>,
}

/// Why a whole file was refused before any row was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Not CSV that can be read (the reader's message).
    Unreadable(String),
    /// Required columns the header lacks.
    MissingColumns(Vec<&'static str>),
    /// More rows than one import takes.
    TooManyRows,
}

/// One CSV line: its number in the file and its values by field.
pub type CsvRow = (usize, Vec<(ProviderField, String)>);

/// Rows one import takes: enough for a network, small enough for one request.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// Reads a CSV file of provider profiles (header row with the column names of
/// [`ProviderField`]; comma or semicolon separated, as spreadsheets in the Netherlands
/// write them) into inputs, each with its line number.
pub fn read_csv(bytes: &[u8]) -> std::result::Result<Vec<CsvRow>, ImportError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() > first.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<Option<ProviderField>> = reader
        .headers()
        .map_err(|e| ImportError::Unreadable(e.to_string()))?
        .iter()
        .map(|h| ProviderField::from_key(h.trim().to_lowercase().as_str()))
        .collect();
    let required = [
        ProviderField::Organisation,
        ProviderField::Kvk,
        ProviderField::Description,
        ProviderField::Categories,
        ProviderField::Provinces,
        ProviderField::Sizes,
        ProviderField::Capacity,
    ];
    let missing: Vec<&'static str> = required
        .iter()
        .filter(|f| !headers.contains(&Some(**f)))
        .map(|f| f.key())
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns(missing));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ImportError::Unreadable(e.to_string()))?;
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(ImportError::TooManyRows);
        }
        let line = record
            .position()
            .map_or(rows.len() + 2, |p| p.line() as usize);
        let values = headers
            .iter()
            .zip(record.iter())
            .filter_map(|(h, v)| h.map(|h| (h, v.to_owned())))
            .collect();
        rows.push((line, values));
    }
    Ok(rows)
}

/// Checks and saves each row on its own: good rows are stored (created, or updated by
/// slug), wrong ones are reported with every problem; `progress` is told after each row.
pub async fn import(
    store: &dyn ProviderStore,
    rows: Vec<CsvRow>,
    mut progress: impl FnMut(usize),
) -> Result<Vec<ImportRow>> {
    let mut report = Vec::with_capacity(rows.len());
    for (i, (line, values)) in rows.into_iter().enumerate() {
        let get = |f: ProviderField| {
            values
                .iter()
                .find(|(k, _)| *k == f)
                .map_or("", |(_, v)| v.as_str())
        };
        let input = ProviderInput {
            organisation: get(ProviderField::Organisation),
            slug: get(ProviderField::Slug),
            kvk: get(ProviderField::Kvk),
            description: get(ProviderField::Description),
            categories: get(ProviderField::Categories),
            provinces: get(ProviderField::Provinces),
            sizes: get(ProviderField::Sizes),
            certifications: get(ProviderField::Certifications),
            languages: get(ProviderField::Languages),
            capacity: get(ProviderField::Capacity),
            availability: get(ProviderField::Availability),
            contact_email: get(ProviderField::ContactEmail),
        };
        let outcome = match ProviderDraft::parse(input) {
            Ok(draft) => {
                let slug = draft.slug.as_str().to_owned();
                match upsert(store, draft).await {
                    Ok(saved) => Ok((slug, saved)),
                    Err(ServiceError::Conflict) => {
                        Err(vec![(ProviderField::Slug, ProviderProblem::Taken)])
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(problems) => Err(problems),
        };
        report.push(ImportRow { line, outcome });
        progress(i + 1);
    }
    Ok(report)
}

/// A provider changes its own profile: its name, address (slug) and KvK number stay as
/// HRnexus registered them; the rest comes from `input`.
pub async fn update_own(
    store: &dyn ProviderStore,
    provider_id: i64,
    input: ProviderInput<'_>,
) -> Result<std::result::Result<(), Vec<(ProviderField, ProviderProblem)>>> {
    let current = store
        .provider_by_id(provider_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let fixed = ProviderInput {
        organisation: &current.organisation,
        slug: current.slug.as_str(),
        kvk: current.kvk.as_str(),
        ..input
    };
    match ProviderDraft::parse(fixed) {
        Ok(draft) => {
            update(store, provider_id, draft).await?;
            Ok(Ok(()))
        }
        Err(problems) => Ok(Err(problems)),
    }
}

/// A profile's values as the form fields hold them: lists of keys joined with commas,
/// certifications and languages one per line. Shared by the back office and the portal.
pub fn form_values(provider: &Provider) -> Vec<(ProviderField, String)> {
    let join = |keys: Vec<&str>| keys.join(",");
    vec![
        (ProviderField::Organisation, provider.organisation.clone()),
        (ProviderField::Slug, provider.slug.as_str().to_owned()),
        (ProviderField::Kvk, provider.kvk.as_str().to_owned()),
        (ProviderField::Description, provider.description.clone()),
        (
            ProviderField::Categories,
            join(provider.categories.iter().map(|c| c.key()).collect()),
        ),
        (
            ProviderField::Provinces,
            join(provider.provinces.iter().map(|c| c.key()).collect()),
        ),
        (
            ProviderField::Sizes,
            join(provider.sizes.iter().map(|c| c.key()).collect()),
        ),
        (
            ProviderField::Certifications,
            provider.certifications.join("\n"),
        ),
        (ProviderField::Languages, provider.languages.join("\n")),
        (ProviderField::Capacity, provider.capacity.to_string()),
        (
            ProviderField::Availability,
            provider.availability.key().to_owned(),
        ),
        (
            ProviderField::ContactEmail,
            provider
                .contact_email
                .as_ref()
                .map_or(String::new(), |e| e.as_str().to_owned()),
        ),
    ]
}

/// Posted form pairs as field values: unknown names dropped, repeated checkboxes joined with
/// commas (as the core reads lists).
pub fn form_values_from_pairs(pairs: Vec<(String, String)>) -> Vec<(ProviderField, String)> {
    let mut values: Vec<(ProviderField, String)> = Vec::new();
    for (name, value) in pairs.into_iter().take(200) {
        let Some(field) = ProviderField::from_key(&name) else {
            continue;
        };
        match values.iter_mut().find(|(f, _)| *f == field) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => values.push((field, value)),
        }
    }
    values
}
