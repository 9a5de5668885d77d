//! Extractors: who the visitor is ([`Visitor`], resolved once per request by
//! `middleware::identity`; [`Staff`] for the admin pages), and request parts whose refusals are typed errors — JSON for the
//! API ([`ApiJson`], [`ApiQuery`], [`ApiPath`]), the error page for pages ([`PageQuery`],
//! [`PageForm`], [`PagePath`]).

mod json;
mod rejections;
mod staff;
mod visitor;

pub use json::ApiJson;
pub use rejections::{ApiPath, ApiQuery, PageForm, PagePath, PageQuery};
pub use staff::Staff;
pub use visitor::Visitor;
