//! Group commit for predictions: requests hand their rows to one writer task, which saves
//! whatever has queued up in a single transaction and answers each request once its row is
//! committed. A saved prediction is therefore in the visitor's history when the response
//! leaves, while the database sees few, larger transactions under load.

use fp_storage::{NewPrediction, StorageError, Store};
use tokio::sync::{mpsc, oneshot};

/// One INSERT statement's worth: on SQLite that is one statement, no explicit transaction.
const MAX_BATCH: usize = fp_storage::INSERT_CHUNK;

type Reply = oneshot::Sender<Result<i64, String>>;

#[derive(Clone)]
pub struct PredictionWriter {
    tx: mpsc::Sender<(NewPrediction, Reply)>,
}

impl PredictionWriter {
    pub fn start(store: Store) -> Self {
        let (tx, mut rx) = mpsc::channel::<(NewPrediction, Reply)>(8192);
        tokio::spawn(async move {
            // Rows and their waiting requests, kept side by side so rows are not copied.
            let mut rows: Vec<NewPrediction> = Vec::with_capacity(MAX_BATCH);
            let mut replies: Vec<Reply> = Vec::with_capacity(MAX_BATCH);
            while let Some((row, reply)) = rx.recv().await {
                rows.push(row);
                replies.push(reply);
                while rows.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok((row, reply)) => {
                            rows.push(row);
                            replies.push(reply);
                        }
                        Err(_) => break,
                    }
                }
                match store.insert_predictions(&rows).await {
                    Ok(ids) => {
                        metrics::counter!("predictions_saved_total").increment(ids.len() as u64);
                        metrics::histogram!("prediction_write_batch_size").record(ids.len() as f64);
                        for (reply, id) in replies.drain(..).zip(ids) {
                            let _ = reply.send(Ok(id));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, rows = rows.len(), "saving predictions failed");
                        for reply in replies.drain(..) {
                            let _ = reply.send(Err(e.to_string()));
                        }
                    }
                }
                rows.clear();
            }
        });
        PredictionWriter { tx }
    }

    /// Saves one prediction; returns its id once committed.
    pub async fn save(&self, row: NewPrediction) -> Result<i64, StorageError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send((row, reply))
            .await
            .map_err(|_| StorageError::Invalid("the prediction writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StorageError::Invalid("the prediction writer has stopped".into()))?
            .map_err(StorageError::Invalid)
    }
}
