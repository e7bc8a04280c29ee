//! Translations live in `locales/{nl,en}/*.ftl`; Dutch is the default and the fallback.

use std::{borrow::Cow, collections::HashMap};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use fluent_templates::{Loader, fluent_bundle::FluentValue};
use unic_langid::{LanguageIdentifier, langid};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "nl",
        // Unicode isolation marks would end up as invisible characters in HTML and mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static NL: LanguageIdentifier = langid!("nl");
static EN: LanguageIdentifier = langid!("en");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    fn id(self) -> &'static LanguageIdentifier {
        match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        }
    }

    /// The language a path belongs to: English pages live under `/en/`.
    pub fn of_path(path: &str) -> Lang {
        if path == "/en" || path.starts_with("/en/") {
            Lang::En
        } else {
            Lang::Nl
        }
    }

    /// Prefix for links in this language: `""` for Dutch, `"/en"` for English.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Nl => "",
            Lang::En => "/en",
        }
    }

    /// Looks up a message; a missing key shows the key itself (and a test keeps them complete).
    pub fn t(self, key: &str) -> String {
        LOCALES
            .try_lookup(self.id(), key)
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let args: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES
            .try_lookup_with_args(self.id(), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }

    /// "woensdag 20 augustus 2025" / "Wednesday 20 August 2025".
    pub fn date_long(self, date: NaiveDate) -> String {
        let weekday = self.t(&format!(
            "weekday-{}",
            date.weekday().num_days_from_monday()
        ));
        let month = self.t(&format!("month-{}", date.month()));
        format!("{weekday} {} {month} {}", date.day(), date.year())
    }

    pub fn datetime(self, at: i64) -> String {
        let at = DateTime::<Utc>::from_timestamp(at, 0).unwrap_or_default();
        // Shown in Dutch local time: the platform serves the Netherlands.
        let local = at.with_timezone(&amsterdam_offset(at));
        format!("{} {}", local.format("%d-%m-%Y"), local.format("%H:%M"))
    }
}

/// Today's date in the Netherlands: scans close "on" a Dutch calendar day.
pub fn today() -> NaiveDate {
    let now = Utc::now();
    now.with_timezone(&amsterdam_offset(now)).date_naive()
}

/// Central European time without pulling in the whole tz database: CET/CEST by the EU rule
/// (last Sunday of March 01:00 UTC to last Sunday of October 01:00 UTC).
fn amsterdam_offset(at: DateTime<Utc>) -> chrono::FixedOffset {
    let offset_hours = if is_eu_summer_time(at) { 2 } else { 1 };
    chrono::FixedOffset::east_opt(offset_hours * 3600).expect("valid offset")
}

fn is_eu_summer_time(at: DateTime<Utc>) -> bool {
    let year = at.year();
    let last_sunday = |month: u32| {
        let last =
            NaiveDate::from_ymd_opt(year, month, 31).expect("March and October have 31 days");
        last - chrono::Duration::days(last.weekday().num_days_from_sunday() as i64)
    };
    let start = last_sunday(3)
        .and_hms_opt(1, 0, 0)
        .expect("valid")
        .and_utc();
    let end = last_sunday(10)
        .and_hms_opt(1, 0, 0)
        .expect("valid")
        .and_utc();
    at >= start && at < end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_long_date_matches_the_article() {
        let date = NaiveDate::from_ymd_opt(2025, 8, 20).unwrap();
        assert_eq!(Lang::Nl.date_long(date), "woensdag 20 augustus 2025");
        assert_eq!(Lang::En.date_long(date), "Wednesday 20 August 2025");
    }

    #[test]
    fn paths_pick_their_language() {
        assert_eq!(Lang::of_path("/"), Lang::Nl);
        assert_eq!(Lang::of_path("/en/"), Lang::En);
        assert_eq!(Lang::of_path("/en"), Lang::En);
        assert_eq!(Lang::of_path("/english"), Lang::Nl);
    }

    #[test]
    fn every_message_exists_in_both_languages() {
        let keys = |lang: &str| -> std::collections::BTreeSet<String> {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(lang);
            let mut keys = std::collections::BTreeSet::new();
            for entry in std::fs::read_dir(dir).unwrap() {
                let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
                for line in text.lines() {
                    if let Some((key, _)) = line.split_once(" =")
                        && !key.starts_with([' ', '#', '.'])
                        && !key.is_empty()
                    {
                        keys.insert(key.to_owned());
                    }
                }
            }
            keys
        };
        let (nl, en) = (keys("nl"), keys("en"));
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(
            only_nl.is_empty() && only_en.is_empty(),
            "nl only: {only_nl:?}, en only: {only_en:?}"
        );
    }
}
