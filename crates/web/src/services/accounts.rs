//! The rules for user names and passwords. A password must be long enough, and not easy to
//! guess: not a common password, a keyboard pattern or a variation of the user name (zxcvbn,
//! Dropbox's estimator with its lists of common passwords, words and names).

/// Characters of a password the strength estimate looks at (it is quadratic in the length;
/// a password whose first 64 characters are strong is strong).
const ESTIMATED_PREFIX: usize = 64;

pub fn check_username(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !(3..=40).contains(&name.len()) || !ok_chars {
        return Err("Usernames have 3 to 40 letters, digits, '.', '_' or '-'.".into());
    }
    Ok(())
}

/// Checks a new password of the user `username`.
pub fn check_password(pw: &str, username: &str) -> Result<(), String> {
    if pw.chars().count() < 8 || pw.len() > 200 {
        return Err("Passwords have 8 to 200 characters.".into());
    }
    let head: String = pw.chars().take(ESTIMATED_PREFIX).collect();
    let estimate = zxcvbn::zxcvbn(&head, &[username, "football", "predictor"]);
    if u8::from(estimate.score()) < 2 {
        let why = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(format!(
            "That password is too easy to guess{why}: use a longer one, e.g. a few unrelated words."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_rules() {
        assert!(check_username("ann_1.b-c").is_ok());
        for bad in ["ab", "a b c", "émile", &"x".repeat(41)] {
            assert!(check_username(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords_must_be_long_and_hard_to_guess() {
        assert!(check_password("vivid-otter-marble-42", "ann").is_ok());
        assert!(
            check_password(&format!("{}{}", "plum-Kettle-93-", "x".repeat(150)), "ann").is_ok()
        );
        assert!(
            check_password(&"pq7-".repeat(50), "ann").is_err(),
            "a repeated pattern"
        );
        for (bad, user) in [
            ("1234567", "ann"),
            ("password", "ann"),
            ("password1", "ann"),
            ("qwertyuiop", "ann"),
            ("12345678", "ann"),
            ("iloveyou", "ann"),
            ("annabelle2024", "annabelle"),
        ] {
            assert!(check_password(bad, user).is_err(), "{bad}");
        }
        assert!(check_password(&"p".repeat(201), "ann").is_err());
    }
}
