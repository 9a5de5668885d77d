//! A counter in Redis that instances move to tell each other "look now" (e.g. a session was
//! ended), and poll cheaply: one GET.

use crate::link::RedisLink;
use std::sync::Arc;

pub struct Signal {
    link: Arc<RedisLink>,
    key: String,
}

impl Signal {
    pub fn new(link: Arc<RedisLink>, prefix: &str, name: &str) -> Signal {
        Signal {
            link,
            key: format!("{prefix}:signal:{name}"),
        }
    }

    /// Moves the counter; its new value, `None` when Redis cannot answer.
    pub async fn raise(&self) -> Option<i64> {
        let key = self.key.clone();
        self.link
            .call("signal_raise", |mut c| async move {
                redis::cmd("INCR").arg(&key).query_async(&mut c).await
            })
            .await
    }

    /// The counter's value (0 before it was first raised), `None` when Redis cannot answer.
    pub async fn read(&self) -> Option<i64> {
        let key = self.key.clone();
        self.link
            .call("signal_read", |mut c| async move {
                redis::cmd("GET")
                    .arg(&key)
                    .query_async::<Option<i64>>(&mut c)
                    .await
            })
            .await
            .map(|v| v.unwrap_or(0))
    }
}
