//! Entry points for the fuzz targets (`fuzz/fuzz_targets/apdu_response.rs`, `tlv.rs`); not part
//! of the API. Each takes arbitrary bytes and must neither panic nor loop: everything a card
//! sends is hostile input (style.md "fuzz targets for every parser"). A unit test replays the
//! committed corpora (`fuzz/corpus/*`) so that a regression shows up in `cargo test`.

use crate::apdu::{Command, Ins, Response};
use crate::cache::CertificateCache;
use crate::card::{Card, ops};
use crate::channel::Channel;
use crate::pin::{Pin, PinKind};
use crate::profile::Profile;
use crate::testing::{Script, ScriptedTransport};
use crate::tlv::{self, Node, Tag};
use crate::token::{HashAlgorithm, KeyRole, Token};

/// Splits fuzz input into card responses: a length byte (`FF` = two more length bytes follow,
/// big-endian) and that many bytes, repeated; a short last piece is taken as it is.
fn responses(mut data: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while let Some((&len, rest)) = data.split_first() {
        let (len, rest) = match (len, rest) {
            (0xFF, [hi, lo, rest @ ..]) => (usize::from(u16::from_be_bytes([*hi, *lo])), rest),
            (0xFF, _) => break,
            (len, rest) => (usize::from(len), rest),
        };
        let take = len.min(rest.len());
        out.push(rest[..take].to_vec());
        data = &rest[take..];
    }
    out
}

fn script(responses: &[Vec<u8>]) -> Script {
    responses
        .iter()
        .fold(Script::new(), |s, r| s.any(r.clone()))
}

/// One response APDU, then a sequence of responses played as a card through the channel and
/// through every card operation of the `am-eid` profile.
pub fn apdu_response(data: &[u8]) {
    if let Ok(r) = Response::parse(data) {
        let _ = r.trace_text();
        let _ = (
            r.sw.bytes_available(),
            r.sw.correct_le(),
            r.sw.retries_left(),
        );
        let _ = r.sw.check_pin(PinKind::Pin2, "VERIFY");
        let _ = r.clone().into_data("GET DATA");
    }

    let answers = responses(data);
    let mut transport = ScriptedTransport::new(script(&answers));
    if let Ok(mut ch) = Channel::open(&mut transport) {
        let _ = ch.transmit(&Command::new(Ins::GetData, 0x01, 0x01).with_le(256));
        let size = data
            .get(..2)
            .map_or(0, |b| usize::from(u16::from_be_bytes([b[0], b[1]])));
        let _ = ch.read_binary_all(size);
    }

    let Some(profile) = Profile::builtin_by_id("am-eid") else {
        return;
    };
    let transport = ScriptedTransport::new(script(&answers));
    // A cache of its own: a run must not depend on the one before.
    let Ok(card) = Card::new(transport, profile.clone()) else {
        return;
    };
    let mut card = card.with_cache(CertificateCache::new());
    let _ = card.info();
    let _ = card.certificate(KeyRole::Authentication);
    let _ = card.pin_status(PinKind::Pin2);
    let _ = card.authenticate_with_certificate(
        &Pin::from_bytes(b"1234"),
        HashAlgorithm::Sha384,
        &[0x42; 48],
    );
    let _ = card.sign(
        &Pin::from_bytes(b"12345"),
        HashAlgorithm::Sha256,
        &[0x42; 32],
    );
    let _ = card.change_pin(
        PinKind::Pin1,
        &Pin::from_bytes(b"1234"),
        &Pin::from_bytes(b"4321"),
    );
    let _ = card.unblock_pin(
        PinKind::Pin1,
        &Pin::from_bytes(b"12345678"),
        &Pin::from_bytes(b"1111"),
    );
    let _ = card.personal_data();
}

/// BER-TLV and the parsers built on it. A tree that parses must survive re-encoding.
pub fn tlv(data: &[u8]) {
    if let Ok(nodes) = tlv::parse_tree(data) {
        let encoded: Vec<u8> = nodes.iter().flat_map(Node::to_bytes).collect();
        let again = tlv::parse_tree(&encoded);
        assert_eq!(again.as_ref(), Ok(&nodes), "re-encoded BER-TLV differs");
    }
    if let Ok(all) = tlv::read_all(data) {
        for t in all {
            let _ = t.children();
            let _ = t.to_bytes();
        }
    }
    let reference = data.first().copied().unwrap_or(0x01);
    let _ = tlv::find(data, &[Tag(0x70), Tag(0xBF8101), Tag(0xA0), Tag(0x9B)]);
    let _ = ops::parse_fcp_size(data);
    let _ = ops::parse_retry_counter(data, reference);
    let _ = ops::trim_certificate(KeyRole::Signing, data.to_vec());
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    fn corpus(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fuzz/corpus")
            .join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        files
            .into_iter()
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect()
    }

    #[test]
    fn apdu_response_corpus_replays_without_panic() {
        let files = corpus("apdu_response");
        assert!(files.len() >= 10, "corpus too small: {}", files.len());
        for (path, data) in files {
            let r = std::panic::catch_unwind(|| super::apdu_response(&data));
            assert!(r.is_ok(), "{} panicked", path.display());
        }
    }

    #[test]
    fn tlv_corpus_replays_without_panic() {
        let files = corpus("tlv");
        assert!(files.len() >= 10, "corpus too small: {}", files.len());
        for (path, data) in files {
            let r = std::panic::catch_unwind(|| super::tlv(&data));
            assert!(r.is_ok(), "{} panicked", path.display());
        }
    }

    #[test]
    fn responses_are_length_prefixed() {
        assert_eq!(
            super::responses(&[2, 0x90, 0x00, 1, 0x61]),
            vec![vec![0x90, 0x00], vec![0x61]]
        );
        assert_eq!(
            super::responses(&[0xFF, 0x00, 0x01, 0xAA, 5, 1]),
            vec![vec![0xAA], vec![1]]
        );
        assert_eq!(super::responses(&[0xFF, 0x00]), Vec::<Vec<u8>>::new());
    }
}
