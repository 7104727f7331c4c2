//! Where the pieces a verifier or an extender needs come from: data objects resolved from a
//! container, and issuers found among known certificates.

use std::io::{self, Write};

use knik_asic::Container;
use knik_pki::Certificate;
use knik_xades::xades::DataResolver;

/// Data objects resolved from a container's data files.
pub(crate) struct ContainerResolver<R> {
    pub(crate) container: Container<R>,
}

impl<R: io::Read + io::Seek> DataResolver for ContainerResolver<R> {
    fn write_data(&mut self, uri: &str, out: &mut dyn Write) -> io::Result<bool> {
        let name = match self.container.data_file_for_uri(uri) {
            Ok(Some(n)) => n.to_owned(),
            Ok(None) => return Ok(false),
            Err(e) => return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string())),
        };
        let mut r = self
            .container
            .open_data_file(&name)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))?;
        io::copy(&mut r, out)?;
        Ok(true)
    }
}

/// The certificate among `known` that issued `cert` (name match and a valid signature).
pub(crate) fn find_issuer<'a>(
    cert: &Certificate,
    known: &'a [Certificate],
) -> Option<&'a Certificate> {
    known
        .iter()
        .find(|c| c.subject() == cert.issuer() && cert.verify_issued_by(c).is_ok())
}
