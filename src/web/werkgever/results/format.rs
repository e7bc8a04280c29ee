//! Numbers the way the page's language writes them (through the one formatter,
//! `Lang::number`), and CSV fields that are safe to open in a spreadsheet.

use crate::i18n::Lang;

/// Number formatting for one language: `3,8` and `72%` in Dutch, `3.8` and `72%` in English.
/// Templates call these with `Option`s straight from the stats (askama passes fields by
/// reference, hence the `&`); `None` shows a dash.
#[derive(Debug, Clone, Copy)]
pub struct Num {
    pub lang: Lang,
}

const NONE: &str = "–";

impl Num {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// `value` with `decimals` decimals, rounded half away from zero, never "-0", without
    /// thousands separators (the figures here stay below 1,000, and CSV cells use this).
    pub fn fixed(self, value: f64, decimals: u32) -> String {
        self.lang.number_ungrouped(value, decimals)
    }

    /// A whole number with a thousands separator: `10.000` / `10,000`.
    pub fn int(self, value: &u32) -> String {
        self.lang.number(f64::from(*value), 0)
    }

    /// A mean on the 1–5 scale: one decimal.
    pub fn mean(self, value: &Option<f64>) -> String {
        value.map_or_else(|| NONE.to_owned(), |v| self.fixed(v, 1))
    }

    /// A plain number with one decimal.
    pub fn one(self, value: &f64) -> String {
        self.fixed(*value, 1)
    }

    /// A percentage 0–100, whole: `72%`.
    pub fn pct(self, value: &Option<f64>) -> String {
        value.map_or_else(|| NONE.to_owned(), |v| format!("{}%", self.fixed(v, 0)))
    }

    /// An index 0–100, whole.
    pub fn index(self, value: &Option<f64>) -> String {
        value.map_or_else(|| NONE.to_owned(), |v| self.fixed(v, 0))
    }

    /// A change with its sign: `+0,3`, `−0,2`, `0,0`. Uses two decimals when one decimal
    /// would round a non-zero value to zero, so "tussen +0,0 en …" does not hide a sign.
    pub fn signed(self, value: &f64) -> String {
        let value = *value;
        let decimals = if value != 0.0 && (value * 10.0).round() == 0.0 {
            2
        } else {
            1
        };
        let text = self.fixed(value.abs(), decimals);
        let zero = self.fixed(0.0, decimals);
        if text == zero {
            text
        } else if value > 0.0 {
            format!("+{text}")
        } else {
            format!("\u{2212}{text}")
        }
    }
}

/// One CSV field: always quoted, quotes doubled, and text that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, tab, carriage return at the start) made inert with a leading
/// apostrophe.
pub fn csv_text(value: &str) -> String {
    let guarded = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The field separator spreadsheets expect in each language: Dutch Excel splits on `;`
/// (the comma is the decimal mark there), English on `,`.
pub fn csv_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Nl => ";",
        Lang::En => ",",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_english_numbers() {
        let (nl, en) = (Num::new(Lang::Nl), Num::new(Lang::En));
        assert_eq!(nl.mean(&Some(3.75)), "3,8");
        assert_eq!(en.mean(&Some(3.75)), "3.8");
        assert_eq!(nl.pct(&Some(72.4)), "72%");
        assert_eq!(nl.pct(&Some(72.5)), "73%");
        assert_eq!(nl.pct(&None), "–");
        assert_eq!(nl.int(&10_000), "10.000");
        assert_eq!(en.int(&1_234_567), "1,234,567");
        assert_eq!(en.int(&999), "999");
        assert_eq!(nl.signed(&0.34), "+0,3");
        assert_eq!(nl.signed(&-0.26), "\u{2212}0,3");
        assert_eq!(nl.signed(&0.04), "+0,04");
        assert_eq!(nl.signed(&-0.0001), "0,00");
        assert_eq!(nl.signed(&0.0), "0,0");
        assert_eq!(nl.fixed(-0.01, 1), "0,0");
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv_text("Verkoop"), "\"Verkoop\"");
        assert_eq!(csv_text("Zeg \"hoi\""), "\"Zeg \"\"hoi\"\"\"");
        assert_eq!(csv_text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for bad in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(csv_text(bad).starts_with("\"'"), "{bad}");
        }
    }
}
