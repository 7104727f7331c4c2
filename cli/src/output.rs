//! Printing: text for people, JSON for programs.

use crate::error::CliError;
use serde_json::{Value, json};

/// Where and how results are printed.
#[derive(Clone, Copy, Debug)]
pub struct Output {
    json: bool,
}

impl Output {
    /// Text unless `json`.
    pub fn new(json: bool) -> Output {
        Output { json }
    }

    /// Prints a result: `text` for people or `value` for programs.
    pub fn result(&self, text: &str, value: &Value) {
        if self.json {
            println!(
                "{}",
                serde_json::to_string_pretty(value).unwrap_or_default()
            );
        } else {
            print!("{text}");
        }
    }

    /// Prints one JSON line (for event streams such as `card list --watch --json`).
    pub fn event(&self, text: &str, value: &Value) {
        if self.json {
            println!("{value}");
        } else {
            println!("{text}");
        }
    }

    /// Prints an error: on stdout as JSON for programs, on stderr as a sentence for people.
    pub fn error(&self, e: &CliError) {
        if self.json {
            let mut err = json!({"code": e.code(), "message": e.message()});
            if let Some(h) = e.hint() {
                err["hint"] = Value::String(h);
            }
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({ "error": err })).unwrap_or_default()
            );
        } else {
            eprintln!("knik: {}", e.message());
            if let Some(h) = e.hint() {
                eprintln!("      {h}");
            }
            eprintln!("      (error {})", e.code());
        }
    }
}
