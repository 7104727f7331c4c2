//! The hostile HTTP requests of `fuzz/corpus/mid_sim_http_request/` go through the simulator's
//! request reader (the fuzz target's body) without a panic.

#[test]
fn the_http_request_fuzz_corpus_replays_without_panics() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/corpus/mid_sim_http_request"
    );
    let mut count = 0;
    for entry in std::fs::read_dir(dir).expect("the corpus") {
        let data = std::fs::read(entry.expect("an entry").path()).expect("a file");
        knik_mobile_id_sim::fuzzing::http_request(&data);
        count += 1;
    }
    assert!(count >= 10, "corpus at {dir} has only {count} files");
}
