//! Long-polling timeouts and the client's own overall deadline (reference/mobile-id.md §1.4):
//! the server holds each status request up to `timeoutMs`, the client's HTTP timeout sits about
//! 1.5 s above it, and the client gives up on its own once the person's ~2 minutes plus a
//! margin are over. Pure arithmetic on elapsed time, so the caller owns the clock (and wasm,
//! where `Instant` is unavailable, can use it too).

use core::time::Duration;

use crate::error::Error;

/// Smallest `timeoutMs` worth sending: the server raises smaller values to about 1 s anyway.
pub const MIN_TIMEOUT_MS: u32 = 1_000;
/// Largest `timeoutMs` sent: the server caps silently (about 60 s or more), so asking for more
/// only makes the client's view of the wait wrong.
pub const MAX_TIMEOUT_MS: u32 = 60_000;

/// How a session is polled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollPolicy {
    /// `timeoutMs` for each status request (clamped to 1 s–60 s).
    pub long_poll: Duration,
    /// How much longer than `timeoutMs` the client's HTTP timeout is.
    pub http_margin: Duration,
    /// Overall limit of the session from its start, after which the client stops polling.
    pub session_limit: Duration,
}

impl Default for PollPolicy {
    /// 30 s long polls, 1.5 s HTTP margin, 150 s overall (the person's ~2 min plus slack).
    fn default() -> Self {
        PollPolicy {
            long_poll: Duration::from_secs(30),
            http_margin: Duration::from_millis(1_500),
            session_limit: Duration::from_secs(150),
        }
    }
}

/// The timeouts for one status request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PollTimeouts {
    /// The `timeoutMs` query parameter.
    pub timeout_ms: u32,
    /// The HTTP client's timeout for this request: `timeoutMs` plus the margin.
    pub http_timeout: Duration,
}

/// The client-side deadline of one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionDeadline {
    policy: PollPolicy,
}

impl SessionDeadline {
    /// A deadline following `policy`.
    pub fn new(policy: PollPolicy) -> Self {
        SessionDeadline { policy }
    }

    /// The timeouts for the next poll, `elapsed` after the session started;
    /// [`Error::DeadlineExceeded`] once the session limit is reached. The long poll never
    /// asks the server to wait past the deadline (except for the server's 1 s minimum).
    pub fn next_poll(&self, elapsed: Duration) -> Result<PollTimeouts, Error> {
        let remaining = self
            .policy
            .session_limit
            .checked_sub(elapsed)
            .filter(|r| !r.is_zero())
            .ok_or(Error::DeadlineExceeded {
                limit_ms: millis(self.policy.session_limit),
            })?;
        let wait = self.policy.long_poll.min(remaining);
        let timeout_ms = u32::try_from(millis(wait))
            .unwrap_or(u32::MAX)
            .clamp(MIN_TIMEOUT_MS, MAX_TIMEOUT_MS);
        Ok(PollTimeouts {
            timeout_ms,
            http_timeout: Duration::from_millis(u64::from(timeout_ms)) + self.policy.http_margin,
        })
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_http_timeout_sits_above_the_long_poll() {
        let d = SessionDeadline::new(PollPolicy::default());
        let t = d.next_poll(Duration::ZERO).unwrap();
        assert_eq!(t.timeout_ms, 30_000);
        assert_eq!(t.http_timeout, Duration::from_millis(31_500));
    }

    #[test]
    fn the_last_poll_is_shortened_and_then_the_deadline_ends_the_session() {
        let d = SessionDeadline::new(PollPolicy::default());
        assert_eq!(
            d.next_poll(Duration::from_secs(140)).unwrap().timeout_ms,
            10_000
        );
        // Less than a second left: the server's minimum applies.
        assert_eq!(
            d.next_poll(Duration::from_millis(149_700))
                .unwrap()
                .timeout_ms,
            1_000
        );
        assert_eq!(
            d.next_poll(Duration::from_secs(150)),
            Err(Error::DeadlineExceeded { limit_ms: 150_000 })
        );
        assert!(d.next_poll(Duration::from_secs(10_000)).is_err());
    }

    #[test]
    fn long_polls_are_clamped_to_what_the_server_honours() {
        let d = SessionDeadline::new(PollPolicy {
            long_poll: Duration::from_secs(300),
            session_limit: Duration::from_secs(600),
            ..PollPolicy::default()
        });
        assert_eq!(d.next_poll(Duration::ZERO).unwrap().timeout_ms, 60_000);
        let d = SessionDeadline::new(PollPolicy {
            long_poll: Duration::from_millis(10),
            ..PollPolicy::default()
        });
        assert_eq!(d.next_poll(Duration::ZERO).unwrap().timeout_ms, 1_000);
    }
}
