//! Which reader's card a command uses.
//!
//! Web eID asks the citizen when several cards qualify; this host has no window of its own,
//! so the rule is fixed and logged:
//! 1. a reader named in the configuration (`reader`, or `KNIK_HOST_READER`) is the only
//!    candidate: it must exist and hold a card;
//! 2. otherwise the candidates are the readers holding a card whose ATR a card profile with
//!    APDUs knows, in the order PC/SC lists the readers;
//! 3. `authenticate` and `get-signing-certificate` use the first candidate; `sign` uses the
//!    candidate whose signing certificate is byte-identical to the one the page sent
//!    (reference/web-eid.md §1.4).
//!
//! When there is no candidate the error says why: no reader, no card, or only cards knik does
//! not support.

use knik_card::Error as CardError;
use knik_card::atr::AtrTable;

/// One reader as selection sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The PC/SC reader name.
    pub reader: String,
    /// A card is in it.
    pub card_present: bool,
    /// The card's ATR, when there is a card.
    pub atr: Option<Vec<u8>>,
}

/// The readers whose card a command may use, best first (see the module docs).
pub fn candidates<'a>(
    slots: &'a [Slot],
    configured: Option<&str>,
    table: &AtrTable,
) -> Result<Vec<&'a Slot>, CardError> {
    if slots.is_empty() {
        return Err(CardError::NoReaders);
    }
    if let Some(name) = configured {
        let slot = slots
            .iter()
            .find(|s| s.reader == name)
            .ok_or_else(|| CardError::ReaderNotFound(name.to_owned()))?;
        if !slot.card_present {
            return Err(CardError::NoCard(format!("the reader {name:?}")));
        }
        // Identification explains an unsupported card when the card is opened.
        return Ok(vec![slot]);
    }
    let present: Vec<&Slot> = slots.iter().filter(|s| s.card_present).collect();
    if present.is_empty() {
        return Err(CardError::NoCard(if slots.len() == 1 {
            format!("the reader {:?}", slots[0].reader)
        } else {
            "any reader".to_owned()
        }));
    }
    let supported: Vec<&Slot> = present
        .iter()
        .copied()
        .filter(|s| {
            s.atr
                .as_deref()
                .and_then(|atr| table.identify(atr))
                .is_some_and(|p| p.apdu.is_some())
        })
        .collect();
    if supported.is_empty() {
        return Err(CardError::UnsupportedCard {
            atr: present
                .iter()
                .filter_map(|s| s.atr.as_deref().map(hex::encode_upper))
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(supported)
}

#[cfg(test)]
mod tests {
    use super::*;

    const AM_EID: &str = "3BDB960080B1FE451F830012051A414D6549440F9000AD";
    const UNKNOWN: &str = "3B9513810180 73FF01000B";

    fn slot(reader: &str, atr: Option<&str>) -> Slot {
        Slot {
            reader: reader.to_owned(),
            card_present: atr.is_some(),
            atr: atr.map(|a| hex::decode(a.replace(' ', "")).expect("hex")),
        }
    }

    fn names(c: Vec<&Slot>) -> Vec<&str> {
        c.into_iter().map(|s| s.reader.as_str()).collect()
    }

    #[test]
    fn supported_cards_in_reader_order_skipping_empty_and_unknown() {
        let table = AtrTable::builtin();
        let slots = [
            slot("A", None),
            slot("B", Some(UNKNOWN)),
            slot("C", Some(AM_EID)),
            slot("D", Some(AM_EID)),
        ];
        assert_eq!(
            names(candidates(&slots, None, &table).expect("cards")),
            ["C", "D"]
        );
        assert_eq!(
            names(candidates(&slots, Some("D"), &table).expect("configured")),
            ["D"]
        );
    }

    #[test]
    fn each_missing_piece_has_its_own_error() {
        let table = AtrTable::builtin();
        assert_eq!(candidates(&[], None, &table), Err(CardError::NoReaders));
        let empty = [slot("A", None), slot("B", None)];
        assert_eq!(
            candidates(&empty, None, &table),
            Err(CardError::NoCard("any reader".into()))
        );
        assert_eq!(
            candidates(&empty, Some("B"), &table),
            Err(CardError::NoCard("the reader \"B\"".into()))
        );
        assert_eq!(
            candidates(&empty, Some("Z"), &table),
            Err(CardError::ReaderNotFound("Z".into()))
        );
        assert_eq!(
            candidates(&[slot("A", Some(UNKNOWN))], None, &table),
            Err(CardError::UnsupportedCard {
                atr: "3B951381018073FF01000B".into()
            })
        );
    }
}
