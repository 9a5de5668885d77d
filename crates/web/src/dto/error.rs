use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every error of the API: `{"error": "…"}`, whatever the status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong, for a person to read.
    pub error: String,
}
