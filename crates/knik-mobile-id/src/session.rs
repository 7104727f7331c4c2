//! Driving a started session to its end: long polls until the person answers, the provider
//! reports an outcome, or the client's own deadline passes (reference/mobile-id.md §1.4).

use core::time::Duration;

use crate::deadline::SessionDeadline;
use crate::error::Error;
use crate::provider::{FinishedSession, MobileIdProvider, PollResult, SessionId};

/// The shortest time between the starts of two polls. A provider that answers `RUNNING` at once
/// instead of holding the request (or a broken proxy) would otherwise be polled in a tight loop.
pub const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// Time as the caller measures it: a monotonic clock and a way to wait. Kept outside the crate
/// so it stays pure (and usable where `std::time::Instant` is not, such as wasm).
pub trait SessionClock {
    /// Time since the session was started.
    fn elapsed(&self) -> Duration;
    /// Waits for `duration`.
    fn sleep(&mut self, duration: Duration);
}

/// Polls `session` until it finishes.
///
/// Each poll asks the provider to wait [`SessionDeadline::next_poll`]'s `timeout_ms`; polls
/// start at most once per [`MIN_POLL_INTERVAL`]; polls never overlap (the reference warns that
/// the server answers `RUNNING` to the earlier of two). Returns the finished session (still
/// to be checked with [`crate::check`]), the error of a result code other than `OK`, a
/// provider error, or [`Error::DeadlineExceeded`].
pub fn wait_for_result(
    provider: &dyn MobileIdProvider,
    session: &SessionId,
    deadline: &SessionDeadline,
    clock: &mut dyn SessionClock,
) -> Result<FinishedSession, Error> {
    loop {
        let started = clock.elapsed();
        let timeouts = deadline.next_poll(started)?;
        match provider.poll(session, timeouts.timeout_ms)? {
            PollResult::Finished(finished) => return Ok(*finished),
            PollResult::Running => {
                let spent = clock.elapsed().saturating_sub(started);
                if let Some(rest) = MIN_POLL_INTERVAL.checked_sub(spent)
                    && !rest.is_zero()
                {
                    clock.sleep(rest);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use core::cell::{Cell, RefCell};

    use knik_pki::Certificate;

    use super::*;
    use crate::codes::{SessionKind, SignatureAlgorithm};
    use crate::deadline::PollPolicy;
    use crate::person::Person;
    use crate::provider::SessionRequest;

    /// A provider answering from a script; each poll "takes" `poll_cost` of fake time.
    struct Scripted {
        answers: RefCell<Vec<Result<PollResult, Error>>>,
        waits: RefCell<Vec<u32>>,
        now: Cell<Duration>,
        poll_cost: Duration,
    }

    impl MobileIdProvider for Scripted {
        fn signing_certificate(&self, _: &Person) -> Result<Certificate, Error> {
            Err(Error::CertificateNotFound)
        }
        fn start_authentication(&self, _: &SessionRequest) -> Result<SessionId, Error> {
            SessionId::new(SessionKind::Authentication, "a")
        }
        fn start_signing(&self, _: &SessionRequest) -> Result<SessionId, Error> {
            SessionId::new(SessionKind::Signature, "s")
        }
        fn poll(&self, _: &SessionId, wait_ms: u32) -> Result<PollResult, Error> {
            self.waits.borrow_mut().push(wait_ms);
            self.now.set(self.now.get() + self.poll_cost);
            let mut answers = self.answers.borrow_mut();
            if answers.is_empty() {
                Ok(PollResult::Running)
            } else {
                answers.remove(0)
            }
        }
    }

    struct FakeClock<'a>(&'a Cell<Duration>, Vec<Duration>);
    impl SessionClock for FakeClock<'_> {
        fn elapsed(&self) -> Duration {
            self.0.get()
        }
        fn sleep(&mut self, d: Duration) {
            self.1.push(d);
            self.0.set(self.0.get() + d);
        }
    }

    fn finished() -> FinishedSession {
        FinishedSession {
            algorithm: SignatureAlgorithm::Sha256WithEc,
            signature: vec![1; 64],
            certificate: None,
        }
    }

    fn scripted(answers: Vec<Result<PollResult, Error>>, poll_cost: Duration) -> Scripted {
        Scripted {
            answers: RefCell::new(answers),
            waits: RefCell::new(Vec::new()),
            now: Cell::new(Duration::ZERO),
            poll_cost,
        }
    }

    #[test]
    fn polls_until_the_person_answers() {
        let p = scripted(
            vec![
                Ok(PollResult::Running),
                Ok(PollResult::Running),
                Ok(PollResult::Finished(Box::new(finished()))),
            ],
            Duration::from_secs(30),
        );
        let id = SessionId::new(SessionKind::Signature, "s").unwrap();
        let mut clock = FakeClock(&p.now, Vec::new());
        let d = SessionDeadline::new(PollPolicy::default());
        assert_eq!(wait_for_result(&p, &id, &d, &mut clock), Ok(finished()));
        assert_eq!(*p.waits.borrow(), vec![30_000, 30_000, 30_000]);
        assert!(clock.1.is_empty(), "long polls need no extra sleep");
    }

    #[test]
    fn result_codes_end_the_wait_with_their_error() {
        let p = scripted(
            vec![Ok(PollResult::Running), Err(Error::UserCancelled)],
            Duration::from_secs(2),
        );
        let id = SessionId::new(SessionKind::Authentication, "a").unwrap();
        let mut clock = FakeClock(&p.now, Vec::new());
        let d = SessionDeadline::new(PollPolicy::default());
        assert_eq!(
            wait_for_result(&p, &id, &d, &mut clock),
            Err(Error::UserCancelled)
        );
    }

    #[test]
    fn a_provider_that_never_holds_the_poll_is_rate_limited_and_the_deadline_ends_it() {
        let p = scripted(Vec::new(), Duration::from_millis(100));
        let id = SessionId::new(SessionKind::Signature, "s").unwrap();
        let mut clock = FakeClock(&p.now, Vec::new());
        let d = SessionDeadline::new(PollPolicy::default());
        assert_eq!(
            wait_for_result(&p, &id, &d, &mut clock),
            Err(Error::DeadlineExceeded { limit_ms: 150_000 })
        );
        // One poll per second over 150 s, each followed by a 900 ms pause.
        assert_eq!(p.waits.borrow().len(), 150);
        assert!(clock.1.iter().all(|s| *s == Duration::from_millis(900)));
        // The last polls never ask the server to wait past the deadline (1 s minimum aside).
        assert_eq!(p.waits.borrow().last(), Some(&1_000));
    }
}
