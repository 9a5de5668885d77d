//! Request parts whose refusals are typed errors, in the route's format. Every text input is
//! also checked for control characters (NUL, the C0 and C1 controls, DEL), which no field of
//! this service may hold: refused 422 in a body, 400 in a query or path, before anything
//! reaches the database. A body that stops arriving is a 408.

use crate::error::{ApiError, Error, PageError};
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

pub(super) const CONTROL_CHARACTERS: &str = "text fields may not contain control characters";

pub(super) fn is_control(c: char) -> bool {
    c.is_control()
}

/// Whether url-encoded text (`a=b&c=d`, `+` for space) decodes to a control character.
fn form_has_control(raw: &[u8]) -> bool {
    form_urlencoded::parse(raw).any(|(k, v)| k.chars().any(is_control) || v.chars().any(is_control))
}

/// Whether a percent-encoded path decodes to a control character.
fn path_has_control(path: &str) -> bool {
    String::from_utf8_lossy(&percent_decode(path.as_bytes()))
        .chars()
        .any(is_control)
}

fn percent_decode(raw: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%'
            && let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex),
                raw.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

/// The request's body, whole (the body limit and the body timeout are layers around it).
pub(super) async fn buffered(req: Request) -> Result<(Parts, Bytes), Error> {
    let (parts, body) = req.into_parts();
    match whole(body).await {
        Ok(bytes) => Ok((parts, bytes)),
        Err(e) => {
            let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&e);
            while let Some(c) = cause {
                if c.is::<crate::error::BodyTimedOut>() {
                    return Err(Error::of_status(axum::http::StatusCode::REQUEST_TIMEOUT));
                }
                if c.is::<http_body_util::LengthLimitError>() {
                    return Err(Error::of_status(axum::http::StatusCode::PAYLOAD_TOO_LARGE));
                }
                cause = c.source();
            }
            Err(Error::BadRequest(format!(
                "cannot read the request body: {e}"
            )))
        }
    }
}

/// The body's data frames joined. The usual request body comes in one frame (hyper hands over
/// what its read buffer holds), which is kept as it came: no list of frames to collect and no
/// copy.
async fn whole(mut body: Body) -> Result<Bytes, axum::Error> {
    use http_body_util::BodyExt;
    let mut first = Bytes::new();
    let mut joined: Option<Vec<u8>> = None;
    while let Some(frame) = body.frame().await {
        // Trailers carry nothing a handler reads.
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        match &mut joined {
            Some(all) => all.extend_from_slice(&data),
            None if first.is_empty() => first = data,
            None => joined = Some([&first[..], &data[..]].concat()),
        }
    }
    Ok(joined.map_or(first, Bytes::from))
}

/// Refuses control characters in the query and path of a request.
fn check_parts(parts: &Parts) -> Result<(), Error> {
    let query = parts.uri.query().unwrap_or("");
    if form_has_control(query.as_bytes()) || path_has_control(parts.uri.path()) {
        return Err(Error::BadRequest(CONTROL_CHARACTERS.into()));
    }
    Ok(())
}

/// Defines a wrapper around an axum extractor whose rejection becomes `$error`.
macro_rules! wrapped {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $error:ident, parts) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for $name<T> {
            type Rejection = $error;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                check_parts(parts).map_err($error)?;
                match <$inner>::from_request_parts(parts, state).await {
                    Ok(v) => Ok($name(v.0)),
                    Err(e) => Err($error(Error::rejected(e.status(), e.body_text()))),
                }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $inner:ty, $error:ident, body, $has_control:ident) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for $name<T> {
            type Rejection = $error;

            async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
                let (parts, bytes) = buffered(req).await.map_err($error)?;
                if $has_control(&bytes) {
                    return Err($error(Error::Unprocessable(CONTROL_CHARACTERS.into())));
                }
                let req = Request::from_parts(parts, Body::from(bytes));
                match <$inner>::from_request(req, state).await {
                    Ok(v) => Ok($name(v.0)),
                    Err(e) => Err($error(Error::rejected(e.status(), e.body_text()))),
                }
            }
        }
    };
}

wrapped!(
    /// Query parameters; refused as JSON (400).
    ApiQuery, axum::extract::Query<T>, ApiError, parts
);
wrapped!(
    /// Path parameters; refused as JSON (400).
    ApiPath, axum::extract::Path<T>, ApiError, parts
);
wrapped!(
    /// Query parameters; refused with the error page (400).
    PageQuery, axum::extract::Query<T>, PageError, parts
);
wrapped!(
    /// Path parameters; refused with the error page (400).
    PagePath, axum::extract::Path<T>, PageError, parts
);
wrapped!(
    /// A form body (repeated names become lists); refused with the error page.
    PageForm, axum_extra::extract::Form<T>, PageError, body, form_has_control
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn control_characters_are_found_in_every_encoding() {
        assert!(form_has_control(b"username=a%00b&password=x"));
        assert!(form_has_control(b"a=%7F"));
        assert!(!form_has_control(b"username=J%C3%BCrgen+K&b=%25"));
        assert!(path_has_control("/api/teams/E0/A%00B"));
        assert!(!path_has_control("/api/teams/E0/Man%20City"));
    }

    /// A body of these frames: a data frame per chunk, then trailers.
    fn framed(chunks: &[&'static [u8]]) -> Body {
        use http_body::Frame;
        let (mut tx, body) =
            http_body_util::channel::Channel::<Bytes, std::convert::Infallible>::new(8);
        for c in chunks {
            assert!(tx.try_send(Frame::data(Bytes::from_static(c))).is_ok());
        }
        assert!(
            tx.try_send(Frame::trailers(axum::http::HeaderMap::new()))
                .is_ok()
        );
        Body::new(body)
    }

    #[tokio::test]
    async fn a_body_is_its_frames_joined_in_order() {
        let cases: [&[&'static [u8]]; 3] = [&[], &[b"{}"], &[b"{\"a\"", b"", b":1", b"}"]];
        for chunks in cases {
            let whole = whole(framed(chunks)).await.unwrap();
            assert_eq!(whole, chunks.concat());
        }
    }

    proptest! {
        #[test]
        fn form_scanning_agrees_with_the_decoded_text(s in any::<String>()) {
            let body = form_urlencoded::Serializer::new(String::new()).append_pair("v", &s).finish();
            prop_assert_eq!(form_has_control(body.as_bytes()), s.chars().any(char::is_control));
        }
    }
}
