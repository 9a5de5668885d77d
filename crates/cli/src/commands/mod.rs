pub mod backtest;
pub mod import;
pub mod migrate;
pub mod serve;
pub mod sync;
