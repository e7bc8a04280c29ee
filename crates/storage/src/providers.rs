//! HR service providers (dienstverleners): profiles for the public directory, the back
//! office and, later, matching.
//!
//! Categories, provinces and company sizes are stored one row per value in child tables
//! (filters are `EXISTS` on an indexed column); certifications and languages are free text,
//! one item per line. Values are written from the domain types, so only known keys reach
//! the database; a key read back that this version does not know is skipped.

use hrnexus_core::email::EmailAddress;
use hrnexus_core::provider::{
    Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug,
};
use serde::Serialize;

use crate::{Result, UnixTime};

/// A provider's profile as written by the back office (or the demo data).
#[derive(Debug, Clone, PartialEq)]
pub struct NewProvider {
    pub slug: Slug,
    pub organisation: String,
    pub kvk: KvkNumber,
    pub description: String,
    pub categories: Vec<ServiceCategory>,
    pub provinces: Vec<Province>,
    pub sizes: Vec<CompanySize>,
    pub certifications: Vec<String>,
    pub languages: Vec<String>,
    /// Open introductions it can take at once.
    pub capacity: i32,
    pub availability: Availability,
    /// Where introductions for the provider are mailed (not public).
    pub contact_email: Option<EmailAddress>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub id: i64,
    pub slug: Slug,
    pub organisation: String,
    pub kvk: KvkNumber,
    pub description: String,
    /// In the order of `ServiceCategory::ALL`.
    pub categories: Vec<ServiceCategory>,
    /// In the order of `Province::ALL`.
    pub provinces: Vec<Province>,
    /// Smallest first.
    pub sizes: Vec<CompanySize>,
    pub certifications: Vec<String>,
    pub languages: Vec<String>,
    pub capacity: i32,
    pub availability: Availability,
    pub contact_email: Option<EmailAddress>,
    /// Introductions proposed to or accepted by the provider and not yet completed.
    pub open_introductions: i64,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

impl Provider {
    /// Open introductions it can still take (never negative: capacity may be lowered below
    /// what is open).
    pub fn capacity_left(&self) -> u32 {
        (i64::from(self.capacity) - self.open_introductions).clamp(0, i64::from(u32::MAX)) as u32
    }
}

/// Someone of a provider who signs in to the portal.
#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct ProviderAccount {
    pub id: i64,
    pub provider_id: i64,
    pub email: String,
    pub created_at: UnixTime,
    pub last_login_at: Option<UnixTime>,
}

/// Which providers a list holds. Empty: all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ProviderFilter {
    pub category: Option<ServiceCategory>,
    pub province: Option<Province>,
    /// Only providers that take introductions now.
    pub accepting_only: bool,
}

#[async_trait::async_trait]
pub trait ProviderStore: Send + Sync {
    /// Stores a new profile; `Conflict` when the slug is taken.
    async fn create_provider(&self, provider: &NewProvider) -> Result<i64>;
    /// Replaces a profile; `false` when there is no such provider, `Conflict` when the new
    /// slug belongs to another one.
    async fn update_provider(&self, id: i64, provider: &NewProvider) -> Result<bool>;
    async fn provider_by_id(&self, id: i64) -> Result<Option<Provider>>;
    async fn provider_by_slug(&self, slug: &Slug) -> Result<Option<Provider>>;
    /// Providers that pass the filter, by organisation name.
    async fn providers(&self, filter: &ProviderFilter) -> Result<Vec<Provider>>;
    async fn count_providers(&self) -> Result<i64>;
    /// Gives `email` access to the portal of provider `provider_id`; `Conflict` when the
    /// address already has an account.
    async fn create_provider_account(&self, provider_id: i64, email: &EmailAddress) -> Result<i64>;
    async fn provider_accounts(&self, provider_id: i64) -> Result<Vec<ProviderAccount>>;
    async fn provider_account_by_email(
        &self,
        email: &EmailAddress,
    ) -> Result<Option<ProviderAccount>>;
    /// Stores a portal sign-in link (its hash) and queues its mail, in one transaction.
    async fn create_provider_login_link(
        &self,
        account_id: i64,
        token_hash: &str,
        expires_at: UnixTime,
        mail: &crate::OutgoingMail,
    ) -> Result<()>;
    /// Uses a link once; `None` when unknown, used or expired. Older unused links of the
    /// account stop working.
    async fn consume_provider_login_link(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<ProviderAccount>>;
}

/// A providers row before its child rows are added.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ProviderRow {
    pub id: i64,
    pub slug: String,
    pub organisation: String,
    pub kvk: String,
    pub description: String,
    pub certifications: String,
    pub languages: String,
    pub capacity: i32,
    pub availability: String,
    pub contact_email: String,
    pub open_introductions: i64,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
}

/// `WHERE` for a [`ProviderFilter`] over `providers p`, with `$1` category, `$2` province and
/// `$3` accepting only. Written once so that the rows and their child rows agree.
pub(crate) const FILTER: &str = "($1 IS NULL OR EXISTS (SELECT 1 FROM provider_categories c WHERE c.provider_id = p.id AND c.category = $1))
     AND ($2 IS NULL OR EXISTS (SELECT 1 FROM provider_provinces r WHERE r.provider_id = p.id AND r.province = $2))
     AND ($3 = FALSE OR p.availability = 'accepting')";

pub(crate) fn filter_binds(
    filter: &ProviderFilter,
) -> (Option<&'static str>, Option<&'static str>, bool) {
    (
        filter.category.map(ServiceCategory::key),
        filter.province.map(Province::key),
        filter.accepting_only,
    )
}

pub(crate) fn lines(items: &[String]) -> String {
    items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Child rows `(provider_id, key)` of one kind.
pub(crate) type Keys = Vec<(i64, String)>;

/// Joins rows with their child rows; rows whose stored slug or KvK number no longer parse
/// are left out rather than shown half.
pub(crate) fn assemble(
    rows: Vec<ProviderRow>,
    categories: Keys,
    provinces: Keys,
    sizes: Keys,
) -> Vec<Provider> {
    rows.into_iter()
        .filter_map(|row| {
            let mine = |keys: &Keys| -> Vec<String> {
                keys.iter()
                    .filter(|(id, _)| *id == row.id)
                    .map(|(_, k)| k.clone())
                    .collect()
            };
            let mut cats: Vec<ServiceCategory> = mine(&categories)
                .iter()
                .filter_map(|k| ServiceCategory::from_key(k))
                .collect();
            cats.sort_by_key(|c| ServiceCategory::ALL.iter().position(|a| a == c));
            let mut provs: Vec<Province> = mine(&provinces)
                .iter()
                .filter_map(|k| Province::from_key(k))
                .collect();
            provs.sort();
            let mut szs: Vec<CompanySize> = mine(&sizes)
                .iter()
                .filter_map(|k| CompanySize::from_key(k))
                .collect();
            szs.sort();
            let split = |s: &str| -> Vec<String> {
                s.lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_owned)
                    .collect()
            };
            Some(Provider {
                id: row.id,
                slug: Slug::parse(&row.slug).ok()?,
                kvk: KvkNumber::parse(&row.kvk).ok()?,
                availability: Availability::from_key(&row.availability)?,
                organisation: row.organisation,
                description: row.description,
                categories: cats,
                provinces: provs,
                sizes: szs,
                certifications: split(&row.certifications),
                languages: split(&row.languages),
                capacity: row.capacity,
                contact_email: EmailAddress::parse(&row.contact_email).ok(),
                open_introductions: row.open_introductions,
                created_at: row.created_at,
                updated_at: row.updated_at,
            })
        })
        .collect()
}

/// Writes the child rows of provider `$id` through `$tx` (after deleting the old ones).
macro_rules! write_provider_children {
    ($tx:expr, $id:expr, $provider:expr) => {{
        let id: i64 = $id;
        let provider: &$crate::NewProvider = $provider;
        let result: std::result::Result<(), sqlx::Error> = async {
            for table in [
                "DELETE FROM provider_categories WHERE provider_id = $1",
                "DELETE FROM provider_provinces WHERE provider_id = $1",
                "DELETE FROM provider_sizes WHERE provider_id = $1",
            ] {
                sqlx::query(table).bind(id).execute(&mut *$tx).await?;
            }
            let mut categories: Vec<&str> = provider.categories.iter().map(|c| c.key()).collect();
            categories.sort();
            categories.dedup();
            for key in categories {
                sqlx::query(
                    "INSERT INTO provider_categories (provider_id, category) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(key)
                .execute(&mut *$tx)
                .await?;
            }
            let mut provinces: Vec<&str> = provider.provinces.iter().map(|p| p.key()).collect();
            provinces.sort();
            provinces.dedup();
            for key in provinces {
                sqlx::query(
                    "INSERT INTO provider_provinces (provider_id, province) VALUES ($1, $2)",
                )
                .bind(id)
                .bind(key)
                .execute(&mut *$tx)
                .await?;
            }
            let mut sizes: Vec<&str> = provider.sizes.iter().map(|s| s.key()).collect();
            sizes.sort();
            sizes.dedup();
            for key in sizes {
                sqlx::query("INSERT INTO provider_sizes (provider_id, size) VALUES ($1, $2)")
                    .bind(id)
                    .bind(key)
                    .execute(&mut *$tx)
                    .await?;
            }
            Ok(())
        }
        .await;
        result
    }};
}
pub(crate) use write_provider_children;

/// Expands to `impl ProviderStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_provider_store {
    ($store:ty, { $($specific:tt)* }) => {
        impl $store {
            /// Rows matching `where_sql` (a constant over `providers p`, binding `$1`…`$3`
            /// from `filter`, `$4` the id and `$5` the slug) with their child rows.
            async fn load_providers(
                &self,
                where_sql: &'static str,
                filter: &$crate::ProviderFilter,
                id: Option<i64>,
                slug: Option<&str>,
            ) -> $crate::Result<Vec<$crate::Provider>> {
                let (category, province, accepting) = $crate::providers::filter_binds(filter);
                let rows: Vec<$crate::providers::ProviderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                    "SELECT p.* FROM providers p WHERE {where_sql} ORDER BY lower(p.organisation), p.id"
                )))
                .bind(category)
                .bind(province)
                .bind(accepting)
                .bind(id)
                .bind(slug)
                .fetch_all(&self.pool)
                .await?;
                let mut children: Vec<$crate::providers::Keys> = Vec::with_capacity(3);
                for (table, column) in [
                    ("provider_categories", "category"),
                    ("provider_provinces", "province"),
                    ("provider_sizes", "size"),
                ] {
                    // Table and column names are the constants above, never input.
                    let keys: $crate::providers::Keys = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                        "SELECT provider_id, {column} FROM {table}
                          WHERE provider_id IN (SELECT p.id FROM providers p WHERE {where_sql})"
                    )))
                    .bind(category)
                    .bind(province)
                    .bind(accepting)
                    .bind(id)
                    .bind(slug)
                    .fetch_all(&self.pool)
                    .await?;
                    children.push(keys);
                }
                let sizes = children.pop().unwrap_or_default();
                let provinces = children.pop().unwrap_or_default();
                let categories = children.pop().unwrap_or_default();
                Ok($crate::providers::assemble(rows, categories, provinces, sizes))
            }
        }

        #[async_trait::async_trait]
        impl $crate::providers::ProviderStore for $store {
            async fn create_provider(&self, provider: &$crate::NewProvider) -> $crate::Result<i64> {
                let now = $crate::now();
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO providers (slug, organisation, kvk, description, certifications, languages,
                                            capacity, availability, contact_email, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $10, $9, $9) RETURNING id",
                )
                .bind(provider.slug.as_str())
                .bind(&provider.organisation)
                .bind(provider.kvk.as_str())
                .bind(&provider.description)
                .bind($crate::providers::lines(&provider.certifications))
                .bind($crate::providers::lines(&provider.languages))
                .bind(provider.capacity)
                .bind(provider.availability.key())
                .bind(now)
                .bind(provider.contact_email.as_ref().map_or("", |e| e.as_str()))
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                $crate::providers::write_provider_children!(tx, id, provider)?;
                tx.commit().await?;
                Ok(id)
            }

            async fn update_provider(&self, id: i64, provider: &$crate::NewProvider) -> $crate::Result<bool> {
                let now = $crate::now();
                let mut tx = self.begin_write().await?;
                let updated = sqlx::query(
                    "UPDATE providers SET slug = $2, organisation = $3, kvk = $4, description = $5,
                            certifications = $6, languages = $7, capacity = $8, availability = $9,
                            updated_at = $10, contact_email = $11
                      WHERE id = $1",
                )
                .bind(id)
                .bind(provider.slug.as_str())
                .bind(&provider.organisation)
                .bind(provider.kvk.as_str())
                .bind(&provider.description)
                .bind($crate::providers::lines(&provider.certifications))
                .bind($crate::providers::lines(&provider.languages))
                .bind(provider.capacity)
                .bind(provider.availability.key())
                .bind(now)
                .bind(provider.contact_email.as_ref().map_or("", |e| e.as_str()))
                .execute(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                if updated.rows_affected() != 1 {
                    return Ok(false);
                }
                $crate::providers::write_provider_children!(tx, id, provider)?;
                tx.commit().await?;
                Ok(true)
            }

            async fn provider_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Provider>> {
                let all = $crate::ProviderFilter::default();
                Ok(self.load_providers("p.id = $4", &all, Some(id), None).await?.pop())
            }

            async fn provider_by_slug(&self, slug: &hrnexus_core::provider::Slug) -> $crate::Result<Option<$crate::Provider>> {
                let all = $crate::ProviderFilter::default();
                Ok(self.load_providers("p.slug = $5", &all, None, Some(slug.as_str())).await?.pop())
            }

            async fn providers(&self, filter: &$crate::ProviderFilter) -> $crate::Result<Vec<$crate::Provider>> {
                self.load_providers($crate::providers::FILTER, filter, None, None).await
            }

            async fn create_provider_account(
                &self,
                provider_id: i64,
                email: &hrnexus_core::email::EmailAddress,
            ) -> $crate::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO provider_accounts (provider_id, email, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(provider_id)
                .bind(email.as_str())
                .bind($crate::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)
            }

            async fn provider_accounts(&self, provider_id: i64) -> $crate::Result<Vec<$crate::ProviderAccount>> {
                Ok(sqlx::query_as("SELECT * FROM provider_accounts WHERE provider_id = $1 ORDER BY id")
                    .bind(provider_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn provider_account_by_email(
                &self,
                email: &hrnexus_core::email::EmailAddress,
            ) -> $crate::Result<Option<$crate::ProviderAccount>> {
                Ok(sqlx::query_as("SELECT * FROM provider_accounts WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_provider_login_link(
                &self,
                account_id: i64,
                token_hash: &str,
                expires_at: $crate::UnixTime,
                mail: &$crate::OutgoingMail,
            ) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("INSERT INTO provider_login_links (token_hash, account_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(account_id)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                $crate::outbox::insert_mail!(&mut *tx, mail, $crate::now())?;
                tx.commit().await?;
                Ok(())
            }

            async fn consume_provider_login_link(
                &self,
                token_hash: &str,
                now: $crate::UnixTime,
            ) -> $crate::Result<Option<$crate::ProviderAccount>> {
                let mut tx = self.begin_write().await?;
                let used: Option<(i64, i64)> = sqlx::query_as(
                    "UPDATE provider_login_links SET used_at = $2
                      WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                      RETURNING account_id, expires_at",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((account_id, expires_at)) = used else { return Ok(None) };
                // Links live equally long: an earlier expiry is an older link.
                sqlx::query(
                    "UPDATE provider_login_links SET used_at = $1
                      WHERE account_id = $2 AND used_at IS NULL AND expires_at < $3",
                )
                .bind(now)
                .bind(account_id)
                .bind(expires_at)
                .execute(&mut *tx)
                .await?;
                let account: Option<$crate::ProviderAccount> = sqlx::query_as(
                    "UPDATE provider_accounts SET last_login_at = $1 WHERE id = $2 RETURNING *",
                )
                .bind(now)
                .bind(account_id)
                .fetch_optional(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(account)
            }

            async fn count_providers(&self) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM providers")
                    .fetch_one(&self.pool)
                    .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_provider_store;

impl From<hrnexus_core::provider::ProviderDraft> for NewProvider {
    fn from(d: hrnexus_core::provider::ProviderDraft) -> Self {
        NewProvider {
            slug: d.slug,
            organisation: d.organisation,
            kvk: d.kvk,
            description: d.description,
            categories: d.categories,
            provinces: d.provinces,
            sizes: d.sizes,
            certifications: d.certifications,
            languages: d.languages,
            // Bounded by the core (at most `MAX_CAPACITY`).
            capacity: i32::try_from(d.capacity).unwrap_or(i32::MAX),
            availability: d.availability,
            contact_email: d.contact_email,
        }
    }
}
