//! GeneralizedTime with optional fractional seconds (X.690 §11.7, RFC 3161 §2.4.2).
//!
//! RFC 3161 lets a TSA state genTime to the precision it guarantees
//! (`YYYYMMDDhhmmss[.s...]Z`); OpenSSL's TSA does so with `clock_precision_digits`.
//! `der` 0.7's GeneralizedTime (and x509-tsp 0.1) reject the fraction, so this parser exists.
//! The DER rules are enforced: UTC (`Z`), seconds present, no trailing zeros in the fraction,
//! no bare decimal point.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

/// Most fraction digits accepted: nanoseconds.
const MAX_FRACTION_DIGITS: usize = 9;

/// Parses the contents of a DER GeneralizedTime.
pub(crate) fn parse(value: &[u8]) -> Result<OffsetDateTime, String> {
    let text =
        core::str::from_utf8(value).map_err(|_| "GeneralizedTime is not ASCII".to_owned())?;
    let body = text
        .strip_suffix('Z')
        .ok_or_else(|| format!("GeneralizedTime \"{text}\" does not end in Z"))?;
    let (whole, fraction) = match body.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("GeneralizedTime \"{text}\" is not YYYYMMDDhhmmss"));
    }
    let num = |range: core::ops::Range<usize>| -> u32 {
        whole[range]
            .bytes()
            .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'))
    };
    let nanos = match fraction {
        None => 0,
        Some(f) => {
            if f.is_empty()
                || f.len() > MAX_FRACTION_DIGITS
                || !f.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(format!(
                    "GeneralizedTime \"{text}\": bad fraction of a second"
                ));
            }
            if f.ends_with('0') {
                return Err(format!(
                    "GeneralizedTime \"{text}\": trailing zero in the fraction is not DER"
                ));
            }
            let digits = f
                .bytes()
                .fold(0u32, |acc, b| acc * 10 + u32::from(b - b'0'));
            // f has at most 9 digits, so the scale factor is at least 1.
            digits * 10u32.pow((MAX_FRACTION_DIGITS - f.len()) as u32)
        }
    };
    let invalid = |_| format!("GeneralizedTime \"{text}\" is not a valid date and time");
    let month = Month::try_from(u8::try_from(num(4..6)).unwrap_or(0)).map_err(invalid)?;
    let date = Date::from_calendar_date(
        i32::try_from(num(0..4)).unwrap_or(0),
        month,
        u8::try_from(num(6..8)).unwrap_or(0),
    )
    .map_err(invalid)?;
    let time = Time::from_hms_nano(
        u8::try_from(num(8..10)).unwrap_or(99),
        u8::try_from(num(10..12)).unwrap_or(99),
        u8::try_from(num(12..14)).unwrap_or(99),
        nanos,
    )
    .map_err(invalid)?;
    Ok(PrimitiveDateTime::new(date, time).assume_utc())
}

/// RFC 3339 text of a UTC time for messages (`2026-11-22T04:33:26.076Z`).
pub(crate) fn rfc3339(time: &OffsetDateTime) -> String {
    time.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| time.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn whole_seconds() {
        assert_eq!(
            parse(b"20261122043326Z").unwrap(),
            datetime!(2026-11-22 04:33:26 UTC)
        );
    }

    #[test]
    fn fractional_seconds_keep_their_precision() {
        assert_eq!(
            parse(b"20261122043326.076Z").unwrap(),
            datetime!(2026-11-22 04:33:26.076 UTC)
        );
        assert_eq!(
            parse(b"20261122043326.000000001Z").unwrap(),
            datetime!(2026-11-22 04:33:26.000000001 UTC)
        );
    }

    #[test]
    fn rejects_what_der_forbids() {
        for bad in [
            &b"20261122043326.070Z"[..],
            b"20261122043326.Z",
            b"20261122043326",
            b"202611220433Z",
            b"20261122043326+0100",
            b"20261322043326Z",
            b"20260230043326Z",
            b"20261122243326Z",
            b"20261122043326.0000000001Z",
            b"2026112204332\xFFZ",
        ] {
            assert!(
                parse(bad).is_err(),
                "{:?} accepted",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
