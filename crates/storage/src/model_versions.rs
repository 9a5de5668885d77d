use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, NaiveDate, Utc};

/// A fitted model stored for the server to load. `params` is the model's own JSON.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct ModelVersion {
    pub id: i64,
    pub league_id: i64,
    pub kind: String,
    pub params: String,
    pub fitted_at: DateTime<Utc>,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub n_matches: i64,
    pub backtest_rps: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct NewModelVersion {
    pub league_id: i64,
    pub kind: String,
    pub params: String,
    pub data_from: NaiveDate,
    pub data_to: NaiveDate,
    pub n_matches: i64,
    pub backtest_rps: Option<f64>,
}

impl Store {
    pub async fn insert_model_version(&self, v: &NewModelVersion) -> Result<i64> {
        let sql = "INSERT INTO model_versions \
                   (league_id, kind, params, fitted_at, data_from, data_to, n_matches, backtest_rps) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
        // A new model changes what servers show: the data version moves with it.
        Ok(on_pool!(&self.write, |p| {
            let mut tx = p.begin().await?;
            let id = sqlx::query_scalar(sql)
                .bind(v.league_id)
                .bind(&v.kind)
                .bind(&v.params)
                .bind(Utc::now())
                .bind(v.data_from)
                .bind(v.data_to)
                .bind(v.n_matches)
                .bind(v.backtest_rps)
                .fetch_one(&mut *tx)
                .await?;
            sqlx::query(crate::data_state::BUMP)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            id
        }))
    }

    /// The newest model version of every league.
    pub async fn current_model_versions(&self) -> Result<Vec<ModelVersion>> {
        let sql = "SELECT v.id, v.league_id, v.kind, v.params, v.fitted_at, v.data_from, v.data_to, \
                          v.n_matches, v.backtest_rps \
                   FROM model_versions v \
                   WHERE v.id = (SELECT MAX(id) FROM model_versions w WHERE w.league_id = v.league_id) \
                   ORDER BY v.league_id";
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql)
            .fetch_all(p)
            .await?))
    }
}
