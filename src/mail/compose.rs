//! Turns text in the user's language into an outbox message with text and HTML parts.

use crate::{i18n::Lang, storage::OutgoingMail};

/// What a mail says, before it gets its layout.
pub struct MailContent {
    pub subject: String,
    /// Paragraphs of plain text; the HTML part escapes them.
    pub paragraphs: Vec<String>,
    /// An optional button: (label, absolute URL).
    pub action: Option<(String, String)>,
}

/// Lays out a mail. A mail whose text carries a secret (a sign-in link, a personal scan
/// link) must be marked with `.carrying_secret()` on the result, so that the outbox hides
/// it from staff and erases it once delivered.
pub fn compose(lang: Lang, recipient: &str, content: MailContent) -> OutgoingMail {
    let footer = lang.t("mail-footer");
    let mut text = content.paragraphs.join("\n\n");
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><body style=\"font-family:sans-serif;line-height:1.5;color:#1d2a33\">",
        lang.code()
    );
    for paragraph in &content.paragraphs {
        html.push_str(&format!("<p>{}</p>", escape(paragraph)));
    }
    if let Some((label, url)) = &content.action {
        text.push_str(&format!("\n\n{label}: {url}"));
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"background:#0b5a6e;color:#fff;padding:.6em 1em;border-radius:4px;text-decoration:none\">{}</a></p>",
            escape(url),
            escape(label)
        ));
    }
    text.push_str(&format!("\n\n-- \n{footer}\n"));
    html.push_str(&format!(
        "<p style=\"color:#5b6b75;font-size:.9em\">{}</p></body></html>",
        escape(&footer)
    ));
    OutgoingMail {
        recipient: recipient.to_owned(),
        subject: content.subject,
        text_body: text,
        html_body: Some(html),
        headers: Vec::new(),
        carries_secret: false,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_part_escapes_what_the_text_says() {
        let mail = compose(
            Lang::Nl,
            "a@b.nl",
            MailContent {
                subject: "Test".into(),
                paragraphs: vec!["<script>alert(1)</script> & meer".into()],
                action: Some(("Open".into(), "https://hrnexus.nl/?a=1&b=2".into())),
            },
        );
        let html = mail.html_body.unwrap();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; meer"));
        assert!(html.contains("href=\"https://hrnexus.nl/?a=1&amp;b=2\""));
        assert!(mail.text_body.contains("<script>alert(1)</script> & meer"));
        assert!(mail.text_body.contains("Open: https://hrnexus.nl/?a=1&b=2"));
    }
}
