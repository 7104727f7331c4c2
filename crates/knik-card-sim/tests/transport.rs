//! The in-process transport: what knik-card's channel sees.

mod common;

use common::*;
use knik_card::pin::PinKind;
use knik_card::transport::{CardTransport, TransportError};
use knik_card_sim::{Faults, SimTransport};

#[test]
fn the_transport_carries_apdus_and_resets_at_the_end_of_a_transaction() {
    let mut t = SimTransport::new(card("citizen"));
    assert_eq!(
        t.atr(),
        h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 05 1A 41 4D 65 49 44 0F 90 00 AD")
    );
    assert!(t.capabilities().extended_length);
    t.begin_transaction().unwrap();
    assert_eq!(t.transmit(&h(AUTH)).unwrap(), h("90 00"));
    assert_eq!(t.transmit(&verify(0x01, "1234")).unwrap(), h("90 00"));
    t.end_transaction(false).unwrap();
    assert!(t.card().lock().unwrap().is_verified(PinKind::Pin1));
    t.end_transaction(true).unwrap();
    assert!(!t.card().lock().unwrap().is_verified(PinKind::Pin1));
}

#[test]
fn a_removed_card_fails_every_exchange_until_inserted() {
    let faults = Faults::new();
    let mut t = SimTransport::new(card("citizen")).with_faults(faults.clone());
    faults.remove_before_apdu(2);
    assert_eq!(t.transmit(&h(SIGN)).unwrap(), h("90 00"));
    assert_eq!(t.transmit(&h(MSE_SIGN)), Err(TransportError::CardRemoved));
    assert_eq!(t.transmit(&h(SIGN)), Err(TransportError::CardRemoved));
    assert_eq!(t.begin_transaction(), Err(TransportError::CardRemoved));
    t.insert();
    assert_eq!(t.transmit(&h(SIGN)).unwrap(), h("90 00"));
    faults.status_for_apdu(1, 0x6F00);
    assert_eq!(t.transmit(&h(SIGN)).unwrap(), h("6F 00"));
}
