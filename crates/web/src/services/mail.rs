//! The mails the site sends, and the single-use tokens in their links. A token is 256 random
//! bits; only its SHA-256 digest is stored, with its purpose, account and expiry, so a link
//! can neither be guessed nor forged nor read back from the database, and it works once.
//! Every mail goes into the outbox in the same transaction as its token (`fp_storage`); the
//! outbox job sends it.

use crate::error::Error;
use crate::services::tokens::digest;
use fp_mail::compose::link_mail as mail;
use fp_storage::{NewEmailToken, NewMail, TokenPurpose};

/// How long a confirmation link works.
pub const CONFIRM_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// A new token: what goes in the link, and its digest for the database.
pub struct LinkToken {
    pub token: String,
    pub digest: String,
}

pub fn link_token() -> Result<LinkToken, Error> {
    let token = crate::services::tokens::random_hex::<32>()?;
    Ok(LinkToken {
        digest: digest(&token),
        token,
    })
}

/// Whether a link's token can be one of ours (checked before any lookup).
pub fn well_formed(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A normalised address, or why it is not one: one `@`, a dot in the domain, no spaces or
/// control characters, at most 254 characters. Stored in lower case.
pub fn check_address(address: &str) -> Result<String, Error> {
    let a = address.trim().to_ascii_lowercase();
    let bad = || Error::Unprocessable(format!("\"{}\" is not an email address", address.trim()));
    let (local, domain) = a.split_once('@').ok_or_else(bad)?;
    let plain = |s: &str| !s.is_empty() && !s.contains(['@', ' ', '<', '>', ',', ';', '"', '\\']);
    if a.len() > 254
        || !plain(local)
        || !plain(domain)
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || a.chars().any(char::is_control)
    {
        return Err(bad());
    }
    Ok(a)
}

/// The token and mail that confirm `email` for the account `username`.
pub fn confirmation(
    public_url: &str,
    user_id: i64,
    username: &str,
    email: &str,
) -> Result<(NewEmailToken, NewMail, String), Error> {
    let t = link_token()?;
    let link = format!("{public_url}/account/email/confirm?token={}", t.token);
    let lines = [
        format!("Hello {username},"),
        format!(
            "please confirm that this is your address for Football Predictor by opening the link below within {CONFIRM_HOURS} hours. If you did not ask for it, ignore this mail."
        ),
    ];
    let token = NewEmailToken {
        token_hash: t.digest,
        user_id,
        purpose: TokenPurpose::ConfirmEmail,
        email: email.to_string(),
        expires_at: chrono::Utc::now() + chrono::Duration::hours(CONFIRM_HOURS),
    };
    Ok((
        token,
        mail(
            "confirm",
            email,
            "Confirm your email address",
            &lines,
            &link,
        ),
        t.token,
    ))
}

/// The token and mail of a password reset.
pub fn reset(
    public_url: &str,
    user_id: i64,
    username: &str,
    email: &str,
) -> Result<(NewEmailToken, NewMail), Error> {
    let t = link_token()?;
    let link = format!("{public_url}/password-reset/{}", t.token);
    let lines = [
        format!("Hello {username},"),
        format!(
            "someone asked to reset the password of your Football Predictor account. Open the link below within {RESET_MINUTES} minutes to choose a new one; it works once. If it was not you, ignore this mail: your password stays as it is."
        ),
    ];
    let token = NewEmailToken {
        token_hash: t.digest,
        user_id,
        purpose: TokenPurpose::ResetPassword,
        email: email.to_string(),
        expires_at: chrono::Utc::now() + chrono::Duration::minutes(RESET_MINUTES),
    };
    Ok((
        token,
        mail("reset", email, "Reset your password", &lines, &link),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_and_lower_cased() {
        assert_eq!(
            check_address(" Ann@Example.ORG ").ok().as_deref(),
            Some("ann@example.org")
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.org",
            "ann@example",
            "a b@example.org",
            "a@b@c.org",
            "ann@.org",
            "a<b>@x.org",
            "ann@exa\u{7}mple.org",
        ] {
            assert!(check_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn links_carry_the_token_and_the_database_only_its_digest() -> Result<(), Error> {
        let (token, mail, raw) = confirmation("http://fp.example", 7, "ann", "ann@example.org")?;
        assert!(well_formed(&raw));
        assert_eq!(token.token_hash, digest(&raw));
        assert!(!mail.text_body.contains(&token.token_hash));
        assert!(mail.text_body.contains(&format!(
            "http://fp.example/account/email/confirm?token={raw}"
        )));
        assert!(
            mail.html_body
                .contains("<a href=\"http://fp.example/account/email/confirm?token=")
        );
        let (t2, m2) = reset("http://fp.example", 7, "<ann>", "ann@example.org")?;
        assert_ne!(t2.token_hash, token.token_hash);
        assert!(m2.html_body.contains("&lt;ann&gt;"), "escaped in HTML");
        Ok(())
    }
}
