//! Replays every file of `fuzz/corpus/asic_reader/` through the fuzz entry point (no panic
//! allowed), and can regenerate the hostile seeds (`cargo test -p knik-asic --test fuzz_corpus
//! -- --ignored`).

mod common;

use std::path::PathBuf;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/asic_reader")
}

#[test]
fn every_corpus_file_is_handled_without_panic() {
    let dir = corpus_dir();
    let Ok(read) = std::fs::read_dir(&dir) else {
        eprintln!("skipped: no corpus at {}", dir.display());
        return;
    };
    let mut n = 0;
    let mut accepted = 0;
    for entry in read {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        if knik_asic::fuzzing::read_container(&data).is_ok() {
            accepted += 1;
        }
        n += 1;
    }
    eprintln!("replayed {n} corpus files, {accepted} read cleanly");
    assert!(
        n >= common::hostile_corpus().len(),
        "the seed corpus is incomplete"
    );
}

#[test]
fn seeds_give_their_expected_outcome() {
    // The seeds that must read cleanly do; the hostile ones do not.
    for (name, data) in common::hostile_corpus() {
        let ok = knik_asic::fuzzing::read_container(&data).is_ok();
        let expect_ok = matches!(
            name,
            "valid-minimal.asice"
                | "case-collision.asice"
                | "cp437-name.asice"
                | "mimetype-deflated.asice"
                | "mimetype-last.asice"
                | "mimetype-extra.asice"
                | "no-manifest.asice"
                | "unlisted-data-file.asice"
                | "written-by-knik.asice"
        );
        assert_eq!(ok, expect_ok, "{name}");
    }
}

/// A cheap, deterministic stand-in for a fuzzing run that needs no nightly toolchain: byte
/// flips, overwrites with boundary values, and truncations of every seed. A panic fails.
#[test]
fn mutated_seeds_never_panic() {
    let mut x = 0x853c_49e6_748f_ea9bu64;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let seeds: Vec<Vec<u8>> = common::hostile_corpus()
        .into_iter()
        .map(|(_, d)| d)
        .filter(|d| d.len() < 64 * 1024)
        .collect();
    let mut runs = 0;
    for seed in &seeds {
        for _ in 0..400 {
            let mut d = seed.clone();
            let edits = 1 + next() % 4;
            for _ in 0..edits {
                if d.is_empty() {
                    break;
                }
                let at = (next() % d.len() as u64) as usize;
                match next() % 4 {
                    0 => d[at] ^= 1 << (next() % 8),
                    1 => d[at] = [0x00, 0xff, 0x7f, 0x80][(next() % 4) as usize],
                    2 => {
                        let end = (at + 4).min(d.len());
                        d[at..end].fill(0xff);
                    }
                    _ => d.truncate(at),
                }
            }
            let _ = knik_asic::fuzzing::read_container(&d);
            runs += 1;
        }
    }
    assert!(runs > 1000);
}

#[test]
#[ignore = "writes the seed corpus into fuzz/corpus/asic_reader"]
fn regenerate_seed_corpus() {
    let dir = corpus_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, data) in common::hostile_corpus() {
        std::fs::write(dir.join(name), data).unwrap();
    }
}
