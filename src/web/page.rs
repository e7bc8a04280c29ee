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
}

impl Page {
    pub fn for_path(path: &str, base_url: &str) -> Page {
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
            .map(|uri| uri.path().to_owned())
            .unwrap_or_else(|| parts.uri.path().to_owned());
        Ok(Page::for_path(&path, state.settings.base_url()))
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
}
