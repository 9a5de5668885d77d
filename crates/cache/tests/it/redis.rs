//! Against the real Redis (`TEST_REDIS_URL`, default redis://127.0.0.1:6379); every test uses
//! its own key prefix, so tests run in parallel.

use fp_cache::{Cache, Kind, LinkSettings, RedisLink, SharedLimiter, Ttls};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_string())
}

fn prefix(test: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("fp_test:{}:{nanos}:{test}", std::process::id())
}

fn link(url: &str) -> Arc<RedisLink> {
    Arc::new(RedisLink::new(url, LinkSettings::default()).unwrap())
}

/// A port on which nothing listens.
fn dead_url() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("redis://127.0.0.1:{port}")
}

#[tokio::test]
async fn two_instances_share_one_budget() {
    let p = prefix("budget");
    let (a, b) = (
        SharedLimiter::new(link(&redis_url()), &p),
        SharedLimiter::new(link(&redis_url()), &p),
    );
    let hour = Duration::from_secs(3600);
    let mut allowed = 0;
    for i in 0..6 {
        let limiter = if i % 2 == 0 { &a } else { &b };
        let d = limiter.check("ip:10.0.0.1", 5, hour, 1).await.unwrap();
        if d.allowed {
            allowed += 1;
        } else {
            assert_eq!(i, 5, "only the sixth is refused");
            // The next cell frees after a twelfth of an hour (GCRA spreads the budget).
            assert!(d.retry_after > Duration::from_secs(600), "{d:?}");
            assert!(d.retry_after <= Duration::from_secs(720), "{d:?}");
        }
    }
    assert_eq!(allowed, 5);
    // Another client has its own budget; a request for more than the whole budget is refused.
    assert!(a.check("ip:10.0.0.2", 5, hour, 1).await.unwrap().allowed);
    assert!(!a.check("ip:10.0.0.3", 5, hour, 6).await.unwrap().allowed);
}

#[tokio::test]
async fn remaining_counts_down_and_a_short_window_refills() {
    let p = prefix("refill");
    let l = SharedLimiter::new(link(&redis_url()), &p);
    let window = Duration::from_millis(300);
    let first = l.check("k", 3, window, 1).await.unwrap();
    assert!(first.allowed);
    assert_eq!(first.remaining, 2);
    assert_eq!(l.check("k", 3, window, 2).await.unwrap().remaining, 0);
    assert!(!l.check("k", 3, window, 1).await.unwrap().allowed);
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(l.check("k", 3, window, 1).await.unwrap().allowed);
}

#[tokio::test]
async fn values_are_shared_through_redis_and_a_new_generation_hides_them() {
    let p = prefix("share");
    let a = Cache::new(Some(link(&redis_url())), &p, Ttls::default(), 100);
    let b = Cache::new(Some(link(&redis_url())), &p, Ttls::default(), 100);
    let loads = AtomicUsize::new(0);
    let load = || {
        loads.fetch_add(1, Ordering::SeqCst);
        vec![1.5_f64, 2.5]
    };
    assert_eq!(*a.get_or_load(Kind::Team, "7", load).await, vec![1.5, 2.5]);
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    // a's memory answers now; b finds the value a stored in Redis (stored in the background).
    a.get_or_load(Kind::Team, "7", load).await;
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    let mut tries = 0;
    loop {
        let c = Cache::new(Some(link(&redis_url())), &p, Ttls::default(), 100);
        c.sync_generation().await;
        let before = loads.load(Ordering::SeqCst);
        c.get_or_load(Kind::Team, "7", load).await;
        if loads.load(Ordering::SeqCst) == before {
            break;
        }
        tries += 1;
        assert!(tries < 50, "the value never reached Redis");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // An import on instance a: b sees the new generation and loads afresh.
    b.get_or_load(Kind::Team, "7", load).await;
    let (g, shared) = a.bump().await;
    assert!(shared);
    assert!(b.sync_generation().await);
    assert_eq!(b.generation(), g);
    assert!(!b.sync_generation().await, "no change the second time");
    let before = loads.load(Ordering::SeqCst);
    b.get_or_load(Kind::Team, "7", load).await;
    assert_eq!(loads.load(Ordering::SeqCst), before + 1);
}

#[tokio::test]
async fn concurrent_misses_load_once() {
    let p = prefix("flight");
    let cache = Arc::new(Cache::new(
        Some(link(&redis_url())),
        &p,
        Ttls::default(),
        100,
    ));
    let loads = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..16 {
        let (cache, loads) = (cache.clone(), loads.clone());
        tasks.push(tokio::spawn(async move {
            *cache
                .get_or_load(Kind::HeadToHead, "1:2", || {
                    loads.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(50));
                    42_u32
                })
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 42);
    }
    assert_eq!(loads.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn without_redis_values_are_loaded_and_the_breaker_opens() {
    let dead = link(&dead_url());
    let cache = Cache::new(Some(dead.clone()), "fp_test_dead", Ttls::default(), 100);
    let loads = AtomicUsize::new(0);
    for key in ["a", "b", "c", "d", "e"] {
        let v = cache
            .get_or_load(Kind::Forecast, key, || {
                loads.fetch_add(1, Ordering::SeqCst);
                key.to_string()
            })
            .await;
        assert_eq!(*v, key);
    }
    assert_eq!(loads.load(Ordering::SeqCst), 5);
    assert!(!dead.seems_up(), "three failures in a row open the breaker");
    assert!(dead.ping().await.is_err());
    let limiter = SharedLimiter::new(dead, "fp_test_dead");
    assert_eq!(
        limiter.check("k", 5, Duration::from_secs(60), 1).await,
        None,
        "no verdict: the caller falls back to its own limiter"
    );
    // A generation bump still moves this process on.
    let (g, shared) = cache.bump().await;
    assert_eq!((g, shared), (1, false));
}
