//! A person's own characteristics, which a mentee may ask their mentor to
//! share (MAT-1: "language, race, culture, religion, gender, sexuality"
//! [AFC]; CAF 2: "full reference to diversity").
//!
//! Race, religion and sexuality are special category data (UK GDPR Art. 9),
//! and gender and culture can reveal it, so each characteristic is used in
//! matching only with the person's consent to that one characteristic.
//! Until the confidentiality issue adds consent records, the consent is a
//! box the person ticks beside the field on their own profile; without
//! it the field is kept for them but matching ignores it. Only the person
//! sees or changes these fields.

use serde::{Deserialize, Serialize};

use crate::register::{MAX_TEXT, Problem};

/// A characteristic a person may record for matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Characteristic {
    Gender,
    Culture,
    Race,
    Religion,
    Sexuality,
}

impl Characteristic {
    /// Every characteristic, in the order the profile shows them.
    pub const ALL: [Characteristic; 5] = [
        Characteristic::Gender,
        Characteristic::Culture,
        Characteristic::Race,
        Characteristic::Religion,
        Characteristic::Sexuality,
    ];

    /// The field's name in forms, the API and the store.
    pub fn as_str(self) -> &'static str {
        match self {
            Characteristic::Gender => "gender",
            Characteristic::Culture => "culture",
            Characteristic::Race => "race",
            Characteristic::Religion => "religion",
            Characteristic::Sexuality => "sexuality",
        }
    }

    /// The name of the consent field beside it.
    pub fn consent_field(self) -> &'static str {
        match self {
            Characteristic::Gender => "gender_consent",
            Characteristic::Culture => "culture_consent",
            Characteristic::Race => "race_consent",
            Characteristic::Religion => "religion_consent",
            Characteristic::Sexuality => "sexuality_consent",
        }
    }

    /// The question on the person's profile.
    pub fn label(self) -> &'static str {
        match self {
            Characteristic::Gender => "Your gender",
            Characteristic::Culture => "Your culture or background",
            Characteristic::Race => "Your ethnicity",
            Characteristic::Religion => "Your religion or belief",
            Characteristic::Sexuality => "Your sexual orientation",
        }
    }

    /// The characteristic in a sentence, lower case: "religion or belief".
    pub fn noun(self) -> &'static str {
        match self {
            Characteristic::Gender => "gender",
            Characteristic::Culture => "culture or background",
            Characteristic::Race => "ethnicity",
            Characteristic::Religion => "religion or belief",
            Characteristic::Sexuality => "sexual orientation",
        }
    }

    /// Whether UK GDPR Art. 9 makes it special category data in itself.
    pub fn special_category(self) -> bool {
        matches!(
            self,
            Characteristic::Race | Characteristic::Religion | Characteristic::Sexuality
        )
    }

    pub fn parse(text: &str) -> Option<Characteristic> {
        Characteristic::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// One characteristic as recorded: the person's words, and whether they
/// let matching use them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recorded {
    pub value: String,
    pub consent: bool,
}

/// A person's characteristics, as typed on their profile or as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonIdentity {
    pub gender: Recorded,
    pub culture: Recorded,
    pub race: Recorded,
    pub religion: Recorded,
    pub sexuality: Recorded,
}

impl PersonIdentity {
    pub fn get(&self, characteristic: Characteristic) -> &Recorded {
        match characteristic {
            Characteristic::Gender => &self.gender,
            Characteristic::Culture => &self.culture,
            Characteristic::Race => &self.race,
            Characteristic::Religion => &self.religion,
            Characteristic::Sexuality => &self.sexuality,
        }
    }

    pub fn get_mut(&mut self, characteristic: Characteristic) -> &mut Recorded {
        match characteristic {
            Characteristic::Gender => &mut self.gender,
            Characteristic::Culture => &mut self.culture,
            Characteristic::Race => &mut self.race,
            Characteristic::Religion => &mut self.religion,
            Characteristic::Sexuality => &mut self.sexuality,
        }
    }

    /// Checks what was typed: each value trimmed and at most
    /// [`MAX_TEXT`] characters. Consent to a characteristic left empty is
    /// kept, so that it applies when the person fills it in later.
    pub fn check(mut self) -> Result<PersonIdentity, Vec<Problem>> {
        let mut problems = Vec::new();
        for characteristic in Characteristic::ALL {
            let recorded = self.get_mut(characteristic);
            recorded.value = recorded.value.trim().to_owned();
            if recorded.value.chars().count() > MAX_TEXT {
                problems.push(Problem {
                    field: characteristic.as_str(),
                    message: format!(
                        "{} must be {MAX_TEXT} characters or fewer",
                        characteristic.label()
                    ),
                });
            }
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }

    /// The characteristics matching may use: filled in and consented to,
    /// and nothing else.
    pub fn for_matching(&self) -> impl Iterator<Item = (Characteristic, &str)> + '_ {
        Characteristic::ALL.into_iter().filter_map(|c| {
            let recorded = self.get(c);
            (recorded.consent && !recorded.value.is_empty()).then_some((c, recorded.value.as_str()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorded(value: &str, consent: bool) -> Recorded {
        Recorded {
            value: value.to_owned(),
            consent,
        }
    }

    #[test]
    fn matching_uses_only_what_the_person_filled_in_and_consented_to() {
        let identity = PersonIdentity {
            gender: recorded("woman", true),
            culture: recorded("Welsh", false),
            race: recorded("", true),
            religion: recorded("Muslim", true),
            sexuality: recorded("gay", false),
        };
        let used: Vec<(Characteristic, &str)> = identity.for_matching().collect();
        assert_eq!(
            used,
            vec![
                (Characteristic::Gender, "woman"),
                (Characteristic::Religion, "Muslim"),
            ]
        );
    }

    #[test]
    fn a_check_trims_and_refuses_an_overlong_value_naming_its_field() {
        let typed = PersonIdentity {
            culture: recorded("  Welsh  ", true),
            religion: recorded(&"x".repeat(MAX_TEXT + 1), true),
            ..PersonIdentity::default()
        };
        let problems = typed.clone().check().expect_err("too long");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].field, "religion");
        assert!(problems[0].message.contains("religion or belief"));
        let checked = PersonIdentity {
            religion: recorded("Muslim", true),
            ..typed
        }
        .check()
        .expect("valid");
        assert_eq!(checked.culture.value, "Welsh");
    }

    #[test]
    fn race_religion_and_sexuality_are_special_category_data() {
        let special: Vec<Characteristic> = Characteristic::ALL
            .into_iter()
            .filter(|c| c.special_category())
            .collect();
        assert_eq!(
            special,
            vec![
                Characteristic::Race,
                Characteristic::Religion,
                Characteristic::Sexuality
            ]
        );
        for c in Characteristic::ALL {
            assert_eq!(Characteristic::parse(c.as_str()), Some(c));
        }
    }
}
