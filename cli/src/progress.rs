//! A progress line on stderr for large files (only when stderr is a terminal).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use knik::sign::{Progress, Step};

/// Draws `name  42%  1.1 GiB / 2.6 GiB` and the steps that follow on one line.
pub struct Bar {
    enabled: bool,
    name: String,
    total: Option<u64>,
    done: u64,
    last: Option<Instant>,
}

impl Bar {
    /// A bar, shown only on a terminal and unless `quiet`.
    pub fn new(quiet: bool) -> Bar {
        Bar {
            enabled: !quiet && std::io::stderr().is_terminal(),
            name: String::new(),
            total: None,
            done: 0,
            last: None,
        }
    }

    fn draw(&mut self, force: bool) {
        if !self.enabled {
            return;
        }
        let now = Instant::now();
        if !force
            && self
                .last
                .is_some_and(|t| now - t < Duration::from_millis(100))
        {
            return;
        }
        self.last = Some(now);
        let line = match self.total {
            Some(t) if t > 0 => format!(
                "{}  {:>3}%  {} / {}",
                self.name,
                self.done * 100 / t,
                size(self.done),
                size(t)
            ),
            _ => self.name.clone(),
        };
        let mut err = std::io::stderr();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
    }

    /// Clears the line.
    pub fn clear(&mut self) {
        if self.enabled && self.last.is_some() {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        }
    }
}

impl Progress for Bar {
    fn step(&mut self, step: Step, name: &str, total_bytes: Option<u64>) {
        self.done = 0;
        self.total = total_bytes;
        self.name = match step {
            Step::Reading => format!("reading {name}"),
            Step::Signing => "signing — follow the PIN prompt".into(),
            Step::TimeStamping => "asking the time-stamp authority".into(),
            Step::Revocation => "asking the OCSP responder".into(),
            Step::ArchiveTimeStamping => "adding the archive time-stamp".into(),
            Step::Writing => "writing the container".into(),
            _ => String::new(),
        };
        self.draw(true);
    }

    fn bytes(&mut self, n: u64) {
        self.done += n;
        self.draw(false);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.clear();
    }
}

/// 1.5 GiB style sizes.
pub fn size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}
