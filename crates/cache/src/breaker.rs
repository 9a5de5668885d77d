//! A circuit breaker: after a few failures in a row, stop calling Redis for a while, then let
//! one request probe whether it is back. Requests never queue behind a dead server.

use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One probe is in flight (started at `since`).
    HalfOpen {
        since: Instant,
    },
}

/// What a result changed, so that an outage is logged once and its end once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Tripped,
    Recovered,
}

#[derive(Debug)]
pub struct Breaker {
    state: Mutex<State>,
    threshold: u32,
    cooldown: Duration,
    last_error: Mutex<Option<String>>,
}

impl Breaker {
    /// Opens after `threshold` failures in a row; stays open for `cooldown`.
    pub fn new(threshold: u32, cooldown: Duration) -> Self {
        Breaker {
            state: Mutex::new(State::Closed { failures: 0 }),
            threshold: threshold.max(1),
            cooldown,
            last_error: Mutex::new(None),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// May a call go to the server now?
    pub fn allow(&self, now: Instant) -> bool {
        let mut s = self.state();
        match *s {
            State::Closed { .. } => true,
            State::Open { until } if now >= until => {
                *s = State::HalfOpen { since: now };
                true
            }
            State::Open { .. } => false,
            // A probe whose caller went away must not keep the breaker half-open for ever.
            State::HalfOpen { since } if now.duration_since(since) >= self.cooldown => {
                *s = State::HalfOpen { since: now };
                true
            }
            State::HalfOpen { .. } => false,
        }
    }

    pub fn success(&self) -> Option<Transition> {
        let mut s = self.state();
        let was_down = matches!(*s, State::Open { .. } | State::HalfOpen { .. });
        *s = State::Closed { failures: 0 };
        was_down.then_some(Transition::Recovered)
    }

    pub fn failure(&self, now: Instant, error: String) -> Option<Transition> {
        *self.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(error);
        let mut s = self.state();
        match *s {
            State::Closed { failures } if failures + 1 >= self.threshold => {
                *s = State::Open {
                    until: now + self.cooldown,
                };
                Some(Transition::Tripped)
            }
            State::Closed { failures } => {
                *s = State::Closed {
                    failures: failures + 1,
                };
                None
            }
            State::Open { .. } | State::HalfOpen { .. } => {
                *s = State::Open {
                    until: now + self.cooldown,
                };
                None
            }
        }
    }

    /// True while calls are being refused or a probe decides.
    pub fn is_open(&self) -> bool {
        !matches!(*self.state(), State::Closed { .. })
    }

    pub fn last_error(&self) -> Option<String> {
        self.last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_then_probes_once_after_the_cooldown() {
        let b = Breaker::new(3, Duration::from_secs(5));
        let t0 = Instant::now();
        assert!(b.allow(t0));
        assert_eq!(b.failure(t0, "refused".into()), None);
        assert_eq!(b.failure(t0, "refused".into()), None);
        assert!(!b.is_open());
        assert_eq!(b.failure(t0, "refused".into()), Some(Transition::Tripped));
        assert!(b.is_open());
        assert!(!b.allow(t0 + Duration::from_secs(1)));
        // After the cooldown one probe goes through, the others still wait.
        let t1 = t0 + Duration::from_secs(5);
        assert!(b.allow(t1));
        assert!(!b.allow(t1));
        // A failed probe opens it again without a second "tripped" (logged once).
        assert_eq!(b.failure(t1, "refused".into()), None);
        assert!(!b.allow(t1 + Duration::from_secs(1)));
        let t2 = t1 + Duration::from_secs(5);
        assert!(b.allow(t2));
        assert_eq!(b.success(), Some(Transition::Recovered));
        assert!(b.allow(t2));
        assert_eq!(b.success(), None);
        assert_eq!(b.last_error().as_deref(), Some("refused"));
    }

    #[test]
    fn a_success_resets_the_count_of_failures() {
        let b = Breaker::new(2, Duration::from_secs(5));
        let t = Instant::now();
        b.failure(t, "x".into());
        b.success();
        assert_eq!(b.failure(t, "x".into()), None);
        assert_eq!(b.failure(t, "x".into()), Some(Transition::Tripped));
    }

    #[test]
    fn an_abandoned_probe_does_not_block_for_ever() {
        let b = Breaker::new(1, Duration::from_secs(5));
        let t = Instant::now();
        b.failure(t, "x".into());
        let t1 = t + Duration::from_secs(5);
        assert!(b.allow(t1));
        assert!(!b.allow(t1 + Duration::from_secs(4)));
        assert!(b.allow(t1 + Duration::from_secs(5)));
    }
}
