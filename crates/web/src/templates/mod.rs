//! Page templates (askama: compiled, type-checked, HTML-escaped by default), one module per
//! page, with named rows; the charts are templates too (`charts`).

mod about;
mod admin;
mod auth;
pub mod charts;
mod email;
mod error;
mod h2h;
mod history;
mod home;
mod layout;
mod league;
mod predict;
mod result;
mod team;
mod track_record;

pub use about::{AboutPage, AboutRow};
pub use admin::{
    ActionLine, AdminPage, DatabaseFigures, JobLine, MailLine, ReportLeague, ReportPage, RunLine,
    ServiceLines, TableCount,
};
pub use auth::{AccountPage, AuthKind, AuthPage, TokenLine};
pub use email::{EmailView, ResetPage};
pub use error::ErrorPage;
pub use h2h::H2hPage;
pub use history::{Confirm, HistoryItem, HistoryView, OutcomeOption};
pub use home::{HomePage, LeagueRow, RecentItem};
pub use layout::{Nav, render};
pub use league::{
    FixtureDay, FixtureLine, LeaguePage, RatingLine, SeasonChart, SeasonLine, SeasonView, TableLine,
};
pub use predict::{FormRow, LeagueOption, PastTeam, PredictPage};
pub use result::{FormLine, FormTable, MarketRow, Meeting, ResultPage, ResultView, ScoreRow};
pub use team::{RecordRow, TeamPage};
pub use track_record::{RecordView, TrackRecordPage};
