//! Running sessions, long polling and expiry (reference/mobile-id.md §1.4): a status request
//! is held up to its `timeoutMs` and answered as soon as the person answers; an earlier,
//! overlapping poll of the same session is answered `RUNNING`; a session is forgotten after a
//! period without requests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use knik_mobile_id::rest::SignatureValue;
use knik_mobile_id::{SessionKind, SessionResult};

use crate::scenario::Scenario;

/// Most sessions kept at once; a start beyond it is answered 503.
const MAX_SESSIONS: usize = 10_000;

/// How a session ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Completed {
    pub(crate) result: SessionResult,
    /// Present when `result` is `OK`.
    pub(crate) signature: Option<SignatureValue>,
    /// DER; authentication sessions only.
    pub(crate) cert: Option<Vec<u8>>,
}

/// The answer to one status request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Status {
    Running,
    Complete(Completed),
}

/// A new session.
pub(crate) struct NewSession {
    pub(crate) kind: SessionKind,
    pub(crate) scenario: Scenario,
    /// What the session ends with once the person answers; `None` if they never do.
    pub(crate) end: Option<Completed>,
}

struct Session {
    kind: SessionKind,
    scenario: Scenario,
    end: Option<Completed>,
    started: Instant,
    last_activity: Instant,
    /// `RUNNING` answers given so far.
    running_answers: u32,
    /// Status requests begun so far; the latest one is the only one that may wait.
    polls: u64,
    /// Status requests being held now; a session with one is never expired.
    waiting: u32,
}

/// What the person has done by a given moment.
enum Progress {
    /// The session has its result.
    Answered,
    /// Still running, and the answer is `RUNNING` at once (the phone just got the prompt).
    RunningNow,
    /// Still running until the given moment (`None`: indefinitely).
    RunningUntil(Option<Instant>),
}

impl Session {
    fn progress(&self, now: Instant, slow_user_delay: Duration) -> Progress {
        if self.end.is_none() {
            return Progress::RunningUntil(None);
        }
        match self.scenario {
            // "OK after one RUNNING answer": the person confirms once the phone has shown the
            // prompt, i.e. when the first RUNNING answer has gone out.
            Scenario::Ok | Scenario::WrongKey if self.running_answers == 0 => Progress::RunningNow,
            Scenario::SlowUser => {
                let at = self.started + slow_user_delay;
                if now >= at {
                    Progress::Answered
                } else {
                    Progress::RunningUntil(Some(at))
                }
            }
            _ => Progress::Answered,
        }
    }
}

/// Why a session could not be started.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooManySessions;

/// All sessions of one simulator.
pub(crate) struct Sessions {
    map: Mutex<HashMap<String, Session>>,
    changed: Condvar,
    stopping: AtomicBool,
    slow_user_delay: Duration,
    expiry: Duration,
}

impl Sessions {
    pub(crate) fn new(slow_user_delay: Duration, expiry: Duration) -> Sessions {
        Sessions {
            map: Mutex::new(HashMap::new()),
            changed: Condvar::new(),
            stopping: AtomicBool::new(false),
            slow_user_delay,
            expiry,
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, Session>> {
        self.map.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Forgets sessions without a request for the expiry period.
    fn expire(&self, map: &mut HashMap<String, Session>, now: Instant) {
        map.retain(|_, s| s.waiting > 0 || now.duration_since(s.last_activity) < self.expiry);
    }

    /// Registers a session under `id`.
    pub(crate) fn start(&self, id: String, new: NewSession) -> Result<(), TooManySessions> {
        let now = Instant::now();
        let mut map = self.lock();
        self.expire(&mut map, now);
        if map.len() >= MAX_SESSIONS {
            return Err(TooManySessions);
        }
        map.insert(
            id,
            Session {
                kind: new.kind,
                scenario: new.scenario,
                end: new.end,
                started: now,
                last_activity: now,
                running_answers: 0,
                polls: 0,
                waiting: 0,
            },
        );
        Ok(())
    }

    /// The status of session `id` of `kind`, waiting up to `wait` for the person to answer;
    /// `None` when there is no such session (never started, or expired).
    pub(crate) fn poll(&self, kind: SessionKind, id: &str, wait: Duration) -> Option<Status> {
        let begun = Instant::now();
        let deadline = begun + wait;
        let mut map = self.lock();
        self.expire(&mut map, begun);
        let session = map.get_mut(id).filter(|s| s.kind == kind)?;
        session.polls += 1;
        session.waiting += 1;
        session.last_activity = begun;
        let ticket = session.polls;
        // An earlier poll of this session still waiting now answers RUNNING (reference §1.4).
        self.changed.notify_all();
        let status = loop {
            let now = Instant::now();
            let session = map
                .get(id)
                .expect("a session with a waiting poll is never expired");
            let wake_at = match session.progress(now, self.slow_user_delay) {
                Progress::Answered => match &session.end {
                    Some(end) => break Status::Complete(end.clone()),
                    None => None,
                },
                Progress::RunningNow => break Status::Running,
                Progress::RunningUntil(at) => at,
            };
            if session.polls != ticket || self.stopping.load(Ordering::SeqCst) || now >= deadline {
                break Status::Running;
            }
            let until = wake_at.map_or(deadline, |at| at.min(deadline));
            map = self
                .changed
                .wait_timeout(map, until.saturating_duration_since(now))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        };
        let session = map
            .get_mut(id)
            .expect("a session with a waiting poll is never expired");
        session.waiting -= 1;
        session.last_activity = Instant::now();
        if status == Status::Running {
            session.running_answers += 1;
        }
        Some(status)
    }

    /// Number of sessions kept now (expired ones are counted until the next request).
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Answers every held poll `RUNNING` at once; used when the simulator shuts down.
    pub(crate) fn stop(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        let _map = self.lock();
        self.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn ended(result: SessionResult) -> Option<Completed> {
        Some(Completed {
            result,
            signature: None,
            cert: None,
        })
    }

    fn sessions() -> Sessions {
        Sessions::new(Duration::from_millis(300), Duration::from_millis(400))
    }

    const KIND: SessionKind = SessionKind::Signature;

    #[test]
    fn ok_comes_after_exactly_one_running_answer() {
        let s = sessions();
        let new = NewSession {
            kind: KIND,
            scenario: Scenario::Ok,
            end: ended(SessionResult::Ok),
        };
        s.start("a".into(), new).unwrap();
        let t = Instant::now();
        assert_eq!(
            s.poll(KIND, "a", Duration::from_secs(5)),
            Some(Status::Running)
        );
        assert!(t.elapsed() < Duration::from_millis(200), "answered at once");
        assert!(matches!(
            s.poll(KIND, "a", Duration::from_secs(5)),
            Some(Status::Complete(Completed {
                result: SessionResult::Ok,
                ..
            }))
        ));
        // The other kind's status path does not know this session.
        assert_eq!(
            s.poll(SessionKind::Authentication, "a", Duration::ZERO),
            None
        );
    }

    #[test]
    fn a_held_poll_is_answered_when_the_slow_user_confirms() {
        let s = sessions();
        let new = NewSession {
            kind: KIND,
            scenario: Scenario::SlowUser,
            end: ended(SessionResult::Ok),
        };
        s.start("b".into(), new).unwrap();
        let t = Instant::now();
        assert!(matches!(
            s.poll(KIND, "b", Duration::from_secs(5)),
            Some(Status::Complete(_))
        ));
        let waited = t.elapsed();
        assert!(
            waited >= Duration::from_millis(290) && waited < Duration::from_secs(2),
            "{waited:?}"
        );
    }

    #[test]
    fn an_overlapping_poll_makes_the_earlier_one_answer_running() {
        let s = Arc::new(sessions());
        let new = NewSession {
            kind: KIND,
            scenario: Scenario::NeverAnswers,
            end: None,
        };
        s.start("c".into(), new).unwrap();
        let earlier = {
            let s = Arc::clone(&s);
            std::thread::spawn(move || {
                let t = Instant::now();
                (s.poll(KIND, "c", Duration::from_secs(10)), t.elapsed())
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(
            s.poll(KIND, "c", Duration::from_millis(50)),
            Some(Status::Running)
        );
        let (status, waited) = earlier.join().unwrap();
        assert_eq!(status, Some(Status::Running));
        assert!(waited < Duration::from_secs(2), "{waited:?}");
    }

    #[test]
    fn sessions_expire_after_inactivity_only() {
        let s = sessions();
        let new = NewSession {
            kind: KIND,
            scenario: Scenario::UserCancelled,
            end: ended(SessionResult::UserCancelled),
        };
        s.start("d".into(), new).unwrap();
        std::thread::sleep(Duration::from_millis(250));
        assert!(
            s.poll(KIND, "d", Duration::ZERO).is_some(),
            "activity renews"
        );
        std::thread::sleep(Duration::from_millis(250));
        assert!(s.poll(KIND, "d", Duration::ZERO).is_some());
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(s.poll(KIND, "d", Duration::ZERO), None);
        assert_eq!(s.len(), 0);
    }
}
