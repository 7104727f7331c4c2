//! Limits that keep a hostile container from exhausting memory, disk or time.
//!
//! The defaults follow what the other implementations enforce (`reference/signing.md` §5: DSS
//! caps the ratio at 100 above 1 MB and entries at 1000; libdigidocpp caps non-data entries at
//! 10 MB) but are looser on sizes, because knik streams and has no 4 GiB limit.

/// Bounds applied while opening and reading a container.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Most entries an archive may announce.
    pub max_entries: u64,
    /// Largest allowed uncompressed : compressed ratio of one entry (zip-bomb guard), applied
    /// to entries above [`Limits::ratio_threshold`] bytes.
    pub max_ratio: u64,
    /// Entries up to this many uncompressed bytes are exempt from the ratio check (a small
    /// file of zeros legitimately compresses very well).
    pub ratio_threshold: u64,
    /// Largest uncompressed size of one data file.
    pub max_entry_size: u64,
    /// Largest sum of all uncompressed sizes.
    pub max_total_size: u64,
    /// Largest uncompressed size of `mimetype` and any `META-INF/` entry, which are read into
    /// memory.
    pub max_metadata_size: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_entries: 10_000,
            max_ratio: 1_000,
            ratio_threshold: 1 << 20,
            max_entry_size: 64 << 30,
            max_total_size: 256 << 30,
            max_metadata_size: 10 << 20,
        }
    }
}

impl Limits {
    /// Sets [`Limits::max_entries`].
    pub fn with_max_entries(mut self, n: u64) -> Limits {
        self.max_entries = n;
        self
    }

    /// Sets [`Limits::max_ratio`] and [`Limits::ratio_threshold`].
    pub fn with_max_ratio(mut self, ratio: u64, threshold: u64) -> Limits {
        self.max_ratio = ratio;
        self.ratio_threshold = threshold;
        self
    }

    /// Sets [`Limits::max_entry_size`].
    pub fn with_max_entry_size(mut self, bytes: u64) -> Limits {
        self.max_entry_size = bytes;
        self
    }

    /// Sets [`Limits::max_total_size`].
    pub fn with_max_total_size(mut self, bytes: u64) -> Limits {
        self.max_total_size = bytes;
        self
    }

    /// Sets [`Limits::max_metadata_size`].
    pub fn with_max_metadata_size(mut self, bytes: u64) -> Limits {
        self.max_metadata_size = bytes;
        self
    }
}
