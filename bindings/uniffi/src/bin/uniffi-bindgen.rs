//! uniffi's binding generator, built from the same uniffi version as the library:
//! `cargo run -p knik-uniffi --bin uniffi-bindgen -- generate --library LIB --language kotlin …`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
