//! Static files (stylesheets, icon): compiled into the binary, compressed once (Brotli and
//! gzip, kept in memory beside the plain body) and served under fingerprinted addresses such
//! as `/static/style.3f2a9c01de.css` that may be cached for a year. Templates take the
//! addresses from [`crate::web::page::Page`] (`p.css()`, `p.token_css()`, `p.favicon()`),
//! which asks this module. The plain names (`/static/style.css`) keep working with a short
//! cache lifetime, for pages that browsers or proxies still hold.

use std::{io::Write, sync::LazyLock};

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Response},
};
use sha2::{Digest, Sha256};

/// Fingerprinted addresses: the bytes behind them never change.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Plain addresses: pages cached before a release still find their stylesheet.
pub const CACHE_SHORT: &str = "public, max-age=600";

/// The whole site's stylesheet, kept in one file per area of the site.
const STYLESHEET: &str = concat!(
    include_str!("../../static/css/base.css"),
    include_str!("../../static/css/werkgever.css"),
    include_str!("../../static/css/scan.css"),
    include_str!("../../static/css/results.css"),
    include_str!("../../static/css/autonomie-scan.css"),
    include_str!("../../static/css/providers.css"),
);

/// The small stylesheet of the pages behind a scan link (the employee's form and its
/// notices): the base, the form, and the slim layout. Employees on a phone load only this.
const TOKEN_STYLESHEET: &str = concat!(
    include_str!("../../static/css/base.css"),
    include_str!("../../static/css/scan.css"),
    include_str!("../../static/css/token.css"),
);

const FAVICON: &str = include_str!("../../static/favicon.svg");

/// A body with its Brotli and gzip versions, made once and served many times.
pub struct Encoded {
    plain: Bytes,
    br: Bytes,
    gzip: Bytes,
}

impl Encoded {
    /// Compresses at the best levels: for bodies that are made once (at start, or once per
    /// language for the home page).
    pub fn new(plain: Bytes) -> Encoded {
        Encoded {
            br: Bytes::from(brotli_bytes(&plain)),
            gzip: Bytes::from(gzip_bytes(&plain)),
            plain,
        }
    }

    /// A response with the smallest body the client accepts, and `Vary: Accept-Encoding`.
    pub fn response(
        &self,
        request: &HeaderMap,
        content_type: &'static str,
        cache: Option<&'static str>,
    ) -> Response {
        let accepted = accepted_encodings(request);
        let (body, encoding) = if accepted.br && self.br.len() < self.plain.len() {
            (self.br.clone(), Some("br"))
        } else if accepted.gzip && self.gzip.len() < self.plain.len() {
            (self.gzip.clone(), Some("gzip"))
        } else {
            (self.plain.clone(), None)
        };
        let mut response = (
            [
                (header::CONTENT_TYPE, content_type),
                (header::VARY, "accept-encoding"),
            ],
            body,
        )
            .into_response();
        let headers = response.headers_mut();
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        if let Some(cache) = cache {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        }
        response
    }
}

/// One static file with its compressed bodies.
pub struct Asset {
    /// The plain name, e.g. `style.css`.
    pub name: &'static str,
    /// The fingerprinted name, e.g. `style.3f2a9c01de12.css`.
    pub hashed: String,
    /// `/static/` + the fingerprinted name.
    pub url: String,
    content_type: &'static str,
    body: Encoded,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: &'static str) -> Asset {
        let hash = hex::encode(Sha256::digest(body.as_bytes()));
        let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
        let hashed = format!("{stem}.{}.{ext}", &hash[..12]);
        Asset {
            name,
            url: format!("/static/{hashed}"),
            hashed,
            content_type,
            body: Encoded::new(Bytes::from_static(body.as_bytes())),
        }
    }

    fn response(&self, request: &HeaderMap, cache: &'static str) -> Response {
        self.body.response(request, self.content_type, Some(cache))
    }
}

pub struct Assets {
    pub style: Asset,
    pub token_style: Asset,
    pub favicon: Asset,
}

impl Assets {
    fn all(&self) -> [&Asset; 3] {
        [&self.style, &self.token_style, &self.favicon]
    }
}

static ASSETS: LazyLock<Assets> = LazyLock::new(|| Assets {
    style: Asset::new("style.css", "text/css; charset=utf-8", STYLESHEET),
    token_style: Asset::new("scan.css", "text/css; charset=utf-8", TOKEN_STYLESHEET),
    favicon: Asset::new("favicon.svg", "image/svg+xml", FAVICON),
});

/// The static files, compressed on first use; [`prepare`] makes that first use the start.
pub fn assets() -> &'static Assets {
    &ASSETS
}

/// Compresses the static files now (at start), not during the first visitor's request.
pub fn prepare() {
    LazyLock::force(&ASSETS);
}

/// `GET /static/{file}`: a fingerprinted name for a year, a plain name for a short while,
/// anything else (an old or wrong fingerprint included) is not found.
pub fn serve(file: &str, request: &HeaderMap) -> Option<Response> {
    let assets = assets();
    if let Some(asset) = assets.all().into_iter().find(|a| a.hashed == file) {
        return Some(asset.response(request, CACHE_IMMUTABLE));
    }
    // Only the site's stylesheet and the icon were ever linked by their plain names.
    [&assets.style, &assets.favicon]
        .into_iter()
        .find(|a| a.name == file)
        .map(|asset| asset.response(request, CACHE_SHORT))
}

/// Which of our encodings the client accepts (`q=0` refuses one).
pub struct Accepted {
    pub br: bool,
    pub gzip: bool,
}

pub fn accepted_encodings(headers: &HeaderMap) -> Accepted {
    let mut accepted = Accepted {
        br: false,
        gzip: false,
    };
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if coding.eq_ignore_ascii_case("br") {
                accepted.br = !refused;
            } else if coding.eq_ignore_ascii_case("gzip") {
                accepted.gzip = !refused;
            }
        }
    }
    accepted
}

/// Brotli at its best quality: done once per file at start.
pub fn brotli_bytes(body: &[u8]) -> Vec<u8> {
    brotli_at(body, 11)
}

pub fn brotli_at(body: &[u8], quality: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, quality, 22);
        // Writing into a Vec cannot fail.
        let _ = writer.write_all(body);
    }
    out
}

pub fn gzip_bytes(body: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(body.len() / 3),
        flate2::Compression::best(),
    );
    let _ = encoder.write_all(body);
    encoder.finish().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(accept));
        map
    }

    #[test]
    fn encodings_are_read_with_their_weights() {
        let a = accepted_encodings(&headers("gzip, deflate, br, zstd"));
        assert!(a.br && a.gzip);
        let a = accepted_encodings(&headers("br;q=0, gzip;q=0.5"));
        assert!(!a.br && a.gzip);
        let a = accepted_encodings(&HeaderMap::new());
        assert!(!a.br && !a.gzip);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_file() {
        let style = &assets().style.body;
        let mut plain = Vec::new();
        brotli::BrotliDecompress(&mut &style.br[..], &mut plain).unwrap();
        assert_eq!(plain, style.plain);
        let mut plain = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(&style.gzip[..]),
            &mut plain,
        )
        .unwrap();
        assert_eq!(plain, style.plain);
        assert!(style.br.len() < style.plain.len() / 3);
    }

    #[test]
    fn fingerprints_follow_the_content() {
        let a = assets();
        assert!(a.style.url.starts_with("/static/style.") && a.style.url.ends_with(".css"));
        assert_ne!(a.style.hashed, a.token_style.hashed);
        assert!(serve(&a.style.hashed, &HeaderMap::new()).is_some());
        assert!(serve("style.000000000000.css", &HeaderMap::new()).is_none());
        assert!(serve("style.css", &HeaderMap::new()).is_some());
    }
}
