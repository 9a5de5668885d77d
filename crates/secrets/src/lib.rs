//! Settings that may hold secrets, as they may be shown: in log lines, error messages and
//! health answers. Every URL setting (`DATABASE_URL`, `DATABASE_READ_URL`, `REDIS_URL`, …)
//! goes through [`redact_url`] before it is printed.

/// The URL with its password, and any query parameter that looks like a secret, replaced by
/// `***`. Text that is not a URL is shown only by its scheme, if it has one, since it cannot be
/// told what part of it is secret.
pub fn redact_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw) else {
        return match raw.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://***"),
            None if raw.contains(['@', ':', '=']) => "***".to_string(),
            None => raw.to_string(),
        };
    };
    if url.password().is_some() {
        // Cannot fail for a URL that has a password (it has a host).
        let _ = url.set_password(Some("***"));
    }
    if url.query().is_some() {
        let pairs: Vec<(String, String)> = url
            .query_pairs()
            .map(|(k, v)| {
                let secret = ["password", "pass", "pwd", "secret", "token", "key", "auth"]
                    .iter()
                    .any(|s| k.to_ascii_lowercase().contains(s));
                let v = if secret { "***".into() } else { v.into_owned() };
                (k.into_owned(), v)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact_url;
    use proptest::prelude::*;

    #[test]
    fn passwords_are_hidden_and_the_rest_kept() {
        assert_eq!(
            redact_url("postgres://u:secret@db.example:5432/fp"),
            "postgres://u:***@db.example:5432/fp"
        );
        assert_eq!(
            redact_url("redis://:hunter2@127.0.0.1:6379/0"),
            "redis://:***@127.0.0.1:6379/0"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(
            redact_url("sqlite://x.db?mode=rwc"),
            "sqlite://x.db?mode=rwc"
        );
        assert_eq!(
            redact_url("postgres://h/db?user=u&password=secret&sslmode=require"),
            "postgres://h/db?user=u&password=***&sslmode=require"
        );
    }

    #[test]
    fn what_is_not_a_url_is_not_shown() {
        assert_eq!(redact_url("redis//:pw@host"), "***");
        assert_eq!(redact_url("plain"), "plain");
    }

    proptest! {
        #[test]
        fn a_password_never_survives(pw in "[A-Za-z0-9]{6,20}", user in "[a-z]{1,8}") {
            let shown = redact_url(&format!("postgres://{user}:{pw}@h:5432/db?password={pw}"));
            prop_assert!(!shown.contains(&pw), "{}", shown);
            let shown = redact_url(&format!("redis://:{pw}@h:6379"));
            prop_assert!(!shown.contains(&pw), "{}", shown);
        }
    }
}
