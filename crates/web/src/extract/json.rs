//! [`ApiJson`]: a JSON body whose refusals are JSON, with no control character in any string.

use super::rejections::{CONTROL_CHARACTERS, buffered, is_control};
use crate::error::{ApiError, Error};
use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Whether a byte could start a control character or an escape: C0 and DEL are single bytes,
/// the C1 controls are 0xC2 0x80..0x9F in UTF-8, escapes start with a backslash.
/// (`|`, not `||`: no branch, so that a block of them compiles to vector compares.)
fn suspect(b: u8) -> bool {
    (b < 0x20) | (b == 0x7F) | (b == b'\\') | (b == 0xC2)
}

/// Whether a JSON text has a control character inside a string: raw (which JSON forbids
/// anyway) or escaped (`\u0000`, `\n`, …).
fn json_has_control(raw: &[u8]) -> bool {
    // Most bodies hold no byte that could start one: answered without decoding, 16 bytes at
    // a time without a branch per byte (the compiler checks each block in vector registers).
    let (blocks, rest) = raw.as_chunks::<16>();
    if !blocks
        .iter()
        .any(|block| block.iter().fold(false, |seen, &b| seen | suspect(b)))
        && !rest.iter().copied().any(suspect)
    {
        return false;
    }
    let text = String::from_utf8_lossy(raw);
    let mut chars = text.chars();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if !in_string {
            in_string = c == '"';
            continue;
        }
        match c {
            '"' => in_string = false,
            '\\' => match chars.next() {
                Some('b' | 'f' | 'n' | 'r' | 't') => return true,
                Some('u') => {
                    let code: String = chars.by_ref().take(4).collect();
                    if u32::from_str_radix(&code, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .is_some_and(is_control)
                    {
                        return true;
                    }
                }
                _ => {}
            },
            c if is_control(c) => return true,
            _ => {}
        }
    }
    false
}

/// A JSON body; refused as JSON (400 malformed, 408 too slow, 413 too big, 415 not JSON,
/// 422 wrong shape or control characters).
pub struct ApiJson<T>(pub T);

/// Whether the request says `Content-Type: application/json`, exactly (any case).
fn plain_json(parts: &Parts) -> bool {
    parts
        .headers
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"application/json"))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, bytes) = buffered(req).await.map_err(ApiError)?;
        if json_has_control(&bytes) {
            return Err(ApiError(Error::Unprocessable(CONTROL_CHARACTERS.into())));
        }
        // The usual request, read straight from the bytes: axum's extractor would collect
        // the body again, parse the content type as a MIME type and track the path of every
        // field. Anything else (another content type, a body that does not parse) goes
        // through axum's extractor, so its answers and messages are axum's.
        if plain_json(&parts)
            && let Ok(value) = serde_json::from_slice(&bytes)
        {
            return Ok(ApiJson(value));
        }
        let req = Request::from_parts(parts, Body::from(bytes));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(v) => Ok(ApiJson(v.0)),
            Err(e) => Err(ApiError(Error::rejected(e.status(), e.body_text()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_found_in_every_json_encoding() {
        assert!(json_has_control(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_control(br#"{"a":"x\u001F"}"#));
        assert!(json_has_control(br#"{"a":"x\n"}"#));
        assert!(json_has_control(b"{\"a\":\"x\x01\"}"));
        assert!(json_has_control("{\"a\":\"x\u{85}\"}".as_bytes()));
        assert!(json_has_control(b"{\"a\":\"x\x7F\"}"));
        assert!(!json_has_control("{\"a\":\"\u{a0}\u{e9}\"}".as_bytes()));
        assert!(!json_has_control(br#"{"a":"x\\u0000", "b": "\u00e9\"q"}"#));
        assert!(!json_has_control(b"{\n\t\"a\": 1\r\n}"));
    }

    proptest! {
        /// Whatever string a client sends, escaped by a JSON encoder, a control character in
        /// it is found, and one without is never refused.
        #[test]
        fn json_scanning_agrees_with_the_decoded_text(s in any::<String>()) {
            let body = serde_json::json!({ "name": s }).to_string();
            prop_assert_eq!(json_has_control(body.as_bytes()), s.chars().any(char::is_control));
        }

        /// ApiJson accepts and refuses exactly what axum's Json extractor does, with the same
        /// status and message.
        #[test]
        fn api_json_answers_as_axum_json_does(
            body in prop_oneof![
                r#"\{"league":"[A-Z0-9]{0,3}","home_team":"[a-z ]{0,6}","away_team":"[a-z]{0,6}"\}[ x]?"#,
                r#"\{"league":[0-9],"home_team":"a"\}"#,
                "[ -~]{0,40}",
            ],
            content_type in prop_oneof![
                Just(Some("application/json")),
                Just(Some("APPLICATION/JSON")),
                Just(Some("application/json; charset=utf-8")),
                Just(Some("application/vnd.api+json")),
                Just(Some("text/plain")),
                Just(None),
            ],
        ) {
            #[derive(serde::Deserialize, Debug, PartialEq)]
            struct Req { league: String, home_team: String, away_team: String }
            // Refused before either extractor is asked.
            prop_assume!(!json_has_control(body.as_bytes()));
            let request = || {
                let mut b = axum::http::Request::builder().method("POST").uri("/api/predict");
                if let Some(ct) = content_type {
                    b = b.header("content-type", ct);
                }
                b.body(Body::from(body.clone())).unwrap()
            };
            let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
            let ours = rt.block_on(ApiJson::<Req>::from_request(request(), &()));
            let axums = rt.block_on(axum::Json::<Req>::from_request(request(), &()));
            match (ours, axums) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a.0, b.0),
                (Err(a), Err(b)) => {
                    let a = a.0;
                    let b = Error::rejected(b.status(), b.body_text());
                    prop_assert_eq!(a.status(), b.status());
                    prop_assert_eq!(a.to_string(), b.to_string());
                }
                (a, b) => prop_assert!(false, "ApiJson ok {}, axum ok {}", a.is_ok(), b.is_ok()),
            }
        }
    }
}
