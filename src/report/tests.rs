use chrono::NaiveDate;
use hrnexus_core::scan::{Answer, Aspect, Band, ScanCounts};

use super::*;
use crate::services::results::{Loaded, build};
use crate::storage::{Department, GroupCounts, Round, Scan};

fn scan() -> Scan {
    Scan {
        id: 7,
        employer_id: Some(1),
        api_key_id: None,
        organisation: "Bakkerij De Korf".into(),
        team: "Winkel en bezorging".into(),
        lang: "nl".into(),
        min_group: 5,
        min_comments: 8,
        comment_seed: 42,
        created_at: 0,
    }
}

fn round(id: i64, number: i32) -> Round {
    let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    Round {
        id,
        scan_id: 7,
        number,
        opened_on: d,
        closes_on: d + chrono::Duration::days(14),
        closed_at: None,
        sealed_at: None,
        shared_link: false,
        invited: 40,
        responses: 0,
    }
}

fn dept(id: i64, parent_id: Option<i64>, name: &str) -> Department {
    Department {
        id,
        scan_id: 7,
        parent_id,
        name: name.into(),
        position: id as i32,
    }
}

/// `n` responses on `department`, with `scores[aspect]` for each aspect.
fn group(department_id: Option<i64>, n: u32, scores: [u8; 5]) -> GroupCounts {
    let mut counts = ScanCounts::default();
    for (aspect, score) in Aspect::ALL.into_iter().zip(scores) {
        counts.aspects[aspect].add_n(Answer::from_score(score).unwrap(), n);
    }
    counts.responses = n;
    GroupCounts {
        department_id,
        counts,
    }
}

/// Two departments with figures, one too small (hidden, and its name must never show), and
/// two rounds for the trend.
fn view() -> ResultsView {
    build(Loaded {
        scan: scan(),
        departments: vec![
            dept(1, None, "Bakkerij"),
            dept(2, None, "Winkel"),
            dept(3, None, "Geheime Afdeling"),
        ],
        rounds: vec![round(10, 1), round(11, 2)],
        selected: 1,
        history: vec![
            (
                0,
                vec![
                    group(Some(1), 6, [3, 3, 3, 3, 3]),
                    group(Some(2), 6, [4, 4, 4, 4, 4]),
                ],
            ),
            (
                1,
                vec![
                    group(Some(1), 8, [5, 2, 3, 4, 1]),
                    group(Some(2), 9, [4, 2, 4, 5, 2]),
                    group(Some(3), 2, [1, 1, 1, 1, 1]),
                ],
            ),
        ],
        comments: vec![],
    })
}

#[test]
fn every_aspect_is_called_by_its_one_name() {
    for lang in Lang::ALL {
        let report = Report::from_view(&view(), lang);
        let names: Vec<String> = Aspect::ALL
            .into_iter()
            .map(|a| lang.t(&format!("aspect-{}", a.key())))
            .collect();
        assert_eq!(report.overview.aspects, names, "{lang:?}");
        assert_eq!(report.trend.aspects, names, "{lang:?}");
        for p in &report.priorities.items {
            assert!(names.contains(&p.aspect), "{lang:?}: {}", p.aspect);
        }
    }
}

#[test]
fn hidden_departments_are_counted_never_named() {
    let v = view();
    assert!(
        v.departments[2].figures.is_none(),
        "the test needs a hidden group"
    );
    let report = Report::from_view(&v, Lang::Nl);
    let names: Vec<&str> = report
        .overview
        .rows
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    // Geheime Afdeling (2 responses) is hidden, and then the smallest other sibling too.
    assert!(!names.contains(&"Geheime Afdeling"));
    assert!(format!("{report:?}").find("Geheime").is_none());
    assert_eq!(report.overview.notes.len(), 1);
    let pdf = pdf::render(&report);
    assert!(!String::from_utf8_lossy(&pdf).contains("Geheime"));
}

#[test]
fn priorities_are_the_weakest_aspects_of_the_whole_scan() {
    let v = view();
    let report = Report::from_view(&v, Lang::Nl);
    let items = &report.priorities.items;
    assert!(!items.is_empty() && items.len() <= MAX_PRIORITIES);
    let whole = v.whole.figures.as_ref().unwrap();
    let band_of = |name: &str| {
        whole
            .aspects
            .iter()
            .find(|row| Lang::Nl.t(&format!("aspect-{}", row.aspect.key())) == name)
            .and_then(|row| row.stats.band)
            .unwrap()
    };
    for pair in items.windows(2) {
        assert!(pair[0].band >= pair[1].band, "worst first");
    }
    for item in items {
        assert_eq!(band_of(&item.aspect), item.band);
        assert_ne!(item.band, Band::Good);
        assert!(item.figures.contains("positief"), "{}", item.figures);
    }
}

#[test]
fn trend_has_the_index_per_round() {
    let report = Report::from_view(&view(), Lang::En);
    let rounds = &report.trend.rounds;
    assert_eq!(rounds.len(), 2);
    assert_eq!(rounds[0].label, "Round 1");
    // Round 1: everyone answered 3 or 4: means 3.5, index 62.5.
    assert!((rounds[0].index.unwrap() - 62.5).abs() < 1e-9);
    let whole = view().whole.figures.unwrap().stats.index.unwrap();
    assert!(
        (rounds[1].index.unwrap() - whole).abs() < 1e-9,
        "the same index as the page"
    );
}

#[test]
fn the_pdf_has_two_to_four_pages() {
    let one_round = build(Loaded {
        scan: scan(),
        departments: vec![],
        rounds: vec![round(10, 1)],
        selected: 0,
        history: vec![(0, vec![group(None, 12, [5, 5, 5, 5, 5])])],
        comments: vec![],
    });
    // Nothing to advise, one round, no departments: still two pages.
    let small = pdf(&one_round, Lang::Nl);
    assert!(small.starts_with(b"%PDF-"));
    assert_eq!(count_pages(&small), 2);

    // Thirty visible departments with long names.
    let departments: Vec<Department> = (1..=30)
        .map(|i| {
            dept(
                i,
                None,
                &format!("Afdeling klantcontact en nazorg regio {i}"),
            )
        })
        .collect();
    let history = vec![
        (
            0,
            (1..=30)
                .map(|i| group(Some(i), 5, [2, 3, 4, 5, 1]))
                .collect(),
        ),
        (
            1,
            (1..=30)
                .map(|i| group(Some(i), 6, [1, 2, 3, 2, 1]))
                .collect(),
        ),
    ];
    let big = build(Loaded {
        scan: scan(),
        departments,
        rounds: vec![round(10, 1), round(11, 2)],
        selected: 1,
        history,
        comments: vec![],
    });
    for lang in Lang::ALL {
        let n = count_pages(&pdf(&big, lang));
        assert!((2..=4).contains(&n), "{lang:?}: {n} pages");
    }
}

fn count_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    let at = text.find("/Count ").expect("a page tree");
    text[at + 7..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn the_file_name_holds_only_safe_characters() {
    assert_eq!(file_name(7, 2, Lang::Nl), "autonomie-scan-7-ronde-2.pdf");
    assert_eq!(file_name(7, 2, Lang::En), "autonomie-scan-7-round-2.pdf");
}
