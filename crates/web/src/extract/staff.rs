//! The visitor as a staff member, for the admin pages: a visitor who is not logged in is sent
//! to the login form, any other account is refused (403), both before the handler runs.

use super::visitor::Visitor;
use crate::error::{Error, PageError};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};

/// A staff member: their account id and name, and the visitor they are.
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub visitor: Visitor,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let visitor = Visitor::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(id) = visitor.session.user_id else {
            return Err(Redirect::to("/login").into_response());
        };
        match state.store().is_staff(id).await {
            Ok(true) => Ok(Staff {
                id,
                name: visitor.username().unwrap_or("staff").to_string(),
                visitor,
            }),
            Ok(false) => Err(PageError(Error::Forbidden(
                "the admin page is for staff accounts only".into(),
            ))
            .into_response()),
            Err(e) => Err(PageError(e.into()).into_response()),
        }
    }
}
