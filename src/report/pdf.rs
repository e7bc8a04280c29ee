//! Lays a [`Report`] out on A4 pages and writes the PDF.
//!
//! Written with `pdf-writer` (from the typst authors): it only serialises PDF objects, has
//! four small dependencies and no font or image machinery, which is all a one-off report
//! needs. Text uses the standard Helvetica fonts (never embedded, so the file stays a few
//! kilobytes) in WinAnsiEncoding; `text` has their widths for wrapping.
//!
//! Page 1: the branded header, organisation and scan, the facts of the round, the
//! priorities and the overview table. From page 2: the advice and the trend. Every page has
//! a footer with the anonymity rule and "page n of m".

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use hrnexus_core::scan::Band;

use crate::i18n::Lang;

use super::text::{Face, encode, width, wrap};
use super::{Report, RoundFigures};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN: f32 = 48.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Where the content of a page starts and must end (distance from the top).
const FIRST_TOP: f32 = 104.0;
const NEXT_TOP: f32 = 50.0;
const BOTTOM: f32 = PAGE_H - 62.0;

type Rgb = (f32, f32, f32);

const fn hex(rgb: u32) -> Rgb {
    (
        ((rgb >> 16) & 0xff) as f32 / 255.0,
        ((rgb >> 8) & 0xff) as f32 / 255.0,
        (rgb & 0xff) as f32 / 255.0,
    )
}

// The site's colours (static/css/base.css).
const BRAND: Rgb = hex(0x0b5a6e);
const BRAND_DARK: Rgb = hex(0x07424f);
const ACCENT: Rgb = hex(0xf4b942);
const INK: Rgb = hex(0x1d2a33);
const MUTED: Rgb = hex(0x4f5f69);
const SOFT: Rgb = hex(0xf2f6f7);
const LINE: Rgb = hex(0xd5dee2);
const WHITE: Rgb = hex(0xffffff);

/// Fill, text and edge of a band, as the results page's badges: a pale outline for good,
/// a soft fill for attention, solid red with white text for werk aan de winkel. The word is
/// always printed as well: colour is never the only signal.
fn band_colours(band: Option<Band>) -> (Rgb, Rgb, Rgb) {
    match band {
        Some(Band::Good) => (hex(0xe6f2ea), hex(0x1e6b3a), hex(0x1e6b3a)),
        Some(Band::Attention) => (hex(0xfbf3d9), hex(0x5c4300), hex(0xc9a227)),
        Some(Band::WerkAanDeWinkel) => (hex(0xa4262c), WHITE, hex(0xa4262c)),
        None => (WHITE, MUTED, LINE),
    }
}

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// The PDF of `report`.
pub fn render(report: &Report) -> Vec<u8> {
    let mut layout = Layout::new(report);
    layout.first_page();
    layout.priorities();
    layout.overview();
    // The advice always starts a page: the report is two pages at least, and the first one
    // reads as a summary on its own.
    layout.new_page();
    layout.advice();
    layout.trend();
    let pages = layout.finish_pages();
    write(report, pages)
}

/// The pages' content, drawn top-down: `y` is the distance from the top of the page.
struct Layout<'a> {
    report: &'a Report,
    pages: Vec<Content>,
    y: f32,
}

impl<'a> Layout<'a> {
    fn new(report: &'a Report) -> Self {
        Self {
            report,
            pages: Vec::new(),
            y: 0.0,
        }
    }

    fn page(&mut self) -> &mut Content {
        if self.pages.is_empty() {
            self.pages.push(Content::new());
        }
        self.pages.last_mut().expect("a page")
    }

    // ---- drawing primitives (top-down coordinates)

    fn fill_rect(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Rgb) {
        let c = self.page();
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        c.rect(x, PAGE_H - top - h, w, h);
        c.fill_nonzero();
    }

    fn stroke_rect(&mut self, x: f32, top: f32, w: f32, h: f32, colour: Rgb, line: f32) {
        let c = self.page();
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(line);
        c.rect(x, PAGE_H - top - h, w, h);
        c.stroke();
    }

    fn hline(&mut self, x1: f32, x2: f32, y: f32, colour: Rgb, line: f32) {
        let c = self.page();
        c.set_stroke_rgb(colour.0, colour.1, colour.2);
        c.set_line_width(line);
        c.move_to(x1, PAGE_H - y);
        c.line_to(x2, PAGE_H - y);
        c.stroke();
    }

    /// One line of text with its baseline at `baseline` (from the top).
    fn text(&mut self, x: f32, baseline: f32, s: &str, face: Face, size: f32, colour: Rgb) {
        let bytes = encode(s);
        let c = self.page();
        c.begin_text();
        c.set_font(font(face), size);
        c.set_fill_rgb(colour.0, colour.1, colour.2);
        c.next_line(x, PAGE_H - baseline);
        c.show(Str(&bytes));
        c.end_text();
    }

    fn text_right(
        &mut self,
        right: f32,
        baseline: f32,
        s: &str,
        face: Face,
        size: f32,
        colour: Rgb,
    ) {
        let x = right - width(s, face, size);
        self.text(x, baseline, s, face, size, colour);
    }

    fn text_centred(
        &mut self,
        centre: f32,
        baseline: f32,
        s: &str,
        face: Face,
        size: f32,
        colour: Rgb,
    ) {
        let x = centre - width(s, face, size) / 2.0;
        self.text(x, baseline, s, face, size, colour);
    }

    // ---- flow

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.running_header();
        self.y = NEXT_TOP;
    }

    /// Starts a new page unless `height` more fits on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height > BOTTOM {
            self.new_page();
        }
    }

    /// Wrapped text at the cursor; lines move to the next page where needed.
    fn paragraph(&mut self, s: &str, face: Face, size: f32, colour: Rgb, x: f32, w: f32) {
        let leading = size * 1.35;
        for line in wrap(s, face, size, w) {
            self.ensure(leading);
            self.y += leading;
            self.text(x, self.y - size * 0.3, &line, face, size, colour);
        }
    }

    /// A section heading, kept together with at least `keep` points of what follows.
    fn heading(&mut self, s: &str, keep: f32) {
        self.y += 14.0;
        self.ensure(30.0 + keep);
        self.y += 16.0;
        self.fill_rect(MARGIN, self.y - 13.0, 4.0, 15.0, ACCENT);
        self.text(MARGIN + 10.0, self.y, s, Face::Bold, 14.0, BRAND_DARK);
        self.y += 6.0;
        self.hline(MARGIN, PAGE_W - MARGIN, self.y, LINE, 0.6);
        self.y += 4.0;
    }

    /// The HRnexus mark: the site's icon (a diamond with a dot on a square).
    fn logo(&mut self, x: f32, top: f32, size: f32) {
        self.fill_rect(x, top, size, size, BRAND_DARK);
        let (cx, cy) = (x + size / 2.0, PAGE_H - top - size / 2.0);
        let (half_w, half_h) = (size * 4.0 / 32.0, size * 11.0 / 32.0);
        let c = self.page();
        c.set_fill_rgb(ACCENT.0, ACCENT.1, ACCENT.2);
        c.move_to(cx, cy + half_h);
        c.line_to(cx + half_w, cy);
        c.line_to(cx, cy - half_h);
        c.line_to(cx - half_w, cy);
        c.close_path();
        c.fill_nonzero();
        let r = size * 2.5 / 32.0;
        circle(c, cx, cy, r);
        c.set_fill_rgb(1.0, 1.0, 1.0);
        c.fill_nonzero();
    }

    // ---- the parts of the report

    fn first_page(&mut self) {
        let r = self.report;
        self.pages.push(Content::new());
        // The branded band across the top.
        self.fill_rect(0.0, 0.0, PAGE_W, 64.0, BRAND);
        self.fill_rect(0.0, 64.0, PAGE_W, 3.0, ACCENT);
        self.logo(MARGIN, 16.0, 32.0);
        self.text(MARGIN + 42.0, 39.0, "HRnexus", Face::Bold, 20.0, WHITE);
        self.text_right(PAGE_W - MARGIN, 38.0, &r.title, Face::Regular, 11.0, WHITE);

        self.y = FIRST_TOP - 10.0;
        let title_size = fit_size(&r.organisation, Face::Bold, 22.0, CONTENT_W);
        for line in wrap(&r.organisation, Face::Bold, title_size, CONTENT_W) {
            self.y += title_size * 1.15;
            self.text(MARGIN, self.y, &line, Face::Bold, title_size, INK);
        }
        if !r.scan_name.trim().is_empty() {
            self.y += 2.0;
            self.paragraph(&r.scan_name, Face::Regular, 13.0, MUTED, MARGIN, CONTENT_W);
        }

        // The facts of the round in a soft box.
        self.y += 12.0;
        let label_w = 120.0;
        let value_w = CONTENT_W - label_w - 24.0;
        let rows: Vec<(String, Vec<String>)> = r
            .facts
            .iter()
            .map(|(label, value)| (label.clone(), wrap(value, Face::Regular, 10.0, value_w)))
            .collect();
        let height: f32 = rows
            .iter()
            .map(|(_, v)| v.len() as f32 * 14.0 + 3.0)
            .sum::<f32>()
            + 14.0;
        let top = self.y;
        self.fill_rect(MARGIN, top, CONTENT_W, height, SOFT);
        self.fill_rect(MARGIN, top, 3.0, height, BRAND);
        self.y += 8.0;
        for (label, lines) in rows {
            let first = self.y + 11.0;
            self.text(MARGIN + 14.0, first, &label, Face::Bold, 9.0, MUTED);
            for (i, line) in lines.iter().enumerate() {
                self.text(
                    MARGIN + 14.0 + label_w,
                    first + i as f32 * 14.0,
                    line,
                    Face::Regular,
                    10.0,
                    INK,
                );
            }
            self.y += lines.len() as f32 * 14.0 + 3.0;
        }
        self.y = top + height;
    }

    /// A band badge: the word on the band's colour. Returns its width.
    fn badge(&mut self, x: f32, top: f32, band: Option<Band>, word: &str, size: f32) -> f32 {
        let (fill, ink, edge) = band_colours(band);
        let w = width(word, Face::Bold, size) + 12.0;
        let h = size + 7.0;
        self.fill_rect(x, top, w, h, fill);
        self.stroke_rect(x, top, w, h, edge, 0.8);
        self.text(x + 6.0, top + h - 4.5, word, Face::Bold, size, ink);
        w
    }

    fn priorities(&mut self) {
        let p = &self.report.priorities;
        self.heading(&p.title, 40.0);
        self.y += 2.0;
        self.paragraph(&p.intro, Face::Regular, 10.0, INK, MARGIN, CONTENT_W);
        self.y += 4.0;
        for (i, item) in p.items.iter().enumerate() {
            self.ensure(30.0);
            let top = self.y + 4.0;
            // The rank in a brand-coloured circle.
            let (cx, cy) = (MARGIN + 10.0, PAGE_H - (top + 10.0));
            {
                let c = self.page();
                circle(c, cx, cy, 10.0);
                c.set_fill_rgb(BRAND.0, BRAND.1, BRAND.2);
                c.fill_nonzero();
            }
            self.text_centred(
                MARGIN + 10.0,
                top + 14.0,
                &(i + 1).to_string(),
                Face::Bold,
                11.0,
                WHITE,
            );
            let x = MARGIN + 30.0;
            self.text(x, top + 14.0, &item.aspect, Face::Bold, 12.0, INK);
            let after = x + width(&item.aspect, Face::Bold, 12.0) + 10.0;
            let badge_w = self.badge(after, top + 2.5, Some(item.band), &item.band_word, 8.5);
            let figures_x = after + badge_w + 10.0;
            if figures_x + width(&item.figures, Face::Regular, 9.5) <= PAGE_W - MARGIN {
                self.text(
                    figures_x,
                    top + 14.0,
                    &item.figures,
                    Face::Regular,
                    9.5,
                    MUTED,
                );
                self.y = top + 26.0;
            } else {
                // A long name and band word: the figures go under the name.
                self.text(x, top + 27.0, &item.figures, Face::Regular, 9.5, MUTED);
                self.y = top + 38.0;
            }
        }
    }

    fn overview(&mut self) {
        let o = &self.report.overview;
        self.heading(&o.title, 80.0);
        self.y += 2.0;
        self.paragraph(&o.intro, Face::Regular, 9.5, MUTED, MARGIN, CONTENT_W);
        self.y += 6.0;

        let group_w = 118.0;
        let cell_w = (CONTENT_W - group_w) / o.aspects.len().max(1) as f32;
        if !o.rows.is_empty() {
            self.table_header(group_w, cell_w);
        }
        for row in &o.rows {
            let indent = 8.0 * row.depth.min(3) as f32;
            let name_lines = wrap(&row.name, Face::Bold, 8.5, group_w - 8.0 - indent);
            let detail_lines = wrap(&row.detail, Face::Regular, 7.0, group_w - 8.0 - indent);
            let cells: Vec<(Vec<String>, Vec<String>)> = row
                .cells
                .iter()
                .map(|c| {
                    (
                        wrap(&c.word, Face::Bold, 7.5, cell_w - 10.0),
                        if c.figure.is_empty() {
                            Vec::new()
                        } else {
                            wrap(&c.figure, Face::Regular, 7.0, cell_w - 10.0)
                        },
                    )
                })
                .collect();
            let left_h = name_lines.len() as f32 * 10.5 + detail_lines.len() as f32 * 9.0;
            let cell_h = cells
                .iter()
                .map(|(w, f)| w.len() as f32 * 9.5 + f.len() as f32 * 8.5)
                .fold(0.0, f32::max);
            let h = left_h.max(cell_h) + 12.0;
            if self.y + h > BOTTOM {
                self.new_page();
                self.table_header(group_w, cell_w);
            }
            let top = self.y;
            let mut baseline = top + 6.0 + 8.5;
            for line in &name_lines {
                self.text(MARGIN + 4.0 + indent, baseline, line, Face::Bold, 8.5, INK);
                baseline += 10.5;
            }
            baseline -= 1.0;
            for line in &detail_lines {
                self.text(
                    MARGIN + 4.0 + indent,
                    baseline,
                    line,
                    Face::Regular,
                    7.0,
                    MUTED,
                );
                baseline += 9.0;
            }
            for (i, (cell, (word, figure))) in row.cells.iter().zip(&cells).enumerate() {
                let x = MARGIN + group_w + i as f32 * cell_w;
                let (fill, ink, edge) = band_colours(cell.band);
                self.fill_rect(x + 2.0, top + 2.0, cell_w - 4.0, h - 4.0, fill);
                self.stroke_rect(x + 2.0, top + 2.0, cell_w - 4.0, h - 4.0, edge, 0.6);
                let mut baseline = top + 6.0 + 7.5;
                for line in word {
                    self.text(x + 5.0, baseline, line, Face::Bold, 7.5, ink);
                    baseline += 9.5;
                }
                for line in figure {
                    self.text(x + 5.0, baseline, line, Face::Regular, 7.0, ink);
                    baseline += 8.5;
                }
            }
            self.y = top + h;
            self.hline(MARGIN, PAGE_W - MARGIN, self.y, LINE, 0.5);
        }
        for note in &o.notes {
            self.y += 4.0;
            self.paragraph(note, Face::Regular, 9.0, MUTED, MARGIN, CONTENT_W);
        }

        // The legend: each colour with its word and what it means.
        self.y += 10.0;
        self.ensure(16.0 + 18.0 * o.legend.len() as f32);
        self.y += 10.0;
        self.text(MARGIN, self.y, &o.legend_title, Face::Bold, 9.0, MUTED);
        self.y += 4.0;
        for (band, word, explanation) in &o.legend {
            let lines = wrap(explanation, Face::Regular, 8.5, CONTENT_W - 150.0);
            self.ensure(lines.len() as f32 * 11.0 + 8.0);
            let top = self.y + 3.0;
            self.badge(MARGIN, top, Some(*band), word, 7.5);
            let mut baseline = top + 10.0;
            for line in lines {
                self.text(MARGIN + 150.0, baseline, &line, Face::Regular, 8.5, INK);
                baseline += 11.0;
            }
            self.y = baseline - 3.0;
        }
    }

    /// The overview's header row: the group column and the five aspect names, each on one
    /// line (the type shrinks so that the longest name fits).
    fn table_header(&mut self, group_w: f32, cell_w: f32) {
        let o = &self.report.overview;
        let size = o
            .aspects
            .iter()
            .map(|a| fit_size(a, Face::Bold, 8.0, cell_w - 6.0))
            .fold(8.0, f32::min);
        let h = 22.0;
        self.ensure(h + 30.0);
        let top = self.y;
        self.fill_rect(MARGIN, top, CONTENT_W, h, BRAND);
        self.text(
            MARGIN + 4.0,
            top + 14.0,
            &o.group_label,
            Face::Bold,
            8.0,
            WHITE,
        );
        for (i, aspect) in o.aspects.iter().enumerate() {
            let x = MARGIN + group_w + i as f32 * cell_w;
            self.text(x + 3.0, top + 14.0, aspect, Face::Bold, size, WHITE);
        }
        self.y = top + h;
    }

    fn advice(&mut self) {
        let a = &self.report.advice;
        self.heading(&a.title, 40.0);
        self.y += 2.0;
        self.paragraph(&a.intro, Face::Regular, 10.0, INK, MARGIN, CONTENT_W);
        if !a.actions.is_empty() {
            self.y += 8.0;
            self.ensure(40.0);
            self.y += 12.0;
            self.text(
                MARGIN,
                self.y,
                &a.actions_title,
                Face::Bold,
                11.0,
                BRAND_DARK,
            );
            self.y += 2.0;
            for (action, detail) in &a.actions {
                self.ensure(34.0);
                self.y += 6.0;
                self.fill_rect(MARGIN + 2.0, self.y + 4.0, 5.0, 5.0, ACCENT);
                self.paragraph(
                    action,
                    Face::Bold,
                    10.0,
                    INK,
                    MARGIN + 16.0,
                    CONTENT_W - 16.0,
                );
                self.paragraph(
                    detail,
                    Face::Regular,
                    9.5,
                    MUTED,
                    MARGIN + 16.0,
                    CONTENT_W - 16.0,
                );
            }
        }
        if !a.providers.is_empty() {
            self.y += 10.0;
            self.ensure(40.0);
            self.y += 12.0;
            self.text(
                MARGIN,
                self.y,
                &a.providers_title,
                Face::Bold,
                11.0,
                BRAND_DARK,
            );
            self.y += 2.0;
            for provider in &a.providers {
                self.ensure(16.0);
                self.y += 3.0;
                self.fill_rect(MARGIN + 2.0, self.y + 4.0, 5.0, 5.0, BRAND);
                self.paragraph(
                    provider,
                    Face::Regular,
                    10.0,
                    INK,
                    MARGIN + 16.0,
                    CONTENT_W - 16.0,
                );
            }
        }
    }

    fn trend(&mut self) {
        let t = &self.report.trend;
        let several = t.rounds.len() > 1;
        self.heading(&t.title, if several { 200.0 } else { 20.0 });
        self.y += 2.0;
        self.paragraph(&t.intro, Face::Regular, 10.0, INK, MARGIN, CONTENT_W);
        if !several {
            return;
        }
        self.y += 8.0;
        self.index_chart(&t.rounds, &t.index_label);
        self.y += 10.0;
        self.trend_table();
    }

    /// The autonomy index per round as a line (a round without figures breaks it).
    fn index_chart(&mut self, rounds: &[RoundFigures], label: &str) {
        let h = 130.0;
        self.ensure(h + 30.0);
        let top = self.y;
        let (left, right) = (MARGIN + 34.0, PAGE_W - MARGIN - 20.0);
        let (chart_top, chart_bottom) = (top + 18.0, top + h - 22.0);
        let y_of = |index: f64| chart_bottom - (index as f32 / 100.0) * (chart_bottom - chart_top);
        let n = rounds.len();
        let x_of = |i: usize| {
            if n <= 1 {
                (left + right) / 2.0
            } else {
                left + 20.0 + (right - left - 40.0) * i as f32 / (n - 1) as f32
            }
        };
        self.text(MARGIN, top + 8.0, label, Face::Bold, 9.0, MUTED);
        for step in [0.0, 25.0, 50.0, 75.0, 100.0] {
            let y = y_of(step);
            self.hline(left, right, y, LINE, 0.5);
            self.text_right(
                left - 6.0,
                y + 3.0,
                &format!("{step:.0}"),
                Face::Regular,
                7.5,
                MUTED,
            );
        }
        // Line segments between consecutive rounds that both have an index.
        {
            let c = self.page();
            c.set_stroke_rgb(BRAND.0, BRAND.1, BRAND.2);
            c.set_line_width(2.0);
            for i in 1..n {
                if let (Some(a), Some(b)) = (rounds[i - 1].index, rounds[i].index) {
                    c.move_to(x_of(i - 1), PAGE_H - y_of(a));
                    c.line_to(x_of(i), PAGE_H - y_of(b));
                    c.stroke();
                }
            }
        }
        for (i, round) in rounds.iter().enumerate() {
            let x = x_of(i);
            if let Some(index) = round.index {
                let y = y_of(index);
                {
                    let c = self.page();
                    circle(c, x, PAGE_H - y, 3.5);
                    c.set_fill_rgb(BRAND.0, BRAND.1, BRAND.2);
                    c.fill_nonzero();
                }
                self.text_centred(
                    x,
                    y - 7.0,
                    &format_number(index, 0, self.report.lang),
                    Face::Bold,
                    8.0,
                    INK,
                );
            }
            self.text_centred(
                x,
                chart_bottom + 13.0,
                &round.label,
                Face::Regular,
                8.0,
                MUTED,
            );
        }
        self.y = top + h;
    }

    /// Index and means per round in a table with the values.
    fn trend_table(&mut self) {
        let t = &self.report.trend;
        let first_w = 150.0;
        let col_w = (CONTENT_W - first_w) / t.rounds.len() as f32;
        let row_h = 17.0;
        self.ensure(row_h * (2 + t.aspects.len()) as f32);
        let top = self.y;
        self.fill_rect(MARGIN, top, CONTENT_W, row_h, BRAND);
        self.text(
            MARGIN + 4.0,
            top + 12.0,
            &t.round_label,
            Face::Bold,
            8.5,
            WHITE,
        );
        let size = t
            .rounds
            .iter()
            .map(|r| fit_size(&r.label, Face::Bold, 8.5, col_w - 6.0))
            .fold(8.5, f32::min);
        for (i, round) in t.rounds.iter().enumerate() {
            let right = MARGIN + first_w + (i + 1) as f32 * col_w - 6.0;
            self.text_right(right, top + 12.0, &round.label, Face::Bold, size, WHITE);
        }
        self.y = top + row_h;
        let lang = self.report.lang;
        let mut rows: Vec<(String, Vec<String>, bool)> = vec![(
            format!("{} (0–100)", t.index_label),
            t.rounds
                .iter()
                .map(|r| {
                    r.index
                        .map_or_else(|| "–".to_owned(), |i| format_number(i, 0, lang))
                })
                .collect(),
            true,
        )];
        for (a, name) in t.aspects.iter().enumerate() {
            rows.push((
                format!("{name} (1–5)"),
                t.rounds
                    .iter()
                    .map(|r| {
                        r.means
                            .get(a)
                            .copied()
                            .flatten()
                            .map_or_else(|| "–".to_owned(), |m| format_number(m, 1, lang))
                    })
                    .collect(),
                false,
            ));
        }
        for (i, (label, values, strong)) in rows.iter().enumerate() {
            let top = self.y;
            if i % 2 == 1 {
                self.fill_rect(MARGIN, top, CONTENT_W, row_h, SOFT);
            }
            let face = if *strong { Face::Bold } else { Face::Regular };
            self.text(MARGIN + 4.0, top + 12.0, label, face, 8.5, INK);
            for (j, value) in values.iter().enumerate() {
                let right = MARGIN + first_w + (j + 1) as f32 * col_w - 6.0;
                self.text_right(right, top + 12.0, value, face, 8.5, INK);
            }
            self.y = top + row_h;
        }
        self.hline(MARGIN, PAGE_W - MARGIN, self.y, LINE, 0.6);
    }

    /// The slim header of pages after the first.
    fn running_header(&mut self) {
        let r = self.report;
        self.fill_rect(0.0, 0.0, PAGE_W, 36.0, BRAND);
        self.fill_rect(0.0, 36.0, PAGE_W, 2.0, ACCENT);
        self.logo(MARGIN, 8.0, 20.0);
        self.text(MARGIN + 28.0, 23.0, "HRnexus", Face::Bold, 12.0, WHITE);
        let right = format!("{} · {}", r.title, r.organisation);
        let size = fit_size(&right, Face::Regular, 9.0, CONTENT_W - 120.0);
        let right = wrap(&right, Face::Regular, size, CONTENT_W - 120.0)
            .into_iter()
            .next()
            .unwrap_or_default();
        self.text_right(PAGE_W - MARGIN, 22.0, &right, Face::Regular, size, WHITE);
    }

    /// Adds every page's footer, now that the number of pages is known.
    fn finish_pages(mut self) -> Vec<Content> {
        let total = self.pages.len();
        let rule = wrap(
            &self.report.footer_rule,
            Face::Regular,
            7.5,
            CONTENT_W - 90.0,
        );
        for index in 0..total {
            let label = self.report.lang.t_args(
                "report-footer-page",
                &[
                    ("page", (index + 1).to_string()),
                    ("pages", total.to_string()),
                ],
            );
            self.pages.swap(index, total - 1);
            let top = PAGE_H - 44.0;
            self.hline(MARGIN, PAGE_W - MARGIN, top, LINE, 0.6);
            for (i, line) in rule.iter().enumerate() {
                self.text(
                    MARGIN,
                    top + 12.0 + i as f32 * 9.5,
                    line,
                    Face::Regular,
                    7.5,
                    MUTED,
                );
            }
            self.text_right(
                PAGE_W - MARGIN,
                top + 12.0,
                &label,
                Face::Bold,
                8.0,
                BRAND_DARK,
            );
            self.pages.swap(index, total - 1);
        }
        self.pages
    }
}

fn font(face: Face) -> Name<'static> {
    match face {
        Face::Regular => REGULAR,
        Face::Bold => BOLD,
    }
}

/// The largest size up to `max` at which `s` fits in `w` on one line (at least 6 points).
fn fit_size(s: &str, face: Face, max: f32, w: f32) -> f32 {
    let at_max = width(s, face, max);
    if at_max <= w {
        max
    } else {
        (max * w / at_max).max(6.0)
    }
}

/// A number the way the report's language writes it.
fn format_number(value: f64, decimals: u32, lang: Lang) -> String {
    lang.number_ungrouped(value, decimals)
}

/// A circle path of radius `r` around (`cx`, `cy`) in PDF coordinates (four Bézier arcs).
fn circle(c: &mut Content, cx: f32, cy: f32, r: f32) {
    let k = 0.552_284_8 * r;
    c.move_to(cx + r, cy);
    c.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
    c.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
    c.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
    c.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
    c.close_path();
}

/// Writes the document: catalog, page tree, the two fonts, metadata and the pages.
fn write(report: &Report, pages: Vec<Content>) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let regular_id = Ref::new(3);
    let bold_id = Ref::new(4);
    let info_id = Ref::new(5);
    let page_ids: Vec<(Ref, Ref)> = (0..pages.len() as i32)
        .map(|i| (Ref::new(6 + 2 * i), Ref::new(7 + 2 * i)))
        .collect();

    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr(report.lang.code()));
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    for (id, base) in [(regular_id, "Helvetica"), (bold_id, "Helvetica-Bold")] {
        pdf.type1_font(id)
            .base_font(Name(base.as_bytes()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    let title = format!("{} · {}", report.title, report.organisation);
    pdf.document_info(info_id)
        .title(TextStr(&title))
        .producer(TextStr("HRnexus"));

    for ((page_id, content_id), content) in page_ids.iter().zip(pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree_id);
        page.contents(*content_id);
        let mut resources = page.resources();
        resources
            .fonts()
            .pair(REGULAR, regular_id)
            .pair(BOLD, bold_id);
        resources.finish();
        page.finish();
        pdf.stream(*content_id, &content.finish());
    }
    pdf.finish()
}
