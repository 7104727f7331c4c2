//! A namespace scope with constant-time lookups: every prefix maps to a stack of bindings, and
//! an undo log restores the parent's scope when an element ends. A linear search would let a
//! hostile document (thousands of declarations in scope, thousands of prefixed attributes)
//! cost quadratic time.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

/// Prefix → URI bindings; the default namespace is the empty prefix, `xmlns=""` the empty URI.
#[derive(Debug)]
pub(crate) struct Scope<S> {
    map: HashMap<S, Vec<S>>,
    log: Vec<S>,
}

impl<S: Borrow<str> + Eq + Hash + Clone> Scope<S> {
    pub(crate) fn new() -> Self {
        Scope {
            map: HashMap::new(),
            log: Vec::new(),
        }
    }

    /// Binds `prefix` (`""`: default namespace) to `uri`.
    pub(crate) fn push(&mut self, prefix: S, uri: S) {
        self.log.push(prefix.clone());
        self.map.entry(prefix).or_default().push(uri);
    }

    /// A mark to [`Scope::truncate`] back to.
    pub(crate) fn len(&self) -> usize {
        self.log.len()
    }

    /// Undoes every binding pushed after `len`.
    pub(crate) fn truncate(&mut self, len: usize) {
        while self.log.len() > len {
            if let Some(p) = self.log.pop()
                && let Some(v) = self.map.get_mut(p.borrow())
            {
                v.pop();
            }
        }
    }

    /// The innermost binding of `prefix` (`""`: default namespace), possibly an empty URI.
    pub(crate) fn get(&self, prefix: &str) -> Option<&S> {
        self.map.get(prefix).and_then(|v| v.last())
    }

    /// The stored prefix and innermost URI of `prefix`.
    pub(crate) fn binding(&self, prefix: &str) -> Option<(&S, &S)> {
        self.map
            .get_key_value(prefix)
            .and_then(|(k, v)| v.last().map(|u| (k, u)))
    }

    /// Every prefix bound now, with its innermost URI, in no particular order.
    pub(crate) fn bindings(&self) -> impl Iterator<Item = (&S, &S)> {
        self.map
            .iter()
            .filter_map(|(k, v)| v.last().map(|u| (k, u)))
    }
}
