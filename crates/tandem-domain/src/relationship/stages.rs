//! The stage a relationship has reached, where the programme tracks stages
//! (LIF-5; FUN "The mentoring process" and "The relationship cycle").

use super::state::Refused;
use super::{FieldError, RelationshipRules};
use crate::programme::Party;

/// A stage as chosen on the form: the name of a process stage and of a
/// relationship-cycle stage, either left empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageInput {
    /// One of the programme's process stages, e.g. "Foundation".
    pub process: String,
    /// One of its relationship-cycle stages.
    pub cycle: String,
}

/// The stage the pair say they have reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stage {
    /// The process stage, by its position in the programme's list.
    pub process: Option<usize>,
    /// The relationship-cycle stage, by its position.
    pub cycle: Option<usize>,
}

/// Checks a stage set by `by` (LIF-5): only the pair set it, only where the
/// programme tracks stages, and only to stages the programme names.
pub fn check_stage(
    rules: &RelationshipRules,
    by: Party,
    input: &StageInput,
) -> Result<Result<Stage, Vec<FieldError>>, Refused> {
    if !rules.tracks_stages() {
        return Err(Refused::new("This programme does not track stages."));
    }
    if !matches!(by, Party::Mentee | Party::Mentor) {
        return Err(Refused::new(
            "Only the mentee or the mentor sets the stage.",
        ));
    }
    let mut errors = Vec::new();
    let mut pick = |field: &str, text: &str, names: &[String]| {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let found = names.iter().position(|name| name == text);
        if found.is_none() {
            errors.push(FieldError::new(field, "Choose a stage from the list"));
        }
        found
    };
    let stage = Stage {
        process: pick("process", &input.process, &rules.stages.process),
        cycle: pick("cycle", &input.cycle, &rules.stages.cycle),
    };
    if errors.is_empty() && stage.process.is_none() && stage.cycle.is_none() {
        errors.push(FieldError::new("process", "Choose a stage"));
    }
    Ok(if errors.is_empty() {
        Ok(stage)
    } else {
        Err(errors)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::relationship::test_support::{shipped_programme, shipped_rules};

    fn rules(key: &str) -> RelationshipRules {
        let track = shipped_programme(key).tracks[0].key.as_str().to_owned();
        shipped_rules(key, &track)
    }

    #[test]
    fn the_pair_set_a_stage_the_programme_names() {
        let fun = rules("fun");
        let input = |process: &str, cycle: &str| StageInput {
            process: process.into(),
            cycle: cycle.into(),
        };
        let stage = check_stage(&fun, Party::Mentee, &input("Foundation", ""));
        assert_eq!(
            stage,
            Ok(Ok(Stage {
                process: Some(1),
                cycle: None
            }))
        );
        let stage = check_stage(
            &fun,
            Party::Mentor,
            &input("", "Progression: 'mentoring for real'"),
        );
        assert_eq!(
            stage,
            Ok(Ok(Stage {
                process: None,
                cycle: Some(2)
            }))
        );
        let fields = |result: Result<Result<Stage, Vec<FieldError>>, Refused>| -> Vec<String> {
            match result {
                Ok(Err(errors)) => errors.into_iter().map(|e| e.field).collect(),
                _ => vec![],
            }
        };
        assert_eq!(
            fields(check_stage(&fun, Party::Mentee, &input("Storming", ""))),
            ["process"]
        );
        assert_eq!(
            fields(check_stage(&fun, Party::Mentee, &input("", ""))),
            ["process"]
        );
        assert!(check_stage(&fun, Party::Coordinator, &input("Foundation", "")).is_err());
        assert!(check_stage(&rules("cwt"), Party::Mentee, &input("Foundation", "")).is_err());
    }
}
