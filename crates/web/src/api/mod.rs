//! The JSON API, one module per resource. Every answer is a typed DTO (`crate::dto`), every
//! error an [`ApiError`](crate::error::ApiError): `{"error": "…"}`.

pub mod fixtures;
pub mod h2h;
pub mod history;
pub mod leagues;
pub mod predict;
pub mod predictions;
pub mod teams;
pub mod tokens;
pub mod track_record;
