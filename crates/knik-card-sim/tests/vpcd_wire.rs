//! The vpcd client against a stand-in for vpcd (a TCP listener speaking the wire protocol of
//! shared/reference/test-infra.md §1.5), so the framing is tested without pcscd.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use knik_card::pin::PinKind;
use knik_card_sim::{ApduLog, Faults, SimHandle, VpcdEnd, run_vpcd};

fn send(s: &mut TcpStream, payload: &[u8]) {
    let mut out = (payload.len() as u16).to_be_bytes().to_vec();
    out.extend_from_slice(payload);
    s.write_all(&out).unwrap();
}

fn recv(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 2];
    s.read_exact(&mut len).ok()?;
    let mut m = vec![0u8; u16::from_be_bytes(len) as usize];
    s.read_exact(&mut m).ok()?;
    Some(m)
}

#[test]
fn power_atr_apdus_and_close_as_vpcd_speaks_them() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let card = Arc::new(Mutex::new(card("citizen")));
    let atr = card.lock().unwrap().atr().to_vec();
    let client = {
        let card = card.clone();
        std::thread::spawn(move || run_vpcd(&addr, &card, &Faults::new(), ApduLog::Quiet))
    };
    let (mut vpcd, _) = listener.accept().unwrap();
    send(&mut vpcd, &[0x01]); // power on: no reply
    send(&mut vpcd, &[0x04]);
    assert_eq!(recv(&mut vpcd).unwrap(), atr);
    send(&mut vpcd, &h(AUTH));
    assert_eq!(recv(&mut vpcd).unwrap(), h("90 00"));
    send(&mut vpcd, &verify(0x01, "1234"));
    assert_eq!(recv(&mut vpcd).unwrap(), h("90 00"));
    assert!(card.lock().unwrap().is_verified(PinKind::Pin1));
    // Reset: no reply, the security state is gone.
    send(&mut vpcd, &[0x02]);
    send(&mut vpcd, &h("00 CA 01 01 00"));
    assert_eq!(
        recv(&mut vpcd).unwrap(),
        [&b"AMEID00000001"[..], &[0x90, 0x00]].concat()
    );
    assert!(!card.lock().unwrap().is_verified(PinKind::Pin1));
    // An extended APDU of 1007 bytes goes through the 2-byte framing (VERIFY: a block of
    // 1000 bytes is not a 12-byte PIN block).
    let mut big = h("00 20 00 01 00 03 E8");
    big.extend(vec![1u8; 1000]);
    send(&mut vpcd, &big);
    assert_eq!(recv(&mut vpcd).unwrap(), h("67 00"));
    drop(vpcd);
    assert_eq!(client.join().unwrap(), Ok(VpcdEnd::Closed));
}

#[test]
fn connecting_where_no_vpcd_listens_is_a_clear_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = SimHandle::spawn(card("citizen"), port).unwrap_err();
    assert!(err.to_string().contains("is pcscd running"), "{err}");
}

#[test]
fn the_handle_removes_reinserts_and_injects_faults() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut handle = SimHandle::spawn(card("citizen"), port).unwrap();
    let (mut vpcd, _) = listener.accept().unwrap();
    assert!(!handle.wait_detected(Duration::from_millis(50)));
    send(&mut vpcd, &[0x04]);
    recv(&mut vpcd).unwrap();
    assert!(handle.wait_detected(Duration::from_secs(2)));

    // Wrong status word for the next PSO, without executing it.
    handle.faults().status_for_ins(0x2A, 0x6F00);
    send(&mut vpcd, &case4("00 2A 9E 9A", &[0; 48]));
    assert_eq!(recv(&mut vpcd).unwrap(), h("6F 00"));
    handle.faults().clear();
    // Truncated response.
    handle.faults().truncate_apdu(1, 5);
    send(&mut vpcd, &h("00 CA 01 01 00"));
    assert_eq!(recv(&mut vpcd).unwrap(), b"AMEID");
    // Slow answers.
    handle.faults().set_delay(Duration::from_millis(200));
    let t = Instant::now();
    send(&mut vpcd, &h(MAIN));
    assert_eq!(recv(&mut vpcd).unwrap(), h("90 00"));
    assert!(t.elapsed() >= Duration::from_millis(200));
    handle.faults().clear();

    // Removal before the next signature: the connection closes instead of an answer.
    handle.faults().remove_before_next_signature();
    send(&mut vpcd, &h(SIGN));
    assert_eq!(recv(&mut vpcd).unwrap(), h("90 00"));
    send(&mut vpcd, &case4("00 2A 9E 9A", &[0; 48]));
    assert_eq!(recv(&mut vpcd), None);
    let t = Instant::now();
    while handle.is_inserted() && t.elapsed() < Duration::from_secs(2) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!handle.is_inserted());

    // Insert again: a new connection; PIN counters survive, the security state does not.
    handle.card().lock().unwrap().process(&verify(0x01, "0000"));
    handle.insert().unwrap();
    let (mut vpcd, _) = listener.accept().unwrap();
    send(&mut vpcd, &h(AUTH));
    assert_eq!(recv(&mut vpcd).unwrap(), h("90 00"));
    send(
        &mut vpcd,
        &h("00 CB 3F FF 0A 4D 08 70 06 BF 81 01 02 A0 80 00"),
    );
    assert_eq!(
        recv(&mut vpcd).unwrap(),
        h("70 0C BF 81 01 08 A0 06 9A 01 03 9B 01 02 90 00")
    );
    // remove(): vpcd sees the connection close.
    handle.remove();
    assert!(!handle.is_inserted());
    assert_eq!(recv(&mut vpcd), None);
}
