//! Passwords: Argon2id off the async threads, and the rules for names and passwords.

use crate::error::Error;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

pub async fn hash(password: String) -> Result<String, Error> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(Error::internal)?
}

pub async fn verify(password: String, stored: String) -> Result<bool, Error> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = stored.parse::<PasswordHash>() else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(Error::internal)
}

pub fn check_username(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !(3..=40).contains(&name.len()) || !ok_chars {
        return Err("Usernames have 3 to 40 letters, digits, '.', '_' or '-'.".into());
    }
    Ok(())
}

pub fn check_password(pw: &str) -> Result<(), String> {
    if pw.chars().count() < 8 || pw.len() > 200 {
        return Err("Passwords have 8 to 200 characters.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords_follow_the_rules() {
        assert!(check_username("ann_1.b-c").is_ok());
        for bad in ["ab", "a b c", "émile", &"x".repeat(41)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
        assert!(check_password("12345678").is_ok());
        assert!(check_password("1234567").is_err());
        assert!(check_password(&"p".repeat(201)).is_err());
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(verify("correct horse".into(), h.clone()).await.unwrap());
        assert!(!verify("wrong horse".into(), h).await.unwrap());
        assert!(!verify("x".into(), "not a hash".into()).await.unwrap());
    }
}
