//! Personal API tokens.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A token as listed (the token itself is shown only when it is made).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub last_used_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<fp_storage::ApiToken> for ApiToken {
    fn from(t: fp_storage::ApiToken) -> Self {
        ApiToken {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// A name for a new token.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTokenRequest {
    /// 1 to 60 characters, e.g. "nightly script".
    #[schema(min_length = 1, max_length = 60)]
    pub name: String,
}

/// A new token: keep `token`, it is not shown again. Send it as
/// `Authorization: Bearer <token>`.
#[derive(Debug, Serialize, ToSchema)]
pub struct NewToken {
    pub id: i64,
    pub name: String,
    pub token: String,
}
