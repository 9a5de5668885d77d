//! Server-rendered pages, one module per page. They work without JavaScript; `app.js` only
//! adds conveniences. Every error is a [`PageError`](crate::error::PageError): the styled
//! error page.

pub mod about;
pub mod account;
pub mod admin;
pub mod auth;
pub mod email;
pub mod export;
pub mod h2h;
pub mod history;
pub mod home;
pub mod league;
pub mod predict;
pub mod reports;
pub mod reset;
pub mod result;
pub mod team;
pub mod track_record;

mod shared;
