//! PC/SC return codes as knik errors: the service ones (context, listing, connecting) and the
//! ones of an exchange with a connected card.

use pcsc::Error as Sc;

use crate::error::Error;
use crate::transport::TransportError;

/// A failure of the service itself (establishing a context, listing readers, waiting).
pub(crate) fn service(e: Sc) -> Error {
    match e {
        Sc::NoService | Sc::ServiceStopped | Sc::Shutdown | Sc::CommError => {
            Error::ServiceUnavailable
        }
        Sc::NoReadersAvailable => Error::NoReaders,
        other => Error::Pcsc(describe(other)),
    }
}

/// A failure to connect to the card in `reader`.
pub(crate) fn connect(e: Sc, reader: &str) -> Error {
    match e {
        Sc::UnknownReader => Error::ReaderNotFound(reader.to_string()),
        Sc::NoSmartcard | Sc::RemovedCard => Error::NoCard(reader.to_string()),
        Sc::SharingViolation => Error::Transport(TransportError::SharingViolation),
        Sc::ReaderUnavailable => Error::Transport(TransportError::ReaderUnavailable),
        Sc::UnresponsiveCard | Sc::UnpoweredCard => Error::Transport(TransportError::Other(
            format!("the card in {reader} does not answer (is it inserted the right way?)"),
        )),
        other => service(other),
    }
}

/// A failure of one exchange (transmit, begin or end a transaction, control).
pub(crate) fn transport(e: Sc) -> TransportError {
    match e {
        // Reset by another application counts as removed: whatever state the operation relied
        // on (a selected application, a verified PIN) is gone.
        Sc::RemovedCard | Sc::NoSmartcard | Sc::ResetCard | Sc::UnpoweredCard => {
            TransportError::CardRemoved
        }
        Sc::Timeout => TransportError::Timeout,
        Sc::SharingViolation => TransportError::SharingViolation,
        Sc::UnresponsiveCard => TransportError::Other("the card gave no answer".to_string()),
        Sc::ReaderUnavailable
        | Sc::UnknownReader
        | Sc::NoService
        | Sc::ServiceStopped
        | Sc::Shutdown
        | Sc::NoReadersAvailable => TransportError::ReaderUnavailable,
        other => TransportError::Other(describe(other)),
    }
}

/// The PC/SC constant's meaning and its number, e.g. "… (0x80100016)".
fn describe(e: Sc) -> String {
    format!("{e} (0x{:08X})", e as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_errors_users_can_act_on() {
        assert_eq!(service(Sc::NoService), Error::ServiceUnavailable);
        assert_eq!(service(Sc::NoReadersAvailable), Error::NoReaders);
        assert_eq!(
            connect(Sc::UnknownReader, "R"),
            Error::ReaderNotFound("R".into())
        );
        assert_eq!(connect(Sc::NoSmartcard, "R"), Error::NoCard("R".into()));
        assert_eq!(
            service(Sc::NoMemory),
            Error::Pcsc("Not enough memory available to complete this command (0x80100006)".into())
        );
    }

    #[test]
    fn exchange_errors() {
        assert_eq!(transport(Sc::RemovedCard), TransportError::CardRemoved);
        assert_eq!(transport(Sc::NoSmartcard), TransportError::CardRemoved);
        assert_eq!(transport(Sc::Timeout), TransportError::Timeout);
        assert_eq!(
            transport(Sc::SharingViolation),
            TransportError::SharingViolation
        );
        assert_eq!(
            transport(Sc::ReaderUnavailable),
            TransportError::ReaderUnavailable
        );
        assert!(matches!(
            transport(Sc::InvalidValue),
            TransportError::Other(_)
        ));
    }
}
