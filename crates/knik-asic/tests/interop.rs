//! Reads every container of the shared interoperability corpus (`../shared/interop`, public
//! test files of digidoc4j and libdigidocpp) and counts structural verdicts. The corpus is not
//! part of the repository: without it the test says so and passes.

use std::collections::BTreeMap;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use knik_asic::{Container, Error, StructureVerdict};

fn corpus_root() -> PathBuf {
    std::env::var_os("KNIK_INTEROP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop")
        })
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for e in read.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("asice" | "bdoc" | "edoc" | "sce" | "zip")
        ) {
            out.push(p);
        }
    }
}

/// The structural verdict of one container: sound / tolerated / defective after reading
/// every entry, or the error code that stopped it.
fn verdict(path: &Path) -> (String, Vec<&'static str>) {
    let file = std::fs::File::open(path).unwrap();
    let mut c = match Container::open(BufReader::new(file)) {
        Ok(c) => c,
        Err(e) => return (format!("rejected:{}", e.code()), vec![]),
    };
    let codes: Vec<&'static str> = c.findings().iter().map(|f| f.code).collect();
    let names: Vec<String> = c.entries().iter().map(|e| e.name().to_owned()).collect();
    for name in names {
        let r: Result<u64, Error> = c.open_entry(&name).and_then(|mut r| {
            std::io::copy(&mut r, &mut std::io::sink()).map_err(|e| {
                e.get_ref()
                    .and_then(|x| x.downcast_ref::<Error>())
                    .cloned()
                    .unwrap_or(Error::NotZip)
            })
        });
        if let Err(e) = r {
            return (format!("entry-error:{}", e.code()), codes);
        }
    }
    if c.signature_files().is_err() {
        return ("entry-error:signature".into(), codes);
    }
    let v = match c.verdict() {
        StructureVerdict::Sound => "sound",
        StructureVerdict::Tolerated => "tolerated",
        StructureVerdict::Defective => "defective",
        _ => "other",
    };
    (v.into(), codes)
}

#[test]
fn interop_corpus_structural_verdicts() {
    let root = corpus_root();
    if !root.is_dir() {
        eprintln!("skipped: no interop corpus at {}", root.display());
        return;
    }
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut table: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut finding_counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut lines = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&root).unwrap();
        let folder = rel
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        let (v, codes) = verdict(path);
        *table.entry((folder, v.clone())).or_default() += 1;
        for c in &codes {
            *finding_counts.entry(c).or_default() += 1;
        }
        lines.push(format!("{}\t{v}\t{}", rel.display(), codes.join(",")));
    }
    println!("== per container ==");
    for l in &lines {
        println!("{l}");
    }
    println!("== structural verdicts ({} containers) ==", files.len());
    println!("{:<45} {:<40} {:>5}", "folder", "verdict", "count");
    for ((folder, v), n) in &table {
        println!("{folder:<45} {v:<40} {n:>5}");
    }
    println!("== findings (containers with the code) ==");
    for (c, n) in &finding_counts {
        println!("{c:<40} {n:>5}");
    }
    // The xmlsec1 table's container-level assessments we must agree with.
    if let Ok(tsv) = std::fs::read_to_string(root.join("xmlsec1-verdicts.tsv")) {
        for row in tsv.lines().skip(1) {
            let cols: Vec<&str> = row.split('\t').collect();
            if cols.len() < 8 {
                continue;
            }
            let assessment = cols[7];
            if matches!(assessment, "container-ambiguity" | "harness-guard") || cols[5] == "BAD_ZIP"
            {
                let (v, _) = verdict(&root.join(cols[0]));
                println!("xmlsec1 {} / {assessment}: {} -> {v}", cols[5], cols[0]);
                if assessment == "container-ambiguity" {
                    assert_eq!(v, "rejected:ZIP_DUPLICATE_NAME", "{}", cols[0]);
                }
                if assessment == "harness-guard" {
                    assert!(
                        v.starts_with("rejected:"),
                        "zip bomb not refused: {}",
                        cols[0]
                    );
                }
            }
        }
    }
}
