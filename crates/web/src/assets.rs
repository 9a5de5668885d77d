//! Static assets built into the binary, named by a hash of their content
//! (`/static/app.3f2a….css`) so that they can be cached for a year as immutable.

use sha2::{Digest, Sha256};

/// One file.
pub struct Asset {
    /// The hashed name, e.g. `app.3f2a9c01b7d4.css`.
    pub name: String,
    pub body: &'static [u8],
    pub content_type: &'static str,
}

/// Every asset, and their hashed names.
pub struct Assets {
    files: Vec<Asset>,
}

struct Source {
    stem: &'static str,
    ext: &'static str,
    body: &'static [u8],
    content_type: &'static str,
}

const SOURCES: [Source; 3] = [
    Source {
        stem: "app",
        ext: "css",
        body: include_bytes!("../static/app.css"),
        content_type: "text/css; charset=utf-8",
    },
    Source {
        stem: "app",
        ext: "js",
        body: include_bytes!("../static/app.js"),
        content_type: "text/javascript; charset=utf-8",
    },
    Source {
        stem: "apidocs",
        ext: "js",
        body: include_bytes!("../static/apidocs.js"),
        content_type: "text/javascript; charset=utf-8",
    },
];

static SHARED: std::sync::OnceLock<Assets> = std::sync::OnceLock::new();

/// The first 12 hex digits of the SHA-256 of `body`: the same on every build and machine.
fn content_hash(body: &[u8]) -> String {
    Sha256::digest(body)
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Assets {
    /// The assets, hashed once per process.
    pub fn shared() -> &'static Assets {
        SHARED.get_or_init(Assets::new)
    }

    fn new() -> Self {
        let files = SOURCES
            .iter()
            .map(|s| Asset {
                name: format!("{}.{}.{}", s.stem, content_hash(s.body), s.ext),
                body: s.body,
                content_type: s.content_type,
            })
            .collect();
        Assets { files }
    }

    /// The URL of an asset by its plain name (`app.css`).
    pub fn url(&self, plain: &str) -> String {
        let (stem, ext) = plain.split_once('.').unwrap_or((plain, ""));
        SOURCES
            .iter()
            .zip(&self.files)
            .find(|(s, _)| s.stem == stem && s.ext == ext)
            .map(|(_, f)| format!("/static/{}", f.name))
            .unwrap_or_default()
    }

    /// The asset with this hashed name.
    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.files.iter().find(|f| f.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_a_stable_content_hash() {
        // SHA-256 of the empty input starts e3b0c44298fc.
        assert_eq!(content_hash(b""), "e3b0c44298fc");
        let a = Assets::shared();
        let url = a.url("app.css");
        assert!(
            url.starts_with("/static/app.") && url.ends_with(".css"),
            "{url}"
        );
        let name = url.trim_start_matches("/static/");
        assert_eq!(
            a.get(name).map(|f| f.content_type),
            Some("text/css; charset=utf-8")
        );
        assert_ne!(a.url("app.js"), a.url("apidocs.js"));
        assert_eq!(a.url("nothing.css"), "");
    }
}
