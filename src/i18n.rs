//! Translations live in `locales/{nl,en}/*.ftl`; Dutch is the default and the fallback.

use std::{borrow::Cow, collections::HashMap};

use chrono::{Datelike, NaiveDate, Utc};
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

    /// The other language: what the language switch leads to.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
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

    /// `value` rounded half away from zero to `decimals` decimals, thousands grouped:
    /// `40.000`, `3,4`, `-1.234,50` in Dutch; `40,000`, `3.4`, `-1,234.50` in English.
    pub fn number(self, value: f64, decimals: u32) -> String {
        self.format_number(value, decimals, Grouping::Thousands, Zeros::Keep)
    }

    /// As `number`, with zeros at the end of the decimals dropped: `5`, `7,5`, `12,25`.
    /// For amounts people type and read back, like the cost calculator's fields.
    pub fn number_trimmed(self, value: f64, max_decimals: u32) -> String {
        self.format_number(value, max_decimals, Grouping::Thousands, Zeros::Drop)
    }

    /// As `number`, without thousands separators: for CSV cells a spreadsheet reads.
    pub fn number_ungrouped(self, value: f64, decimals: u32) -> String {
        self.format_number(value, decimals, Grouping::None, Zeros::Keep)
    }

    /// Whole euros: `€ 12.345` in Dutch (a no-break space, so the sign never ends a line on
    /// its own), `€12,345` in English.
    pub fn euros(self, value: f64) -> String {
        let amount = self.number(value, 0);
        match self {
            Lang::Nl => format!("€\u{a0}{amount}"),
            Lang::En => format!("€{amount}"),
        }
    }

    /// `,` in Dutch, `.` in English.
    pub fn decimal_mark(self) -> char {
        match self {
            Lang::Nl => ',',
            Lang::En => '.',
        }
    }

    /// `.` in Dutch, `,` in English.
    pub fn group_mark(self) -> char {
        match self {
            Lang::Nl => '.',
            Lang::En => ',',
        }
    }

    /// The one number formatter. Rounds in integers (half away from zero) so that grouping
    /// and the decimal mark never depend on float formatting; a value that rounds to zero
    /// has no minus sign; a value that is not a number shows a dash.
    fn format_number(self, value: f64, decimals: u32, grouping: Grouping, zeros: Zeros) -> String {
        if !value.is_finite() {
            return "–".to_owned();
        }
        let decimals = decimals.min(12);
        let scale = 10u128.pow(decimals);
        // Saturates for absurdly large values instead of wrapping.
        let units = (value.abs() * scale as f64).round() as u128;
        let whole = (units / scale).to_string();
        let mut fraction = if decimals == 0 {
            String::new()
        } else {
            format!("{:0width$}", units % scale, width = decimals as usize)
        };
        if zeros == Zeros::Drop {
            fraction.truncate(fraction.trim_end_matches('0').len());
        }
        let mut out = String::with_capacity(whole.len() * 4 / 3 + fraction.len() + 2);
        if value < 0.0 && units != 0 {
            out.push('-');
        }
        for (i, digit) in whole.chars().enumerate() {
            if grouping == Grouping::Thousands && i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(self.group_mark());
            }
            out.push(digit);
        }
        if !fraction.is_empty() {
            out.push(self.decimal_mark());
            out.push_str(&fraction);
        }
        out
    }

    pub fn datetime(self, at: i64) -> String {
        // Shown in Dutch local time: the platform serves the Netherlands.
        let local = amsterdam(at);
        format!(
            "{:02}-{:02}-{} {:02}:{:02}",
            local.day(),
            local.month(),
            local.year(),
            local.hour(),
            local.minute()
        )
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Grouping {
    Thousands,
    None,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Zeros {
    Keep,
    Drop,
}

/// Today's date in the Netherlands: scans close "on" a Dutch calendar day, at Dutch midnight.
pub fn today() -> NaiveDate {
    date_in_netherlands(Utc::now().timestamp())
}

/// The Dutch calendar date at Unix time `at`.
pub fn date_in_netherlands(at: i64) -> NaiveDate {
    let local = amsterdam(at);
    NaiveDate::from_ymd_opt(
        i32::from(local.year()),
        local.month() as u32,
        local.day() as u32,
    )
    .unwrap_or_default()
}

/// `days` Dutch working days after Unix time `at`, at the same Dutch clock time (weekends
/// and public holidays do not count; see `hrnexus_core::workdays`).
pub fn after_working_days(at: i64, days: u32) -> i64 {
    let local = amsterdam(at);
    let start = NaiveDate::from_ymd_opt(
        i32::from(local.year()),
        local.month() as u32,
        local.day() as u32,
    )
    .and_then(|d| {
        d.and_hms_opt(
            local.hour() as u32,
            local.minute() as u32,
            local.second() as u32,
        )
    });
    let Some(start) = start else {
        return at + i64::from(days) * 86_400;
    };
    let end = hrnexus_core::workdays::add_working_days(start, days);
    let civil = jiff::civil::DateTime::new(
        end.year() as i16,
        end.month() as i8,
        end.day() as i8,
        chrono::Timelike::hour(&end) as i8,
        chrono::Timelike::minute(&end) as i8,
        chrono::Timelike::second(&end) as i8,
        0,
    );
    civil
        .ok()
        .and_then(|c| c.to_zoned_datetime(amsterdam(at).time_zone().clone()).ok())
        .map(|z| z.timestamp().as_second())
        .unwrap_or(at + i64::from(days) * 86_400)
}

/// Unix time `at` as a `datetime-local` input's value in Dutch time (`YYYY-MM-DDTHH:MM`).
pub fn local_input_value(at: i64) -> String {
    let local = amsterdam(at);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}",
        local.year(),
        local.month(),
        local.day(),
        local.hour(),
        local.minute()
    )
}

/// The Unix time of a Dutch local date and time (the earlier one when the clock is set back).
pub fn from_netherlands(at: chrono::NaiveDateTime) -> Option<i64> {
    use chrono::Timelike;
    let zone = amsterdam(0).time_zone().clone();
    jiff::civil::DateTime::new(
        at.year() as i16,
        at.month() as i8,
        at.day() as i8,
        at.hour() as i8,
        at.minute() as i8,
        at.second() as i8,
        0,
    )
    .ok()?
    .to_zoned_datetime(zone)
    .ok()
    .map(|z| z.timestamp().as_second())
}

/// Unix time `at` in Europe/Amsterdam, daylight saving time included (from the bundled tz
/// database, so it does not depend on the host's).
fn amsterdam(at: i64) -> jiff::ZonedDateTime {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    let zone = ZONE.get_or_init(|| {
        jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap_or(jiff::tz::TimeZone::UTC)
    });
    jiff::Timestamp::from_second(at)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .to_zoned_datetime(zone.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;

    #[test]
    fn dutch_long_date_matches_the_article() {
        let date = NaiveDate::from_ymd_opt(2025, 8, 20).unwrap();
        assert_eq!(Lang::Nl.date_long(date), "woensdag 20 augustus 2025");
        assert_eq!(Lang::En.date_long(date), "Wednesday 20 August 2025");
    }

    #[test]
    fn dutch_days_start_at_dutch_midnight() {
        // 2026-03-29 01:00 UTC: summer time starts; 2026-10-25 01:00 UTC: it ends.
        let at = |text: &str| text.parse::<DateTime<Utc>>().unwrap().timestamp();
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            date_in_netherlands(at("2026-01-15T22:59:59Z")),
            day(2026, 1, 15)
        );
        assert_eq!(
            date_in_netherlands(at("2026-01-15T23:00:00Z")),
            day(2026, 1, 16)
        );
        assert_eq!(
            date_in_netherlands(at("2026-07-15T21:59:59Z")),
            day(2026, 7, 15)
        );
        assert_eq!(
            date_in_netherlands(at("2026-07-15T22:00:00Z")),
            day(2026, 7, 16)
        );
        assert_eq!(
            Lang::Nl.datetime(at("2026-03-29T00:59:00Z")),
            "29-03-2026 01:59"
        );
        assert_eq!(
            Lang::Nl.datetime(at("2026-03-29T01:00:00Z")),
            "29-03-2026 03:00"
        );
        assert_eq!(
            Lang::Nl.datetime(at("2026-10-25T00:30:00Z")),
            "25-10-2026 02:30"
        );
        assert_eq!(
            Lang::Nl.datetime(at("2026-10-25T01:30:00Z")),
            "25-10-2026 02:30"
        );
    }

    #[test]
    fn numbers_in_dutch_and_english() {
        let (nl, en) = (Lang::Nl, Lang::En);
        // Thousands.
        assert_eq!(nl.number(40_000.0, 0), "40.000");
        assert_eq!(en.number(40_000.0, 0), "40,000");
        assert_eq!(nl.number(1_234_567.0, 0), "1.234.567");
        assert_eq!(en.number(1_234_567.0, 0), "1,234,567");
        assert_eq!(nl.number(999.0, 0), "999");
        assert_eq!(nl.number(100_000.0, 0), "100.000");
        assert_eq!(nl.number(0.0, 0), "0");
        // Decimals.
        assert_eq!(nl.number(3.4, 1), "3,4");
        assert_eq!(en.number(3.4, 1), "3.4");
        assert_eq!(nl.number(1_234.5, 2), "1.234,50");
        assert_eq!(en.number(1_234.5, 2), "1,234.50");
        assert_eq!(nl.number(0.05, 2), "0,05");
        // Negative numbers.
        assert_eq!(nl.number(-3.0, 0), "-3");
        assert_eq!(nl.number(-40_000.25, 1), "-40.000,3");
        assert_eq!(en.number(-40_000.25, 1), "-40,000.3");
        assert_eq!(en.number(-0.75, 1), "-0.8");
        // Rounding: half away from zero, and nothing that rounds to zero keeps its sign.
        assert_eq!(nl.number(3.75, 1), "3,8");
        assert_eq!(nl.number(-3.75, 1), "-3,8");
        assert_eq!(nl.number(72.5, 0), "73");
        assert_eq!(nl.number(0.5, 0), "1");
        assert_eq!(nl.number(72.4, 0), "72");
        assert_eq!(nl.number(999.96, 1), "1.000,0");
        assert_eq!(en.number(999_999.5, 0), "1,000,000");
        assert_eq!(nl.number(-0.01, 1), "0,0");
        assert_eq!(nl.number(-0.0, 0), "0");
        // Not a number: a dash rather than "NaN".
        assert_eq!(nl.number(f64::NAN, 1), "–");
        assert_eq!(en.number(f64::INFINITY, 0), "–");
    }

    #[test]
    fn trimmed_ungrouped_and_euros() {
        let (nl, en) = (Lang::Nl, Lang::En);
        assert_eq!(nl.number_trimmed(7.5, 1), "7,5");
        assert_eq!(en.number_trimmed(7.5, 1), "7.5");
        assert_eq!(nl.number_trimmed(220.0, 1), "220");
        assert_eq!(nl.number_trimmed(5.0, 2), "5");
        assert_eq!(nl.number_trimmed(12.25, 2), "12,25");
        assert_eq!(nl.number_trimmed(12.10, 2), "12,1");
        assert_eq!(en.number_trimmed(100_000.0, 2), "100,000");
        assert_eq!(nl.number_trimmed(-0.01, 1), "0");
        assert_eq!(nl.number_trimmed(-3.0, 0), "-3");
        assert_eq!(nl.number_ungrouped(40_000.25, 1), "40000,3");
        assert_eq!(en.number_ungrouped(-1_234.5, 2), "-1234.50");
        assert_eq!(nl.euros(12_345.4), "€\u{a0}12.345");
        assert_eq!(en.euros(12_345.5), "€12,346");
        assert_eq!(nl.euros(1_234_567.0), "€\u{a0}1.234.567");
        assert_eq!(nl.euros(0.2), "€\u{a0}0");
        assert_eq!(en.euros(999.0), "€999");
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

#[cfg(test)]
mod naming {
    use super::Lang;

    /// Every page, mail and export names an aspect with one message per family; each must
    /// read exactly as the aspect's one name (`aspect-…`), and the middle answer likewise.
    #[test]
    fn every_aspect_has_one_name_everywhere() {
        let aspects = [
            "werkwijze",
            "sterke_punten",
            "taakinvloed",
            "open_mening",
            "steun",
        ];
        for lang in Lang::ALL {
            for aspect in aspects {
                let name = lang.t(&format!("aspect-{aspect}"));
                assert!(
                    !name.starts_with("aspect-"),
                    "{lang:?}: {aspect} has a name"
                );
                for family in ["autonomie-scan-topic-", "respond-short-", "results-aspect-"] {
                    assert_eq!(
                        lang.t(&format!("{family}{aspect}")),
                        name,
                        "{lang:?} {family}{aspect}"
                    );
                }
                assert!(
                    lang.t(&format!("autonomie-scan-aspect-{aspect}"))
                        .starts_with(&format!("{name}:")),
                    "{lang:?}: the quick check's description starts with the name"
                );
            }
            let neutral = lang.t("answer-neutral");
            for key in [
                "respond-answer-3",
                "results-answer-3",
                "results-csv-3",
                "autonomie-scan-answer-3",
            ] {
                assert_eq!(lang.t(key), neutral, "{lang:?} {key}");
            }
        }
    }
}
