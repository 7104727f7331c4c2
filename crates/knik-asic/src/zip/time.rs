//! MS-DOS date and time fields (APPNOTE 4.4.6). No clock is read here: wasm32 has none, so the
//! caller supplies the time.

/// 1980-01-01 00:00:00, the earliest DOS time, used when the caller gives none.
pub(crate) const DOS_EPOCH: (u16, u16) = (0, (1 << 5) | 1);

/// Converts seconds since the Unix epoch (UTC) to `(time, date)` DOS fields, clamped to the
/// DOS range 1980–2107.
pub(crate) fn dos_from_unix(secs: i64) -> (u16, u16) {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    if y < 1980 {
        return DOS_EPOCH;
    }
    if y > 2107 {
        return ((23 << 11) | (59 << 5) | 29, (127 << 9) | (12 << 5) | 31);
    }
    let (h, mi, s) = (rem / 3600, (rem % 3600) / 60, rem % 60);
    let time = ((h as u16) << 11) | ((mi as u16) << 5) | ((s / 2) as u16);
    let date = (((y - 1980) as u16) << 9) | ((m as u16) << 5) | d as u16;
    (time, date)
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates_convert() {
        // 2026-11-22 04:44:24 UTC
        let (t, d) = dos_from_unix(1_795_322_664);
        assert_eq!(d >> 9, 2026 - 1980);
        assert_eq!((d >> 5) & 0xf, 11);
        assert_eq!(d & 0x1f, 22);
        assert_eq!((t >> 11, (t >> 5) & 0x3f, (t & 0x1f) * 2), (4, 44, 24));
        assert_eq!(dos_from_unix(0), DOS_EPOCH);
    }
}
