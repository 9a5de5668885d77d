pub mod backtest;
pub mod cleanup;
pub mod generate_load;
pub mod import;
pub mod migrate;
pub mod refit;
pub mod serve;
pub mod sync;
