//! Dutch working days, for deadlines such as "a provider answers a proposal within two
//! working days".
//!
//! Public holidays are those of the Algemene termijnenwet (art. 3), the law that extends
//! statutory deadlines ending on a weekend or holiday: Nieuwjaarsdag, Tweede Paasdag,
//! Hemelvaartsdag, Tweede Pinksterdag, Koningsdag, Bevrijdingsdag (5 May, every year under
//! that law, unlike in most collective agreements) and both Christmas days. Eerste Paas- and
//! Pinksterdag are Sundays anyway.
//!
//! Goede Vrijdag is left out on purpose: the law does not list it, and most employers and
//! providers work that day, so skipping it would give a provider a day more than anyone
//! expects. Koningsdag follows the rule for King Willem-Alexander (from 2014): 27 April, or
//! 26 April when the 27th is a Sunday; earlier Koninginnedagen are not modelled (deadlines
//! lie in the present).
//!
//! Pure: the caller passes the start moment (in Dutch local time); nothing reads a clock.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Weekday};

/// Working days a provider has to accept or decline a proposal.
pub const DEFAULT_RESPONSE_WORKING_DAYS: u32 = 2;

/// Easter Sunday of `year` (Gregorian calendar), by the anonymous Gregorian algorithm
/// (Meeus/Jones/Butcher).
///
/// Written out instead of taking a crate: it is fifteen lines of integer arithmetic, and the
/// core keeps chrono and serde as its only dependencies.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    // Month is 3 or 4 and day 1..=31 by construction of the algorithm.
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// Koningsdag: 27 April, or Saturday 26 April when the 27th is a Sunday.
fn kings_day(year: i32) -> Option<NaiveDate> {
    let day = NaiveDate::from_ymd_opt(year, 4, 27)?;
    Some(if day.weekday() == Weekday::Sun {
        day.pred_opt()?
    } else {
        day
    })
}

/// True on a public holiday of the Algemene termijnenwet (see the module doc).
pub fn is_public_holiday(date: NaiveDate) -> bool {
    match (date.month(), date.day()) {
        (1, 1) | (5, 5) | (12, 25) | (12, 26) => return true,
        // Every Easter-dependent holiday falls between 23 March and 14 June.
        (3..=6, _) => {}
        _ => return false,
    }
    if kings_day(date.year()) == Some(date) {
        return true;
    }
    let easter = easter_sunday(date.year());
    let after_easter = (date - easter).num_days();
    // Tweede Paasdag, Hemelvaartsdag (39 days after), Tweede Pinksterdag (50 days after).
    matches!(after_easter, 1 | 39 | 50)
}

/// Monday to Friday and not a public holiday.
pub fn is_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(date)
}

fn next_day(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1))
        .expect("a deadline within chrono's range")
}

/// The deadline `days` working days after `start`, at the same time of day. A start on a
/// weekend or holiday counts from the next working day (Saturday + 2 is Wednesday, as for
/// Monday + 2); `days == 0` gives that first working day.
pub fn add_working_days(start: NaiveDateTime, days: u32) -> NaiveDateTime {
    let mut date = start.date();
    while !is_working_day(date) {
        date = next_day(date);
    }
    for _ in 0..days {
        date = next_day(date);
        while !is_working_day(date) {
            date = next_day(date);
        }
    }
    date.and_time(start.time())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn easter_on_known_dates() {
        for (year, m, d) in [
            (1961, 4, 2),
            (2000, 4, 23),
            (2008, 3, 23),
            (2011, 4, 24),
            (2019, 4, 21),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), date(year, m, d), "{year}");
        }
    }

    #[test]
    fn holidays_of_2026() {
        let holidays: Vec<NaiveDate> = date(2026, 1, 1)
            .iter_days()
            .take_while(|d| d.year() == 2026)
            .filter(|d| is_public_holiday(*d))
            .collect();
        assert_eq!(
            holidays,
            [
                date(2026, 1, 1),
                date(2026, 4, 6),  // Tweede Paasdag
                date(2026, 4, 27), // Koningsdag (Monday)
                date(2026, 5, 5),  // Bevrijdingsdag
                date(2026, 5, 14), // Hemelvaartsdag
                date(2026, 5, 25), // Tweede Pinksterdag
                date(2026, 12, 25),
                date(2026, 12, 26),
            ]
        );
        assert!(
            !is_public_holiday(date(2026, 4, 3)),
            "Goede Vrijdag is not in the law"
        );
    }

    #[test]
    fn kings_day_moves_to_saturday_when_the_27th_is_a_sunday() {
        assert_eq!(date(2025, 4, 27).weekday(), Weekday::Sun);
        assert!(is_public_holiday(date(2025, 4, 26)));
        assert!(!is_public_holiday(date(2025, 4, 27)));
        assert!(is_public_holiday(date(2024, 4, 27)));
        assert!(!is_public_holiday(date(2024, 4, 26)));
    }

    #[test]
    fn friday_plus_two_working_days_is_tuesday_same_time() {
        assert_eq!(
            add_working_days(at(2026, 3, 13, 16, 45), DEFAULT_RESPONSE_WORKING_DAYS),
            at(2026, 3, 17, 16, 45)
        );
    }

    #[test]
    fn a_weekend_start_counts_from_monday() {
        assert_eq!(
            add_working_days(at(2026, 3, 14, 9, 0), 2),
            at(2026, 3, 18, 9, 0)
        );
        assert_eq!(
            add_working_days(at(2026, 3, 15, 9, 0), 0),
            at(2026, 3, 16, 9, 0)
        );
        assert_eq!(
            add_working_days(at(2026, 3, 16, 9, 0), 0),
            at(2026, 3, 16, 9, 0)
        );
    }

    #[test]
    fn deadline_across_easter_2026() {
        // Thursday 2 April: Good Friday counts, Easter Monday does not.
        assert_eq!(
            add_working_days(at(2026, 4, 2, 10, 0), 2),
            at(2026, 4, 7, 10, 0)
        );
        // Proposed on Easter Monday itself: counts from Tuesday.
        assert_eq!(
            add_working_days(at(2026, 4, 6, 10, 0), 2),
            at(2026, 4, 9, 10, 0)
        );
    }

    #[test]
    fn deadline_across_christmas() {
        // Tuesday 23 December 2025: 24th is day one, then 25th, 26th and the weekend.
        assert_eq!(
            add_working_days(at(2025, 12, 23, 14, 0), 2),
            at(2025, 12, 29, 14, 0)
        );
        // And across New Year: Wednesday 31 December 2025 + 1 is Friday 2 January 2026.
        assert_eq!(
            add_working_days(at(2025, 12, 31, 8, 0), 1),
            at(2026, 1, 2, 8, 0)
        );
    }

    proptest! {
        #[test]
        fn a_deadline_is_a_working_day_exactly_days_working_days_on(
            offset in 0u64..20_000, days in 0u32..30, secs in 0u32..86_400,
        ) {
            let start_date = date(2000, 1, 1).checked_add_days(Days::new(offset)).unwrap();
            let start = start_date.and_time(
                chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, 0).unwrap(),
            );
            let deadline = add_working_days(start, days);
            prop_assert_eq!(deadline.time(), start.time());
            prop_assert!(is_working_day(deadline.date()));
            prop_assert!(deadline >= start);
            let counted = start_date
                .iter_days()
                .skip(1)
                .take_while(|d| *d <= deadline.date())
                .filter(|d| is_working_day(*d))
                .count();
            // The first working day (start or the one after a weekend) is day zero.
            let extra = usize::from(!is_working_day(start_date));
            prop_assert_eq!(counted, days as usize + extra);
        }
    }
}
