//! The TLS side: the simulator serves exactly `test-vectors/mobile-id/sim-tls.pem`, whose key
//! has the pin in `sim-tls.pin`; a client pinned to it refuses a server with the impostor
//! identity (`impostor-tls.*`), and the handle reports the served certificate and pin.

mod common;

use std::path::Path;

use common::*;
use knik_mobile_id_sim::{SimConfig, default_tls_cert, default_tls_pin_file, test_vectors_dir};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;

fn pem_der(path: &Path) -> Vec<u8> {
    CertificateDer::from_pem_file(path)
        .expect("a PEM certificate")
        .to_vec()
}

#[test]
fn the_served_certificate_is_sim_tls_pem_with_the_published_pin() {
    let sim = start();
    let client = Client::new(&sim);
    let stream = client.connect().expect("the pinned handshake succeeds");
    let chain = stream
        .conn
        .peer_certificates()
        .expect("the server sent its certificate");
    assert_eq!(chain.len(), 1, "a self-signed certificate, no chain");
    assert_eq!(chain[0].as_ref(), pem_der(&default_tls_cert()).as_slice());
    let pin = read_pin(&default_tls_pin_file());
    assert_eq!(spki_pin(chain[0].as_ref()), pin);
    assert_eq!(sim.tls_pin(), pin);
    let reported = CertificateDer::from_pem_slice(sim.tls_certificate_pem().as_bytes())
        .expect("the handle reports a PEM certificate");
    assert_eq!(reported.as_ref(), pem_der(&default_tls_cert()).as_slice());
}

#[test]
fn a_client_pinned_to_the_simulator_refuses_the_impostor() {
    let dir = test_vectors_dir().join("mobile-id");
    let impostor = start_with(SimConfig {
        tls_cert: dir.join("impostor-tls.pem"),
        tls_key: dir.join("impostor-tls.key"),
        ..SimConfig::default()
    });
    assert_eq!(impostor.tls_pin(), read_pin(&dir.join("impostor-tls.pin")));
    assert_ne!(impostor.tls_pin(), read_pin(&default_tls_pin_file()));
    let error = Client::new(&impostor)
        .connect()
        .expect_err("the pin does not match");
    assert!(
        error.to_string().contains("ApplicationVerificationFailure"),
        "{error}"
    );
    // Pinned to both (a rotation), the impostor's key is accepted.
    let pins = [
        read_pin(&default_tls_pin_file()),
        read_pin(&dir.join("impostor-tls.pin")),
    ];
    connect_with(impostor.addr(), pinned_tls_config(&pins)).expect("either pin is accepted");
}
