//! Long polling and session lifetime over real TLS (reference/mobile-id.md §1.4): a status
//! request is held for `timeoutMs` (clamped to at least 1 s) and then answered RUNNING, is
//! answered as soon as the person acts, an overlapping poll releases the earlier one, and a
//! session is forgotten (404) after the configured inactivity period but not while polled.

mod common;

use std::thread;
use std::time::Duration;

use common::*;
use knik_mobile_id::{SessionKind, SessionResult, SessionState};
use knik_mobile_id_sim::{Scenario, SimConfig};

const SIGN: SessionKind = SessionKind::Signature;

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

#[test]
fn a_silent_session_answers_running_after_timeout_ms() {
    let sim = start();
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::NeverAnswers.phone_number(), &[1; 32]),
    );
    let (status, took) = timed(|| client.poll(SIGN, &id, "1500"));
    assert_eq!(status.state, SessionState::Running);
    assert!(
        (1_450..3_000).contains(&ms(took)),
        "held {took:?} for 1500 ms"
    );
    // Below the minimum: raised to 1 s, not answered at once.
    let (status, took) = timed(|| client.poll(SIGN, &id, "1"));
    assert_eq!(status.state, SessionState::Running);
    assert!((950..2_500).contains(&ms(took)), "held {took:?} for 1 ms");
}

#[test]
fn a_held_poll_is_answered_as_soon_as_the_slow_user_confirms() {
    let sim = start_with(SimConfig {
        slow_user_delay: Duration::from_millis(1_500),
        ..SimConfig::default()
    });
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::SlowUser.phone_number(), &[2; 32]),
    );
    // Asks for 20 s; gets the answer when the person confirms, 1.5 s after the start.
    let (status, took) = timed(|| client.poll(SIGN, &id, "20000"));
    assert_eq!(status.result, Some(SessionResult::Ok));
    assert!((1_300..4_000).contains(&ms(took)), "{took:?}");
}

#[test]
fn the_slow_user_takes_several_one_second_polls_at_the_default_delay() {
    let sim = start();
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::SlowUser.phone_number(), &[3; 32]),
    );
    let ((running, status), took) = timed(|| client.poll_to_end(SIGN, &id, 10));
    assert!(running >= 2, "{running} RUNNING answers before OK");
    assert_eq!(status.result, Some(SessionResult::Ok));
    assert!((2_500..5_000).contains(&ms(took)), "OK after {took:?}");
}

#[test]
fn huge_timeouts_are_capped_not_refused() {
    let sim = start();
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::UserCancelled.phone_number(), &[4; 32]),
    );
    let (status, took) = timed(|| client.poll(SIGN, &id, "99999999999999999999"));
    assert_eq!(status.result, Some(SessionResult::UserCancelled));
    assert!(ms(took) < 1_000, "{took:?}");
}

#[test]
fn an_overlapping_poll_releases_the_earlier_one_with_running() {
    let sim = start();
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::NeverAnswers.phone_number(), &[5; 32]),
    );
    let (earlier, took) = thread::scope(|scope| {
        let earlier = scope.spawn(|| timed(|| client.poll(SIGN, &id, "30000")));
        thread::sleep(Duration::from_millis(400));
        let later = client.poll(SIGN, &id, "1000");
        assert_eq!(later.state, SessionState::Running);
        earlier.join().expect("the earlier poll returns")
    });
    assert_eq!(earlier.state, SessionState::Running);
    assert!(ms(took) < 3_000, "the earlier poll was held {took:?}");
}

#[test]
fn sessions_expire_after_inactivity_but_not_while_polled() {
    let sim = start_with(SimConfig {
        session_expiry: Duration::from_millis(1_200),
        ..SimConfig::default()
    });
    let client = Client::new(&sim);
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::NeverAnswers.phone_number(), &[6; 32]),
    );
    // Two 1 s polls back to back outlive the expiry period: polling is activity.
    for _ in 0..2 {
        assert_eq!(client.poll(SIGN, &id, "1000").state, SessionState::Running);
    }
    // A completed session is kept too, until it is left alone.
    let done = client.start_session(
        SIGN,
        &start_body(Scenario::PhoneAbsent.phone_number(), &[7; 32]),
    );
    assert_eq!(
        client.poll(SIGN, &done, "1000").result,
        Some(SessionResult::PhoneAbsent)
    );
    assert_eq!(sim.session_count(), 2);
    thread::sleep(Duration::from_millis(1_500));
    for session in [&id, &done] {
        client
            .get(&format!("/signature/session/{session}?timeoutMs=1000"))
            .assert_error(404, "SessionID not found");
    }
    assert_eq!(sim.session_count(), 0);
}

#[test]
fn shutdown_releases_held_polls_and_closes_the_port() {
    let sim = start();
    let client = Client::new(&sim);
    let addr = sim.addr();
    let id = client.start_session(
        SIGN,
        &start_body(Scenario::NeverAnswers.phone_number(), &[8; 32]),
    );
    let (status, took) = thread::scope(|scope| {
        let held = scope.spawn(|| timed(|| client.poll(SIGN, &id, "30000")));
        thread::sleep(Duration::from_millis(300));
        sim.shutdown();
        held.join().expect("the held poll returns")
    });
    assert_eq!(status.state, SessionState::Running);
    assert!(ms(took) < 3_000, "held {took:?} after shutdown");
    assert!(
        std::net::TcpStream::connect_timeout(&addr, Duration::from_secs(1)).is_err(),
        "the port is closed"
    );
}
