//! Text for the standard Helvetica fonts: WinAnsiEncoding (Latin-1 plus € and typographic
//! quotes and dashes: all of Dutch and English), widths, and line wrapping.

#[path = "helvetica_widths.rs"]
mod widths;

/// The two faces the report uses; both are standard PDF fonts, never embedded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Face {
    Regular,
    Bold,
}

/// `c` in WinAnsiEncoding; `None` for characters it lacks.
fn win_ansi(c: char) -> Option<u8> {
    let code = u32::from(c);
    match code {
        0x20..=0x7E | 0xA0..=0xFF => u8::try_from(code).ok(),
        _ => Some(match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => return None,
        }),
    }
}

/// The bytes to show for `text`: white space becomes a space, the minus sign a hyphen, and
/// anything the encoding lacks a question mark (names are typed by employers and may hold
/// any character; the PDF must still be valid).
pub fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            c if c.is_whitespace() && c != '\u{a0}' => b' ',
            '\u{2212}' => b'-',
            c => win_ansi(c).unwrap_or(b'?'),
        })
        .collect()
}

/// Width of encoded bytes at `size` points.
fn width_of(bytes: &[u8], face: Face, size: f32) -> f32 {
    let table = match face {
        Face::Regular => &widths::REGULAR,
        Face::Bold => &widths::BOLD,
    };
    let units: u32 = bytes
        .iter()
        .map(|&b| {
            b.checked_sub(32)
                .and_then(|i| table.get(usize::from(i)))
                .map_or(0, |&w| u32::from(w))
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Width of `text` at `size` points.
pub fn width(text: &str, face: Face, size: f32) -> f32 {
    width_of(&encode(text), face, size)
}

/// `text` in lines no wider than `max` points: breaks at spaces, and inside a word only when
/// the word alone is wider than a line.
pub fn wrap(text: &str, face: Face, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate, face, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word too long for a line of its own is cut where it must be.
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if width(&piece, face, size) > max && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::take(&mut piece));
                piece.push(c);
            }
        }
        line = piece;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_money_characters_are_in_the_encoding() {
        assert_eq!(
            encode("é ë € – ’"),
            [0xE9, b' ', 0xEB, b' ', 0x80, b' ', 0x96, b' ', 0x92]
        );
        assert_eq!(encode("a\tb\nc"), b"a b c");
        assert_eq!(encode("日本"), b"??");
        assert_eq!(encode("\u{2212}0,3"), b"-0,3");
    }

    #[test]
    fn widths_follow_the_font_metrics() {
        // Helvetica: "a" is 556 units, "i" 222; bold "i" 278.
        assert!((width("ai", Face::Regular, 10.0) - 7.78).abs() < 1e-4);
        assert!((width("i", Face::Bold, 10.0) - 2.78).abs() < 1e-4);
        assert!((width("€", Face::Regular, 10.0) - 5.56).abs() < 1e-4);
    }

    #[test]
    fn wrapping_keeps_every_word_and_the_width() {
        let text =
            "Spreek af welk resultaat nodig is en laat je mensen zelf kiezen hoe ze daar komen.";
        let lines = wrap(text, Face::Regular, 10.0, 120.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, Face::Regular, 10.0) <= 120.0));
        assert_eq!(lines.join(" "), text);
        let long = wrap("Ontwikkelingsafdelingsmedewerkers", Face::Bold, 10.0, 40.0);
        assert!(long.len() > 1);
        assert_eq!(long.concat(), "Ontwikkelingsafdelingsmedewerkers");
        assert_eq!(wrap("", Face::Regular, 10.0, 50.0), [""]);
    }
}
