//! The test phone numbers and what the simulated person does for each
//! (test-vectors/mobile-id/README.md, the authoritative table).

use knik_mobile_id::SessionResult;

/// The test person's national identity number: the test PKI's `mobile` holder (PETROSYAN ANI).
pub const NATIONAL_IDENTITY_NUMBER: &str = "2810770123";

/// What happens for one phone number.
///
/// Every session result arrives on the first status request, except:
/// * [`Ok`](Scenario::Ok) and [`WrongKey`](Scenario::WrongKey): the first status request is
///   answered `RUNNING` at once (the phone shows the prompt), and the person confirms at that
///   moment, so the next one answers `OK`;
/// * [`SlowUser`](Scenario::SlowUser): `RUNNING` until
///   [`SimConfig::slow_user_delay`](crate::SimConfig::slow_user_delay) (3 s) after the start,
///   so a long poll is held and answered as soon as the person confirms;
/// * [`NeverAnswers`](Scenario::NeverAnswers): `RUNNING` for as long as the session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// `+37400000001`: `OK` after one `RUNNING` answer.
    Ok,
    /// `+37400000002`, and any number or identity number not in the table: `/certificate`
    /// answers `NOT_FOUND`, sessions end `NOT_MID_CLIENT`.
    NotMidClient,
    /// `+37400000003`: `USER_CANCELLED`.
    UserCancelled,
    /// `+37400000004`: `TIMEOUT` (at once; the real service takes about 2 minutes).
    Timeout,
    /// `+37400000005`: `PHONE_ABSENT`.
    PhoneAbsent,
    /// `+37400000006`: `DELIVERY_ERROR`.
    DeliveryError,
    /// `+37400000007`: `SIM_ERROR`.
    SimError,
    /// `+37400000008`: `SIGNATURE_HASH_MISMATCH`.
    SignatureHashMismatch,
    /// `+37400000009`: `OK` after about 3 s, a slow user who takes several long polls.
    SlowUser,
    /// `+37400000010`: `OK` after one `RUNNING` answer, but signed with a key that no
    /// certificate holds; a client must refuse the signature.
    WrongKey,
    /// `+37400000011`: never answers; `RUNNING` until the session expires.
    NeverAnswers,
}

impl Scenario {
    /// Every scenario, in the order of the table.
    pub const ALL: [Scenario; 11] = [
        Scenario::Ok,
        Scenario::NotMidClient,
        Scenario::UserCancelled,
        Scenario::Timeout,
        Scenario::PhoneAbsent,
        Scenario::DeliveryError,
        Scenario::SimError,
        Scenario::SignatureHashMismatch,
        Scenario::SlowUser,
        Scenario::WrongKey,
        Scenario::NeverAnswers,
    ];

    /// The test phone number that selects this scenario.
    pub fn phone_number(self) -> &'static str {
        match self {
            Scenario::Ok => "+37400000001",
            Scenario::NotMidClient => "+37400000002",
            Scenario::UserCancelled => "+37400000003",
            Scenario::Timeout => "+37400000004",
            Scenario::PhoneAbsent => "+37400000005",
            Scenario::DeliveryError => "+37400000006",
            Scenario::SimError => "+37400000007",
            Scenario::SignatureHashMismatch => "+37400000008",
            Scenario::SlowUser => "+37400000009",
            Scenario::WrongKey => "+37400000010",
            Scenario::NeverAnswers => "+37400000011",
        }
    }

    /// The scenario for a person: the phone number decides, provided the national identity
    /// number is the test person's; anything else is not a mobile ID client.
    pub fn for_person(phone_number: &str, national_identity_number: &str) -> Scenario {
        if national_identity_number != NATIONAL_IDENTITY_NUMBER {
            return Scenario::NotMidClient;
        }
        Scenario::ALL
            .into_iter()
            .find(|s| s.phone_number() == phone_number)
            .unwrap_or(Scenario::NotMidClient)
    }

    /// Whether `POST /certificate` answers `OK` with the signing certificate.
    pub fn has_certificate(self) -> bool {
        self != Scenario::NotMidClient
    }

    /// The result the session ends with, if it ends (`None` for
    /// [`NeverAnswers`](Scenario::NeverAnswers)).
    pub fn session_result(self) -> Option<SessionResult> {
        Some(match self {
            Scenario::Ok | Scenario::SlowUser | Scenario::WrongKey => SessionResult::Ok,
            Scenario::NotMidClient => SessionResult::NotMidClient,
            Scenario::UserCancelled => SessionResult::UserCancelled,
            Scenario::Timeout => SessionResult::Timeout,
            Scenario::PhoneAbsent => SessionResult::PhoneAbsent,
            Scenario::DeliveryError => SessionResult::DeliveryError,
            Scenario::SimError => SessionResult::SimError,
            Scenario::SignatureHashMismatch => SessionResult::SignatureHashMismatch,
            Scenario::NeverAnswers => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_phone_number_decides_only_for_the_test_person() {
        for s in Scenario::ALL {
            assert_eq!(
                Scenario::for_person(s.phone_number(), NATIONAL_IDENTITY_NUMBER),
                s
            );
            assert_eq!(
                Scenario::for_person(s.phone_number(), "2810770124"),
                Scenario::NotMidClient
            );
        }
        assert_eq!(
            Scenario::for_person("+37400000012", NATIONAL_IDENTITY_NUMBER),
            Scenario::NotMidClient
        );
    }
}
