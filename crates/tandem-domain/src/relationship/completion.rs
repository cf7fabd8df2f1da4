//! What completing a relationship needs (LIF-3), as a checklist of what is
//! still missing: the joint review (CWT Template 4), the evaluation form
//! with a mentor and a mentee section each signed (WSC), the second
//! self-assessment with its before/after comparison (CWT 2.2.7), and the
//! mentor's closing supervision (AFC "Process").

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{CompletionRequirements, party_name};
use crate::programme::{Party, Questionnaire};
use crate::register::mentee_questions;

/// What has been done towards completion, as the app finds it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompletionEvidence {
    /// Each completion form begun.
    pub forms: Vec<FormEvidence>,
    /// Whether the mentee has answered the self-assessment again at the end.
    pub after_self_assessment: bool,
    /// Whether the mentor's closing supervision has been recorded.
    pub closing_supervision: bool,
}

/// What has been done on one completion form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormEvidence {
    /// The questionnaire's key.
    pub key: String,
    /// The sections answered, by position from 0.
    pub sections_answered: Vec<usize>,
    /// Who has signed it.
    pub signed_by: Vec<Party>,
}

/// One thing completion still needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// A section of a form is unanswered.
    Section {
        /// The form's name.
        form: String,
        /// The section's title.
        section: String,
        /// Who answers it.
        party: Party,
    },
    /// A form lacks a signature.
    Signature {
        /// The form's name.
        form: String,
        /// Who has still to sign.
        party: Party,
    },
    /// The mentee's second self-assessment (CWT 2.2.7).
    AfterSelfAssessment,
    /// The record of the mentor's closing supervision (AFC "Process").
    ClosingSupervision {
        /// Who holds it.
        with: Party,
    },
}

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Missing::Section {
                form,
                section,
                party,
            } => write!(
                f,
                "{} to complete \"{section}\" of {form}",
                party_name(*party)
            ),
            Missing::Signature { form, party } => {
                write!(f, "{} to sign {form}", party_name(*party))
            }
            Missing::AfterSelfAssessment => {
                f.write_str("the mentee to answer the self-assessment again")
            }
            Missing::ClosingSupervision { with } => write!(
                f,
                "a record of the mentor's closing supervision with {}",
                party_name(*with)
            ),
        }
    }
}

impl CompletionRequirements {
    /// Everything completion still needs, in the order a page lists it;
    /// empty when the relationship may complete (LIF-3).
    pub fn missing(&self, evidence: &CompletionEvidence) -> Vec<Missing> {
        let mut missing = Vec::new();
        for form in &self.forms {
            let done = evidence
                .forms
                .iter()
                .find(|done| done.key == form.key.as_str());
            // WSC evaluation form: "Both parties should complete their section and sign the form".
            for (index, (section, party)) in form.sections.iter().enumerate() {
                if !done.is_some_and(|done| done.sections_answered.contains(&index)) {
                    missing.push(Missing::Section {
                        form: form.name.clone(),
                        section: section.clone(),
                        party: *party,
                    });
                }
            }
            for party in &form.signed_by {
                if !done.is_some_and(|done| done.signed_by.contains(party)) {
                    missing.push(Missing::Signature {
                        form: form.name.clone(),
                        party: *party,
                    });
                }
            }
        }
        if self.after_self_assessment.is_some() && !evidence.after_self_assessment {
            missing.push(Missing::AfterSelfAssessment);
        }
        if let Some(with) = self.closing_supervision
            && !evidence.closing_supervision
        {
            missing.push(Missing::ClosingSupervision { with });
        }
        missing
    }
}

/// One question's answers before and after (REQ-2, CWT 2.2.7), on the
/// questionnaire's scale (points from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerChange {
    /// The question.
    pub question: String,
    /// The point chosen before.
    pub before: u8,
    /// The point chosen after.
    pub after: u8,
    /// The label of the point chosen before, e.g. "Low".
    pub before_label: String,
    /// The label of the point chosen after.
    pub after_label: String,
}

impl AnswerChange {
    /// How many points the answer moved: positive is higher.
    pub fn change(&self) -> i16 {
        i16::from(self.after) - i16::from(self.before)
    }
}

/// The before/after comparison shown to the mentee (CWT 2.2.7: "a way of
/// measuring the impact of the mentoring"): one row per question both sets
/// of answers cover.
pub fn compare_self_assessments(
    questionnaire: &Questionnaire,
    before: &[u8],
    after: &[u8],
) -> Vec<AnswerChange> {
    let labels = questionnaire
        .scale
        .as_ref()
        .map(|scale| scale.labels.as_slice())
        .unwrap_or_default();
    let label = |point: u8| {
        usize::from(point)
            .checked_sub(1)
            .and_then(|index| labels.get(index))
            .cloned()
            .unwrap_or_else(|| point.to_string())
    };
    mentee_questions(questionnaire)
        .into_iter()
        .zip(before.iter().zip(after))
        .map(|(question, (&before, &after))| AnswerChange {
            question: question.to_owned(),
            before,
            after,
            before_label: label(before),
            after_label: label(after),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::programme::{Key, QuestionSection, QuestionnaireTime, Scale};
    use crate::relationship::CompletionForm;

    fn key(text: &str) -> Key {
        Key::parse(text).expect("a valid key")
    }

    /// WSC's evaluation form, CWT's second self-assessment and AFC's closing supervision at once.
    fn everything() -> CompletionRequirements {
        CompletionRequirements {
            forms: vec![CompletionForm {
                key: key("evaluation"),
                name: "the evaluation form".to_owned(),
                sections: vec![
                    ("Section A".to_owned(), Party::Mentor),
                    ("Section B".to_owned(), Party::Mentee),
                ],
                signed_by: vec![Party::Mentor, Party::Mentee],
            }],
            after_self_assessment: Some(key("self_assessment")),
            closing_supervision: Some(Party::SupervisingSocialWorker),
        }
    }

    #[test]
    fn the_checklist_names_each_missing_section_signature_and_record() {
        let requirements = everything();
        let form = |sections: &[usize], signed: &[Party]| FormEvidence {
            key: "evaluation".to_owned(),
            sections_answered: sections.to_vec(),
            signed_by: signed.to_vec(),
        };
        let all_signed = [Party::Mentor, Party::Mentee];
        let cases: Vec<(CompletionEvidence, Vec<Missing>)> = vec![
            (
                CompletionEvidence::default(),
                vec![
                    Missing::Section {
                        form: "the evaluation form".into(),
                        section: "Section A".into(),
                        party: Party::Mentor,
                    },
                    Missing::Section {
                        form: "the evaluation form".into(),
                        section: "Section B".into(),
                        party: Party::Mentee,
                    },
                    Missing::Signature {
                        form: "the evaluation form".into(),
                        party: Party::Mentor,
                    },
                    Missing::Signature {
                        form: "the evaluation form".into(),
                        party: Party::Mentee,
                    },
                    Missing::AfterSelfAssessment,
                    Missing::ClosingSupervision {
                        with: Party::SupervisingSocialWorker,
                    },
                ],
            ),
            (
                CompletionEvidence {
                    forms: vec![form(&[0, 1], &[Party::Mentor])],
                    after_self_assessment: true,
                    closing_supervision: true,
                },
                vec![Missing::Signature {
                    form: "the evaluation form".into(),
                    party: Party::Mentee,
                }],
            ),
            (
                CompletionEvidence {
                    forms: vec![form(&[1], &all_signed)],
                    after_self_assessment: true,
                    closing_supervision: true,
                },
                vec![Missing::Section {
                    form: "the evaluation form".into(),
                    section: "Section A".into(),
                    party: Party::Mentor,
                }],
            ),
            (
                CompletionEvidence {
                    forms: vec![form(&[0, 1], &all_signed)],
                    after_self_assessment: true,
                    closing_supervision: true,
                },
                vec![],
            ),
        ];
        for (evidence, expected) in cases {
            assert_eq!(requirements.missing(&evidence), expected, "{evidence:?}");
        }
        assert!(
            CompletionRequirements::default()
                .missing(&CompletionEvidence::default())
                .is_empty(),
            "a programme with no completion documents completes at its closing review"
        );
        assert_eq!(
            Missing::ClosingSupervision {
                with: Party::SupervisingSocialWorker
            }
            .to_string(),
            "a record of the mentor's closing supervision with the supervising social worker"
        );
    }

    #[test]
    fn before_and_after_answers_are_compared_question_by_question() {
        let questionnaire = Questionnaire {
            key: key("self_assessment"),
            name: "Self-assessment".into(),
            when: vec![
                QuestionnaireTime::BeforeMatching,
                QuestionnaireTime::AtCompletion,
            ],
            scale: Some(Scale {
                labels: vec!["Low".into(), "Middling".into(), "High".into()],
            }),
            sections: vec![QuestionSection {
                title: "Me".into(),
                answered_by: Party::Mentee,
                questions: vec!["Confidence".into(), "Influence".into()],
            }],
            signed_by: vec![],
        };
        let rows = compare_self_assessments(&questionnaire, &[1, 3], &[3, 2]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].question.as_str(), rows[0].change()),
            ("Confidence", 2)
        );
        assert_eq!(
            (rows[1].before_label.as_str(), rows[1].after_label.as_str()),
            ("High", "Middling")
        );
        assert_eq!(rows[1].change(), -1);
        assert!(compare_self_assessments(&questionnaire, &[1], &[]).is_empty());
    }
}
