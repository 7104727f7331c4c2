//! Shared test support: the libxml2 oracles (xmllint and a ctypes script) and the case list.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use knik_xades::c14n::{Algorithm, Canonicalizer};
use knik_xades::xml::{Document, Node};

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Tests that need an oracle fail when it is missing, unless KNIK_SKIP_ORACLES=1.
pub fn oracles_skipped() -> bool {
    std::env::var("KNIK_SKIP_ORACLES").is_ok_and(|v| v == "1")
}

pub fn short_name(a: Algorithm) -> &'static str {
    match a {
        Algorithm::Inclusive10 => "c14n10",
        Algorithm::Inclusive10WithComments => "c14n10+c",
        Algorithm::Inclusive11 => "c14n11",
        Algorithm::Inclusive11WithComments => "c14n11+c",
        Algorithm::Exclusive10 => "exc",
        Algorithm::Exclusive10WithComments => "exc+c",
        _ => "unknown",
    }
}

fn libxml2_mode(a: Algorithm) -> u8 {
    if a.is_exclusive() {
        1
    } else if matches!(
        a,
        Algorithm::Inclusive11 | Algorithm::Inclusive11WithComments
    ) {
        2
    } else {
        0
    }
}

/// Which part of a document a case canonicalizes.
#[derive(Clone, Debug)]
pub enum Apex {
    Document,
    /// The element with this Id/ID/id.
    Id(String),
    /// The first element with this namespace and local name.
    Named(&'static str, &'static str),
}

#[derive(Clone, Debug)]
pub struct Case {
    pub file: PathBuf,
    pub label: String,
    pub apex: Apex,
    pub algorithm: Algorithm,
    pub prefixes: String,
}

impl Case {
    pub fn name(&self) -> String {
        let apex = match &self.apex {
            Apex::Document => "doc".to_owned(),
            Apex::Id(id) => format!("#{id}"),
            Apex::Named(_, l) => l.to_string(),
        };
        let p = if self.prefixes.is_empty() {
            "-"
        } else {
            &self.prefixes
        };
        format!(
            "{} {} {} [{}]",
            self.label,
            apex,
            short_name(self.algorithm),
            p
        )
    }

    fn oracle_line(&self) -> String {
        let apex = match &self.apex {
            Apex::Document => String::new(),
            Apex::Id(id) => id.clone(),
            Apex::Named(ns, local) => {
                format!("@local-name()='{local}' and namespace-uri()='{ns}'")
            }
        };
        format!(
            "{}\t{}\t{}\t{}\t{}\n",
            self.file.display(),
            libxml2_mode(self.algorithm),
            u8::from(self.algorithm.with_comments()),
            apex,
            self.prefixes
        )
    }

    /// Our output.
    pub fn ours(&self, doc: &Document) -> Vec<u8> {
        let c = Canonicalizer::new(self.algorithm).with_prefix_list(&self.prefixes);
        match &self.apex {
            Apex::Document => c.document_to_vec(doc).expect("canonicalizes"),
            Apex::Id(id) => {
                let node = doc.element_by_id(id).expect("apex exists");
                c.subtree_to_vec(node).expect("canonicalizes")
            }
            Apex::Named(ns, local) => {
                let node = find(doc, ns, local).expect("apex exists");
                c.subtree_to_vec(node).expect("canonicalizes")
            }
        }
    }
}

pub fn find<'d>(doc: &'d Document, ns: &str, local: &str) -> Option<Node<'d>> {
    let root = doc.root_element().ok()?;
    if root.is(Some(ns), local) {
        return Some(root);
    }
    root.descendant_elements()
        .into_iter()
        .find(|e| e.is(Some(ns), local))
}

/// Runs all cases through libxml2 in one Python process. `Err` when the oracle is unavailable.
pub fn libxml2_batch(cases: &[Case]) -> Result<Vec<Result<Vec<u8>, String>>, String> {
    let script = crate_dir().join("tests/oracle/libxml2_c14n.py");
    let mut child = Command::new("python3")
        .arg(&script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    let input: String = cases.iter().map(Case::oracle_line).collect();
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut results = Vec::with_capacity(cases.len());
    for _ in cases {
        let mut header = String::new();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("oracle output: {e}"))?;
        if let Some(len) = header.strip_prefix("OK ") {
            let len: usize = len
                .trim()
                .parse()
                .map_err(|_| format!("bad header {header:?}"))?;
            let mut data = vec![0; len];
            reader
                .read_exact(&mut data)
                .map_err(|e| format!("oracle output: {e}"))?;
            results.push(Ok(data));
        } else if let Some(msg) = header.strip_prefix("ERR ") {
            results.push(Err(msg.trim().to_owned()));
        } else {
            let mut err = String::new();
            let _ = child.stderr.take().map(|mut s| s.read_to_string(&mut err));
            return Err(format!("libxml2 oracle unavailable: {header:?} {err}"));
        }
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(results)
}

/// xmllint's whole-document canonicalization (always with comments).
pub fn xmllint(file: &Path, algorithm: Algorithm) -> Result<Vec<u8>, String> {
    let flag = match algorithm {
        Algorithm::Inclusive10WithComments => "--c14n",
        Algorithm::Inclusive11WithComments => "--c14n11",
        Algorithm::Exclusive10WithComments => "--exc-c14n",
        _ => return Err("xmllint canonicalizes with comments only".to_owned()),
    };
    let out = Command::new("xmllint")
        .arg(flag)
        .arg(file)
        .output()
        .map_err(|e| format!("cannot run xmllint (package libxml2-utils): {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xmllint failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out.stdout)
}

/// Every case for one corpus file: the whole document and every element with an identifier,
/// under all six algorithms; exclusive also with PrefixLists.
pub fn cases_for(file: &Path, label: &str, doc: &Document) -> Vec<Case> {
    let root = doc.root_element().expect("root");
    let mut apexes = vec![Apex::Document];
    let mut declared: Vec<String> = Vec::new();
    for e in std::iter::once(root).chain(root.descendant_elements()) {
        for a in ["Id", "ID", "id"] {
            if let Some(v) = e.attribute(None, a) {
                apexes.push(Apex::Id(v.to_owned()));
            }
        }
        for d in e.namespace_declarations() {
            let p = d.prefix().unwrap_or("#default").to_owned();
            if !declared.contains(&p) {
                declared.push(p);
            }
        }
    }
    let mut prefix_lists = vec![String::new(), "#default".to_owned()];
    if !declared.is_empty() {
        prefix_lists.push(declared.join(" "));
        prefix_lists.push(format!("{} unbound", declared.last().expect("non-empty")));
    }
    let mut cases = Vec::new();
    for apex in &apexes {
        for algorithm in Algorithm::ALL {
            let lists: &[String] = if algorithm.is_exclusive() {
                &prefix_lists
            } else {
                &prefix_lists[..1]
            };
            for prefixes in lists {
                cases.push(Case {
                    file: file.to_owned(),
                    label: label.to_owned(),
                    apex: apex.clone(),
                    algorithm,
                    prefixes: prefixes.clone(),
                });
            }
        }
    }
    cases
}

pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}
