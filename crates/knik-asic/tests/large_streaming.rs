//! A 200 MiB data file goes through the writer and back through a digest without memory
//! growing with its size (`design/architecture.md`: "never the whole file in memory").
//! Alone in its test binary so that the process-wide peak (VmHWM) is ours.

use std::io::{BufReader, BufWriter, Read};

use knik_asic::{Container, ContainerWriter, DigestAlgorithm, Hasher};

const SIZE: u64 = 200 << 20;

/// Pseudo-random lowercase text, generated on the fly: compressible (~1.6:1) but not trivially.
struct Generated {
    left: u64,
    x: u64,
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        for chunk in buf[..n].chunks_mut(8) {
            self.x ^= self.x << 13;
            self.x ^= self.x >> 7;
            self.x ^= self.x << 17;
            for (i, b) in chunk.iter_mut().enumerate() {
                *b = b'a' + ((self.x >> (i * 8)) as u8 % 26);
            }
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Peak resident set size of this process in KiB (Linux), if known.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn a_200_mib_file_streams_through_write_and_digest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("large.asice");
    let before = peak_rss_kib();

    let file = std::fs::File::create(&path).unwrap();
    let mut w = ContainerWriter::new(BufWriter::new(file)).unwrap();
    let mut h = Hasher::new(DigestAlgorithm::Sha256);
    let mut source = Generated {
        left: SIZE,
        x: 0x9E37_79B9_7F4A_7C15,
    };
    let written = w
        .add_data_file_with_len("large.txt", "text/plain", SIZE, &mut source, &mut h)
        .unwrap();
    w.finish().unwrap();
    let digest_written = h.finalize();
    assert_eq!(written.size, SIZE);
    let on_disk = std::fs::metadata(&path).unwrap().len();
    assert!(on_disk < SIZE, "compressed: {on_disk} bytes");

    let file = std::fs::File::open(&path).unwrap();
    let mut c = Container::open(BufReader::new(file)).unwrap();
    let digest_read = c.digest("large.txt", DigestAlgorithm::Sha256).unwrap();
    assert_eq!(digest_read, digest_written);

    match (before, peak_rss_kib()) {
        (Some(b), Some(a)) => {
            let grown_mib = a.saturating_sub(b) / 1024;
            eprintln!(
                "peak RSS before {b} KiB, after {a} KiB: grew {grown_mib} MiB for a 200 MiB file"
            );
            assert!(
                grown_mib < 32,
                "memory grew by {grown_mib} MiB: not streaming"
            );
        }
        _ => eprintln!("skipped the memory bound: /proc/self/status has no VmHWM here"),
    }
}
