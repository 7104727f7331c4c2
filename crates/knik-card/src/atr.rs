//! Recognising a card by its ATR (web-eid.md §4.2): every exact ATR of every profile first,
//! then the masked rules in profile order, so a precise entry always beats a broad mask.

use crate::profile::{AtrRule, Profile};

/// The ATR rules of a set of profiles.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AtrTable {
    profiles: Vec<Profile>,
}

impl AtrTable {
    /// A table over `profiles`; earlier profiles win ties (put user profiles first to
    /// override a built-in one).
    pub fn new(profiles: Vec<Profile>) -> AtrTable {
        AtrTable { profiles }
    }

    /// The built-in profiles.
    pub fn builtin() -> AtrTable {
        AtrTable::new(Profile::builtin().to_vec())
    }

    /// User profiles in front of the built-in ones.
    pub fn with_builtin(mut user: Vec<Profile>) -> AtrTable {
        user.extend(Profile::builtin().iter().cloned());
        AtrTable::new(user)
    }

    /// The profiles, in lookup order.
    pub fn profiles(&self) -> &[Profile] {
        &self.profiles
    }

    /// The profile of the card with this ATR, if knik knows it.
    pub fn identify(&self, atr: &[u8]) -> Option<&Profile> {
        let exact = self.profiles.iter().find(|p| {
            p.atr
                .iter()
                .any(|r| matches!(r, AtrRule::Exact(_)) && r.matches(atr))
        });
        exact.or_else(|| {
            self.profiles.iter().find(|p| {
                p.atr
                    .iter()
                    .any(|r| matches!(r, AtrRule::Masked { .. }) && r.matches(atr))
            })
        })
    }
}

impl Default for AtrTable {
    fn default() -> Self {
        AtrTable::builtin()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    #[test]
    fn identifies_builtin_cards() {
        let t = AtrTable::builtin();
        let sim = h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 05 1A 41 4D 65 49 44 0F 90 00 AD");
        assert_eq!(t.identify(&sim).unwrap().id, "am-eid");
        // another batch: bytes 12-13 and TCK differ -> the mask
        let batch = h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 77 01 41 4D 65 49 44 0F 90 00 13");
        assert_eq!(t.identify(&batch).unwrap().id, "am-eid");
        let ee = h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 23 3F 53 65 49 44 0F 90 00 F1");
        assert_eq!(t.identify(&ee).unwrap().id, "ee-idemia");
        let unknown = h("3B 95 13 81 01 80 73 FF 01 00 0B");
        assert!(t.identify(&unknown).is_none());
        assert!(t.identify(&[]).is_none());
    }

    #[test]
    fn exact_beats_masked_across_profiles() {
        let mut broad = Profile::builtin_by_id("am-eid").unwrap().clone();
        broad.id = "broad".into();
        let ee = h("3B DB 96 00 80 B1 FE 45 1F 83 00 12 23 3F 53 65 49 44 0F 90 00 F1");
        broad.atr = vec![AtrRule::Masked {
            pattern: vec![0; ee.len()],
            mask: vec![0; ee.len()],
        }];
        // the broad profile comes first but only masks; ee-idemia's exact entry wins
        let t = AtrTable::with_builtin(vec![broad]);
        assert_eq!(t.identify(&ee).unwrap().id, "ee-idemia");
        let other = vec![0x3B; ee.len()];
        assert_eq!(t.identify(&other).unwrap().id, "broad");
    }
}
