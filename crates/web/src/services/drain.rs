//! Draining before shutdown: once started, `/readyz` answers 503 (a load balancer stops
//! sending new work), every response carries `Connection: close` (a balancer's pooled
//! connections are closed by the server after their last answer, never while a request may
//! be on its way), and new connections are still served for the grace period; then the
//! listener closes and the requests in flight finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Whether this instance is draining; shared by the server loop and the health routes.
#[derive(Clone, Default, Debug)]
pub struct Drain(Arc<AtomicBool>);

impl Drain {
    pub fn start(&self) {
        self.0.store(true, Ordering::Release);
    }

    pub fn started(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::Drain;

    #[test]
    fn a_started_drain_is_seen_by_every_clone() {
        let drain = Drain::default();
        let seen = drain.clone();
        assert!(!seen.started());
        drain.start();
        assert!(seen.started());
    }
}
