//! `--trace`: every APDU and answer on stderr, as the card layer reports them (PIN bytes of
//! VERIFY / CHANGE / RESET RETRY COUNTER are already masked there).

use knik_card::channel::TraceEvent;

/// Prints trace events to stderr.
#[derive(Clone, Copy, Debug, Default)]
pub struct Tracer;

impl Tracer {
    /// Prints one exchange half.
    pub fn event(&self, ev: &TraceEvent) {
        eprintln!("{ev}");
    }

    /// Prints the APDU count of an operation.
    pub fn summary(&self, operation: &str, apdus: usize) {
        eprintln!("-- {operation}: {apdus} APDUs");
    }
}
