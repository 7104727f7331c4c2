//! The card's public personal-data file: who the card belongs to, readable without a PIN.

use std::collections::BTreeMap;

/// The fields of the personal-data file, by the names the profile gives them
/// (`surname`, `given_names`, `personal_number`, `document_number`, …). Empty files are left out.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PersonalData {
    fields: BTreeMap<String, String>,
}

impl PersonalData {
    /// Builds the record from (field name, value) pairs; empty values are dropped.
    pub fn from_fields<I, K, V>(fields: I) -> PersonalData
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let fields = fields
            .into_iter()
            .map(|(k, v)| (k.into(), v.into().trim().to_string()))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        PersonalData { fields }
    }

    /// One field by name.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// All fields, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.fields.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Surname in Latin script.
    pub fn surname(&self) -> Option<&str> {
        self.get("surname")
    }

    /// Given names in Latin script.
    pub fn given_names(&self) -> Option<&str> {
        self.get("given_names")
    }

    /// The personal number (PSN for Armenian cards).
    pub fn personal_number(&self) -> Option<&str> {
        self.get("personal_number")
    }

    /// The document number.
    pub fn document_number(&self) -> Option<&str> {
        self.get("document_number")
    }
}
