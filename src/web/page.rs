//! What every page template needs: the visitor's language and the addresses of this page
//! in both languages (for hreflang and the language switch).

use axum::{extract::FromRequestParts, http::request::Parts};

use crate::{i18n::Lang, web::AppState};

#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    /// This page's path in Dutch and in English.
    pub path_nl: String,
    pub path_en: String,
    pub base_url: String,
    /// Query (and fragment) the language switch keeps, so that switching on a result
    /// page keeps the result. Empty unless a handler set it from values it parsed.
    pub switch_query: String,
}

impl Page {
    pub fn for_path(path: &str, base_url: &str) -> Page {
        let path = &same_site_path(path);
        let lang = Lang::of_path(path);
        let dutch = match lang {
            Lang::En => path
                .strip_prefix("/en")
                .filter(|p| !p.is_empty())
                .unwrap_or("/"),
            Lang::Nl => path,
        };
        let english = if dutch == "/" {
            "/en/".to_owned()
        } else {
            format!("/en{dutch}")
        };
        Page {
            lang,
            path_nl: dutch.to_owned(),
            path_en: english,
            base_url: base_url.to_owned(),
            switch_query: String::new(),
        }
    }

    /// Lets the language switch keep these pairs and jump to `anchor`. Only for values
    /// the handler parsed itself (answers, numbers): never a token, never raw input.
    pub fn keep_on_switch(&mut self, pairs: &[(String, String)], anchor: &str) {
        let encode = |text: &str| {
            text.bytes()
                .map(|b| {
                    if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                        (b as char).to_string()
                    } else {
                        format!("%{b:02X}")
                    }
                })
                .collect::<String>()
        };
        if pairs.is_empty() {
            self.switch_query.clear();
            return;
        }
        let query: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        self.switch_query = format!("?{}", query.join("&"));
        if !anchor.is_empty() {
            self.switch_query.push('#');
            self.switch_query.push_str(&encode(anchor));
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// A message whose key is a prefix plus a stored code, e.g. `audit-` + `login_failed`.
    pub fn tk(&self, prefix: &str, code: &str) -> String {
        self.lang.t(&format!("{prefix}{code}"))
    }

    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    /// A site path in the visitor's language: `href("/beheer")` is `/en/beheer` in English.
    pub fn href(&self, path: &str) -> String {
        match (self.lang, path) {
            (Lang::Nl, _) => path.to_owned(),
            (Lang::En, "/") => "/en/".to_owned(),
            (Lang::En, _) => format!("/en{path}"),
        }
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    pub fn is_en(&self) -> bool {
        self.lang == Lang::En
    }

    pub fn datetime(&self, at: &i64) -> String {
        self.lang.datetime(*at)
    }

    /// The site's stylesheet at its fingerprinted address (see `web::assets`).
    pub fn css(&self) -> &'static str {
        &crate::web::assets::assets().style.url
    }

    /// The small stylesheet of the pages behind a scan link.
    pub fn token_css(&self) -> &'static str {
        &crate::web::assets::assets().token_style.url
    }

    /// The icon at its fingerprinted address.
    pub fn favicon(&self) -> &'static str {
        &crate::web::assets::assets().favicon.url
    }
}

/// The request path made safe to put back into a link on this site: one slash between
/// segments (`//host` would be another site) and everything but plain path characters
/// percent-encoded (a browser reads `/\host` as `//host` too).
fn same_site_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 1);
    out.push('/');
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        if !out.ends_with('/') {
            out.push('/');
        }
        for b in segment.bytes() {
            if b.is_ascii_alphanumeric() || b"-._~%!$&'()*+,;=:@".contains(&b) {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    // Keep a trailing slash where there was one (`/en/` is the English home).
    if path.len() > 1 && path.ends_with('/') && !out.ends_with('/') {
        out.push('/');
    }
    out
}

impl FromRequestParts<AppState> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let path = parts
            .extensions
            .get::<axum::extract::OriginalUri>()
            .map_or_else(|| parts.uri.path(), |uri| uri.path());
        Ok(Page::for_path(path, state.settings.base_url()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_language_paths_are_known() {
        let home = Page::for_path("/", "http://x");
        assert_eq!(
            (home.path_nl.as_str(), home.path_en.as_str()),
            ("/", "/en/")
        );
        let en_home = Page::for_path("/en/", "http://x");
        assert_eq!(en_home.lang, Lang::En);
        assert_eq!(
            (en_home.path_nl.as_str(), en_home.path_en.as_str()),
            ("/", "/en/")
        );
        let login = Page::for_path("/en/beheer/login", "http://x");
        assert_eq!(login.path_nl, "/beheer/login");
        assert_eq!(login.href("/beheer"), "/en/beheer");
    }

    #[test]
    fn paths_from_the_request_stay_on_this_site() {
        for (path, nl, en) in [
            ("/en//evil.example", "/evil.example", "/en/evil.example"),
            ("//evil.example", "/evil.example", "/en/evil.example"),
            (
                "/en/\\evil.example",
                "/%5Cevil.example",
                "/en/%5Cevil.example",
            ),
            ("/a\"b<c>", "/a%22b%3Cc%3E", "/en/a%22b%3Cc%3E"),
            (
                "/werkgever/inloggen/..%2Fscans",
                "/werkgever/inloggen/..%2Fscans",
                "/en/werkgever/inloggen/..%2Fscans",
            ),
            ("/en/", "/", "/en/"),
            ("", "/", "/en/"),
        ] {
            let p = Page::for_path(path, "http://x");
            assert_eq!((p.path_nl.as_str(), p.path_en.as_str()), (nl, en), "{path}");
        }
    }
}
