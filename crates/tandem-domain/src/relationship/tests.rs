//! The state machine's whole transition table, what each shipped
//! programme's rules come out as, and one life per programme from
//! introduction to its end, under that programme's own rules.

use time::Date;
use time::macros::date;

use super::agreement::{Agreement, AgreementInput};
use super::completion::{CompletionEvidence, FormEvidence};
use super::leaving::{LeaveCategory, NoMatchReason};
use super::meetings::MeetingInput;
use super::rematch::{Rematch, rematch};
use super::state::{ReviewOutcome, check_history, record};
use super::*;
use crate::permissions::Actor;
use crate::programme::{LineManagerView, MonthRange, Party};

use super::test_support::{months, shipped_programme as programme, shipped_rules as rules};

fn leave(category: LeaveCategory) -> (LeaveCategory, Option<String>) {
    (category, None)
}

/// Every event, each carrying what it needs to pass on AFC's newly approved
/// track (which allows every outcome), by name.
fn every_event() -> Vec<(&'static str, Event)> {
    let (category, reason) = leave(LeaveCategory::Time);
    vec![
        (
            "no_match",
            Event::NoMatch {
                reasons: vec![NoMatchReason::StyleDoesNotSuit],
                detail: String::new(),
            },
        ),
        (
            "agree",
            Event::Agree {
                agreement_in_force: true,
            },
        ),
        ("start_review", Event::StartReview),
        ("review_continue", Event::Review(ReviewOutcome::Continue)),
        ("review_amend", Event::Review(ReviewOutcome::Amend)),
        (
            "review_extend",
            Event::Review(ReviewOutcome::Extend {
                months: months(2),
                reason: "A placement move is due".into(),
            }),
        ),
        ("review_end", Event::Review(ReviewOutcome::End)),
        (
            "complete",
            Event::Complete(CompletionEvidence {
                closing_supervision: true,
                ..CompletionEvidence::default()
            }),
        ),
        (
            "withdraw",
            Event::Withdraw {
                category,
                reason: reason.clone(),
            },
        ),
        (
            "end_early",
            Event::EndEarly {
                category,
                reason: reason.clone(),
            },
        ),
        (
            "request_new_mentor",
            Event::RequestNewMentor { category, reason },
        ),
    ]
}

#[test]
fn every_state_and_event_pair_is_allowed_or_refused_as_the_table_says() {
    use State::{Agreed, Completed, EndedEarly, NoMatch, UnderReview, Withdrawn};
    let rules = rules("afc", "newly_approved");
    // Columns: Introduced, Agreed, UnderReview, Completed, NoMatch, Withdrawn, EndedEarly.
    let x = None;
    let table: [(&str, [Option<State>; 7]); 11] = [
        ("no_match", [Some(NoMatch), x, x, x, x, x, x]),
        ("agree", [Some(Agreed), x, x, x, x, x, x]),
        ("start_review", [x, Some(UnderReview), x, x, x, x, x]),
        ("review_continue", [x, x, Some(Agreed), x, x, x, x]),
        ("review_amend", [x, x, Some(Agreed), x, x, x, x]),
        ("review_extend", [x, x, Some(Agreed), x, x, x, x]),
        ("review_end", [x, x, Some(EndedEarly), x, x, x, x]),
        ("complete", [x, x, Some(Completed), x, x, x, x]),
        ("withdraw", [Some(Withdrawn), x, x, x, x, x, x]),
        (
            "end_early",
            [x, Some(EndedEarly), Some(EndedEarly), x, x, x, x],
        ),
        (
            "request_new_mentor",
            [
                Some(Withdrawn),
                Some(EndedEarly),
                Some(EndedEarly),
                x,
                x,
                x,
                x,
            ],
        ),
    ];
    let events = every_event();
    assert_eq!(events.len(), table.len(), "the table covers every event");
    for ((name, expected_row), (event_name, event)) in table.iter().zip(&events) {
        assert_eq!(name, event_name);
        assert_eq!(*name, event.as_str());
        for (from, expected) in State::ALL.into_iter().zip(expected_row) {
            let result = apply(from, event, Party::Mentee, &rules);
            match (expected, &result) {
                (Some(to), Ok(state)) => assert_eq!(state, to, "{name} from {from:?}"),
                (None, Err(refused)) => {
                    let message = refused.message();
                    assert!(
                        message.ends_with('.') && message.len() > 20,
                        "{name} from {from:?}: a sentence to show, not {message:?}"
                    );
                    assert_eq!(
                        message.contains("has ended"),
                        from.is_ended(),
                        "{name} from {from:?}: {message}"
                    );
                }
                _ => panic!("{name} from {from:?}: expected {expected:?}, got {result:?}"),
            }
        }
    }
}

#[test]
fn refusals_say_what_to_do_instead() {
    let rules = rules("afc", "newly_approved");
    let events = every_event();
    let event = |name: &str| {
        events
            .iter()
            .find(|(event_name, _)| *event_name == name)
            .map(|(_, event)| event.clone())
            .expect("a named event")
    };
    let cases = [
        (State::Agreed, "complete", "start a review first"),
        (
            State::Agreed,
            "withdraw",
            "end it or ask for another mentor",
        ),
        (
            State::Introduced,
            "end_early",
            "withdraw or record a No Match",
        ),
        (State::UnderReview, "start_review", "already under way"),
        (State::Completed, "agree", "has ended (completed)"),
    ];
    for (from, name, words) in cases {
        let refused = apply(from, &event(name), Party::Mentor, &rules).expect_err("refused");
        assert!(refused.message().contains(words), "{name}: {refused}");
    }
}

/// `Ok(())` where the event is allowed, else words the refusal contains.
type Expectation = Result<(), &'static str>;

/// A case: what it shows, (programme, track), the state, the event, who acts, what follows.
type Case = (
    &'static str,
    (&'static str, &'static str),
    State,
    Event,
    Party,
    Expectation,
);

#[test]
fn who_may_act_and_what_events_need_follow_each_programme() {
    let (category, _) = leave(LeaveCategory::NotWorkingOut);
    let no_reasons = Event::NoMatch {
        reasons: vec![],
        detail: String::new(),
    };
    let other_unsaid = Event::NoMatch {
        reasons: vec![NoMatchReason::Other],
        detail: " ".into(),
    };
    let extend = |reason: &str| {
        Event::Review(ReviewOutcome::Extend {
            months: months(3),
            reason: reason.into(),
        })
    };
    let unsigned = Event::Agree {
        agreement_in_force: false,
    };
    let nothing_done = Event::Complete(CompletionEvidence::default());
    let end = Event::EndEarly {
        category,
        reason: Some("We did not get on".into()),
    };
    use State::{Agreed, Introduced, UnderReview};
    let cases: Vec<Case> = vec![
        (
            "CWT 2.2.5: reasons captured",
            ("cwt", "leadership"),
            Introduced,
            no_reasons.clone(),
            Party::Mentee,
            Err("at least one reason"),
        ),
        (
            "FUN: a No Match without reasons",
            ("fun", "staff_development"),
            Introduced,
            no_reasons,
            Party::Mentor,
            Ok(()),
        ),
        (
            "another reason needs saying",
            ("fun", "staff_development"),
            Introduced,
            other_unsaid,
            Party::Mentor,
            Err("other reason"),
        ),
        (
            "AFC: the SSW who arranged the introduction records a No Match",
            ("afc", "adversity"),
            Introduced,
            Event::NoMatch {
                reasons: vec![NoMatchReason::ConflictOfInterest],
                detail: String::new(),
            },
            Party::SupervisingSocialWorker,
            Ok(()),
        ),
        (
            "CWT: a coordinator does not",
            ("cwt", "leadership"),
            Introduced,
            Event::NoMatch {
                reasons: vec![NoMatchReason::ConflictOfInterest],
                detail: String::new(),
            },
            Party::Coordinator,
            Err("Only the mentee, the mentor"),
        ),
        (
            "CAF 3: not until the line manager has signed too",
            ("caf", "new_staff"),
            Introduced,
            unsigned.clone(),
            Party::Mentee,
            Err("not in force"),
        ),
        (
            "FUN: the agreement is optional",
            ("fun", "staff_development"),
            Introduced,
            unsigned,
            Party::Mentee,
            Ok(()),
        ),
        (
            "CAF 2: reviewed with line managers",
            ("caf", "new_staff"),
            Agreed,
            Event::StartReview,
            Party::LineManager,
            Ok(()),
        ),
        (
            "AFC: reviewed with the SSW",
            ("afc", "newly_approved"),
            UnderReview,
            Event::Review(ReviewOutcome::Continue),
            Party::SupervisingSocialWorker,
            Ok(()),
        ),
        (
            "CWT: not by the line manager",
            ("cwt", "leadership"),
            Agreed,
            Event::StartReview,
            Party::LineManager,
            Err("Only the mentee, the mentor"),
        ),
        (
            "CWT: the agreement is not amended",
            ("cwt", "leadership"),
            UnderReview,
            Event::Review(ReviewOutcome::Amend),
            Party::Mentee,
            Err("not amended"),
        ),
        (
            "AFC: reviewed and amended",
            ("afc", "newly_approved"),
            UnderReview,
            Event::Review(ReviewOutcome::Amend),
            Party::Mentor,
            Ok(()),
        ),
        (
            "AFC newly approved: extended with a reason",
            ("afc", "newly_approved"),
            UnderReview,
            extend("vital to the situation"),
            Party::Mentor,
            Ok(()),
        ),
        (
            "AFC newly approved: a reason is needed",
            ("afc", "newly_approved"),
            UnderReview,
            extend(" "),
            Party::Mentor,
            Err("needs a reason"),
        ),
        (
            "AFC adversity: time limited",
            ("afc", "adversity"),
            UnderReview,
            extend("vital"),
            Party::Mentor,
            Err("does not allow extensions"),
        ),
        (
            "WSC 7.1: extended with a reason",
            ("wsc", "development"),
            UnderReview,
            extend("needs"),
            Party::Mentee,
            Ok(()),
        ),
        (
            "CWT: no extensions",
            ("cwt", "leadership"),
            UnderReview,
            extend("needs"),
            Party::Mentee,
            Err("does not allow extensions"),
        ),
        (
            "WSC: completion needs the evaluation form",
            ("wsc", "development"),
            UnderReview,
            nothing_done.clone(),
            Party::Mentee,
            Err("Section A"),
        ),
        (
            "CWT: completion needs Template 4 and the second self-assessment",
            ("cwt", "leadership"),
            UnderReview,
            nothing_done.clone(),
            Party::Mentee,
            Err("self-assessment again"),
        ),
        (
            "AFC: completion needs the closing supervision",
            ("afc", "adversity"),
            UnderReview,
            nothing_done.clone(),
            Party::Mentor,
            Err("closing supervision"),
        ),
        (
            "FUN: nothing more to complete",
            ("fun", "staff_development"),
            UnderReview,
            nothing_done.clone(),
            Party::Mentor,
            Ok(()),
        ),
        (
            "CAF: a line manager does not complete",
            ("caf", "new_staff"),
            UnderReview,
            nothing_done,
            Party::LineManager,
            Err("the line manager cannot"),
        ),
        (
            "LIF-4: the mentor may end",
            ("fun", "staff_development"),
            Agreed,
            end.clone(),
            Party::Mentor,
            Ok(()),
        ),
        (
            "LIF-4: a coordinator may not",
            ("fun", "staff_development"),
            Agreed,
            end,
            Party::Coordinator,
            Err("the coordinator cannot"),
        ),
    ];
    for (case, (key, track), from, event, party, expected) in cases {
        let result = apply(from, &event, party, &rules(key, track));
        match (expected, result) {
            (Ok(()), Ok(_)) => {}
            (Err(words), Err(refused)) => {
                assert!(refused.message().contains(words), "{case}: {refused}");
            }
            (expected, result) => panic!("{case}: expected {expected:?}, got {result:?}"),
        }
    }
}

#[test]
fn the_five_programmes_rules_come_out_as_their_documents_say() {
    let caf = rules("caf", "new_staff");
    let fun = rules("fun", "staff_development");
    let wsc = rules("wsc", "development");
    let newly = rules("afc", "newly_approved");
    let adversity = rules("afc", "adversity");
    let cwt = rules("cwt", "leadership");
    // AGR-1: who arranges the introduction.
    assert_eq!(
        cwt.introduction.arranged_by,
        Some(Party::Mentee),
        "CWT 2.2.4"
    );
    assert_eq!(
        newly.introduction.arranged_by,
        Some(Party::SupervisingSocialWorker),
        "AFC"
    );
    assert_eq!(
        newly.introduction.also_attending,
        [Party::SupervisingSocialWorker]
    );
    assert_eq!(wsc.introduction.arranged_by, Some(Party::Mentee), "WSC 5.1");
    assert_eq!(
        (fun.introduction.arranged_by, caf.introduction.arranged_by),
        (None, None)
    );
    assert!(
        fun.may_arrange_introduction(Party::Mentor) && !cwt.may_arrange_introduction(Party::Mentor)
    );
    assert_eq!(
        (
            cwt.introduction.agenda.len(),
            newly.introduction.agenda.len()
        ),
        (7, 7)
    );
    assert_eq!(fun.introduction.agenda.len(), 3);
    // AGR-2
    assert!(cwt.no_match.reasons_required && !fun.no_match.reasons_required);
    // AGR-3, AGR-4: who drafts and signs; CAF adds the line manager, who sees the time only.
    assert_eq!(cwt.agreement.drafted_by, Some(Party::Mentee));
    assert_eq!(cwt.agreement.signatories, [Party::Mentor]);
    assert_eq!(
        caf.agreement.signatories,
        [Party::Mentee, Party::Mentor, Party::LineManager]
    );
    assert_eq!(
        caf.agreement.line_manager_sees,
        LineManagerView::TimeCommitmentOnly
    );
    assert_eq!(fun.agreement.line_manager_sees, LineManagerView::Nothing);
    for pair_signs in [&fun, &wsc, &newly] {
        assert_eq!(
            pair_signs.agreement.signatories,
            [Party::Mentee, Party::Mentor]
        );
    }
    assert!(
        !fun.agreement.required,
        "FUN: a negotiated agreement can be included"
    );
    assert!(
        !newly.agreement.required,
        "AFC: an agreement is recommended (\"Record keeping\"), not required"
    );
    assert!(caf.agreement.required && wsc.agreement.required && cwt.agreement.required);
    // AGR-5
    let amendable: Vec<bool> = [&caf, &fun, &wsc, &newly, &cwt]
        .iter()
        .map(|r| r.agreement.amendable)
        .collect();
    assert_eq!(amendable, [true, true, false, true, false]);
    // MTG-1, MTG-2: notes, who writes, who agrees; PLN-1: the action plan.
    assert!(!cwt.records.notes_allowed && !caf.records.notes_allowed);
    assert!(fun.records.notes_allowed && wsc.records.notes_allowed && newly.records.notes_allowed);
    assert_eq!(fun.records.written_by, Party::Mentor);
    assert_eq!(wsc.records.written_by, Party::Mentee, "WSC contract 5");
    assert_eq!(newly.records.agreed_by, [Party::Mentee, Party::Mentor]);
    assert_eq!(newly.records.shared_with, [Party::SupervisingSocialWorker]);
    assert_eq!(newly.records.at_least_every, Some(months(1)));
    assert!(fun.records.action_plan && wsc.records.action_plan);
    assert!(!newly.records.action_plan && !cwt.records.action_plan);
    // LIF-2: review interval or agreed points, and who reviews.
    assert_eq!(
        fun.reviews,
        ReviewSchedule::Interval(MonthRange {
            min_months: months(3),
            max_months: months(6)
        })
    );
    for agreed in [&caf, &wsc, &newly, &cwt] {
        assert_eq!(agreed.reviews, ReviewSchedule::AgreedPoints);
    }
    assert_eq!(caf.reviewed_with, [Party::LineManager]);
    assert_eq!(newly.reviewed_with, [Party::SupervisingSocialWorker]);
    // PRG-2: lengths and extensions per track.
    let length = |rules: &RelationshipRules| {
        rules
            .track
            .length
            .map(|l| (l.min_months, l.max_months, l.planned_months))
    };
    assert_eq!(
        length(&wsc),
        Some((Some(months(6)), Some(months(12)), None))
    );
    assert_eq!(
        length(&newly),
        Some((None, Some(months(6)), Some(months(6))))
    );
    assert_eq!(
        length(&adversity),
        Some((None, Some(months(3)), Some(months(3))))
    );
    assert_eq!(
        (length(&cwt), length(&fun), length(&caf)),
        (None, None, None)
    );
    assert!(wsc.track.extension.allowed && wsc.track.extension.reason_required);
    assert!(newly.track.extension.allowed && newly.track.extension.reason_required);
    assert!(!adversity.track.extension.allowed && !cwt.track.extension.allowed);
    // MAT-5: AFC relinks a former mentor.
    assert!(newly.relink_former_mentor && !cwt.relink_former_mentor);
    // LIF-5: FUN's stages.
    assert!(fun.tracks_stages() && !cwt.tracks_stages());
    assert_eq!((fun.stages.process.len(), fun.stages.cycle.len()), (9, 4));
    // LIF-3: completion.
    let forms = |rules: &RelationshipRules| -> Vec<String> {
        rules
            .completion
            .forms
            .iter()
            .map(|f| f.key.as_str().to_owned())
            .collect()
    };
    assert_eq!(forms(&cwt), ["review"], "CWT Template 4");
    assert_eq!(
        cwt.completion
            .after_self_assessment
            .as_ref()
            .map(|key| key.as_str()),
        Some("self_assessment")
    );
    assert_eq!(forms(&wsc), ["evaluation"]);
    assert_eq!(
        wsc.completion.forms[0]
            .sections
            .iter()
            .map(|(_, party)| *party)
            .collect::<Vec<_>>(),
        [Party::Mentor, Party::Mentee]
    );
    assert_eq!(
        newly.completion.closing_supervision,
        Some(Party::SupervisingSocialWorker)
    );
    assert_eq!(fun.completion, CompletionRequirements::default());
    assert_eq!(caf.completion, CompletionRequirements::default());
    // MTG-4
    assert_eq!(
        fun.meetings.cancellation_notice_hours.map(|h| h.get()),
        Some(24)
    );
    assert_eq!(
        RelationshipRules::new(&programme("cwt"), "nope"),
        Err(UnknownTrack("nope".into()))
    );
}

#[test]
fn documents_go_only_where_the_programme_or_the_agreement_sends_them() {
    let afc = rules("afc", "newly_approved");
    let cwt = rules("cwt", "leadership");
    let fun = rules("fun", "staff_development");
    assert_eq!(
        afc.shared_with(&Document::MeetingRecords, &[]),
        [Party::SupervisingSocialWorker],
        "AFC Process: records shared with the SSWs"
    );
    assert!(afc.shared_with(&Document::ActionPlan, &[]).is_empty());
    assert!(cwt.shared_with(&Document::MeetingRecords, &[]).is_empty());
    let agreed = [Document::ActionPlan, Document::Reasons];
    assert_eq!(
        fun.shared_with(&Document::ActionPlan, &agreed),
        [Party::Coordinator],
        "FUN Appendix A, 10"
    );
    assert!(
        fun.shared_with(&Document::Reasons, &agreed).is_empty(),
        "LIF-4: never"
    );
}

/// A relationship's life, kept as its event record.
struct Life {
    rules: RelationshipRules,
    history: Vec<EventRecord>,
    clock: i64,
}

impl Life {
    fn new(key: &str, track: &str) -> Life {
        Life {
            rules: rules(key, track),
            history: Vec::new(),
            clock: 1_735_689_600,
        }
    }

    fn step(&mut self, event: Event, party: Party) -> Result<State, Refused> {
        self.clock += 86_400;
        let entry = record(
            &self.history,
            event,
            party,
            Actor::Account(crate::ids::AccountId::new(7)),
            self.clock,
            &self.rules,
        )?;
        self.history.push(entry);
        check_history(&self.history).expect("the record hangs together");
        Ok(current_state(&self.history))
    }

    fn agreement(&self, length: &str) -> super::agreement::AgreementDraft {
        AgreementInput {
            length_months: length.into(),
            review_dates: vec!["2025-03-01".into()],
            time_allowance_minutes: "120".into(),
            ..AgreementInput::default()
        }
        .check(&self.rules, START)
        .expect("a sound agreement")
    }
}

const START: Date = date!(2025 - 01 - 01);
const TODAY: Date = date!(2025 - 02 - 01);

fn metadata_only_meeting(notes: Option<&str>) -> MeetingInput {
    MeetingInput {
        date: "2025-01-20".into(),
        minutes: "90".into(),
        kind: "face_to_face".into(),
        notes: notes.map(str::to_owned),
        action_points: vec![],
    }
}

#[test]
fn cwt_the_mentee_drafts_the_mentor_signs_notes_are_refused_and_completion_needs_both_assessments()
{
    let mut life = Life::new("cwt", "leadership");
    let mut agreement = Agreement::default();
    let me = Actor::Account(crate::ids::AccountId::new(7));
    let draft = life.agreement("");
    assert!(
        agreement
            .revise(draft.clone(), Party::Mentor, 1, &life.rules)
            .is_err()
    );
    agreement
        .revise(draft, Party::Mentee, 1, &life.rules)
        .expect("the mentee drafts");
    let unsigned = Event::Agree {
        agreement_in_force: agreement.in_force(&life.rules),
    };
    assert!(life.step(unsigned, Party::Mentee).is_err());
    agreement
        .sign(Party::Mentor, me, 2, 1, &life.rules)
        .expect("the mentor signs off");
    let signed = Event::Agree {
        agreement_in_force: agreement.in_force(&life.rules),
    };
    assert_eq!(life.step(signed, Party::Mentee), Ok(State::Agreed));
    let refused = metadata_only_meeting(Some("We discussed the restructure"))
        .check(&life.rules, Party::Mentor, TODAY)
        .expect_err("CWT 2.2.6: notes are not kept");
    assert_eq!(refused[0].field, "notes");
    let entry = metadata_only_meeting(None)
        .check(&life.rules, Party::Mentor, TODAY)
        .expect("frequency and duration are kept");
    assert!(entry.record.is_none());
    assert_eq!(
        life.step(Event::StartReview, Party::Mentee),
        Ok(State::UnderReview)
    );
    let template_4 = FormEvidence {
        key: "review".into(),
        sections_answered: vec![0],
        signed_by: vec![Party::Mentee, Party::Mentor],
    };
    let without_after = CompletionEvidence {
        forms: vec![template_4.clone()],
        ..CompletionEvidence::default()
    };
    let refused = life
        .step(Event::Complete(without_after), Party::Mentee)
        .expect_err("incomplete");
    assert_eq!(
        refused.message(),
        "Completion still needs: the mentee to answer the self-assessment again."
    );
    let everything = CompletionEvidence {
        forms: vec![template_4],
        after_self_assessment: true,
        closing_supervision: false,
    };
    assert_eq!(
        life.step(Event::Complete(everything), Party::Mentor),
        Ok(State::Completed)
    );
    let transitions: Vec<(State, State)> = life.history.iter().map(|e| (e.from, e.to)).collect();
    assert_eq!(
        transitions,
        [
            (State::Introduced, State::Agreed),
            (State::Agreed, State::UnderReview),
            (State::UnderReview, State::Completed),
        ],
        "the refused steps left no entry"
    );
}

#[test]
fn cwt_a_no_match_goes_back_to_matching_without_that_mentor() {
    let mut life = Life::new("cwt", "leadership");
    let no_match = Event::NoMatch {
        reasons: vec![NoMatchReason::ExpectationsDiffer],
        detail: "We could not find a time that suits us both".into(),
    };
    assert_eq!(
        rematch(&life.rules, &no_match),
        Some(Rematch {
            back_to_matching: true,
            exclude_former_mentor: true,
            relink_later: false
        })
    );
    assert_eq!(
        no_match.summary(),
        "No Match: We could not agree how often, how long or where to meet"
    );
    assert_eq!(
        no_match.confidential_text(),
        Some("We could not find a time that suits us both")
    );
    assert_eq!(life.step(no_match, Party::Mentee), Ok(State::NoMatch));
    assert!(
        life.step(
            Event::Agree {
                agreement_in_force: true
            },
            Party::Mentee
        )
        .is_err()
    );
}

#[test]
fn fun_agreement_plan_agreed_log_and_stages() {
    use super::plan::{ActionPlanInput, ActionPointInput};
    let mut life = Life::new("fun", "staff_development");
    // FUN: the agreement is optional, so the pair may agree without one.
    assert_eq!(
        life.step(
            Event::Agree {
                agreement_in_force: false
            },
            Party::Mentor
        ),
        Ok(State::Agreed)
    );
    let stage = stages::check_stage(
        &life.rules,
        Party::Mentee,
        &stages::StageInput {
            process: "Orientation".into(),
            cycle: String::new(),
        },
    );
    assert!(matches!(stage, Ok(Ok(_))));
    let meeting = MeetingInput {
        notes: Some("Talked through the room plan".into()),
        action_points: vec![ActionPointInput {
            what: "Draft Monday's activities".into(),
            owner: "mentee".into(),
            due: "2025-02-15".into(),
        }],
        kind: "telephone".into(),
        ..metadata_only_meeting(None)
    };
    let entry = meeting
        .check(&life.rules, Party::Mentor, TODAY)
        .expect("the mentor's log");
    let mut log = entry.record.expect("a record");
    log.agree(Party::Mentee, &life.rules)
        .expect("the mentee agrees it");
    assert!(log.is_agreed(&life.rules));
    let plan_input = ActionPlanInput {
        needs: "Confidence planning".into(),
        strengths: "Rapport".into(),
        goals: vec![super::plan::GoalInput {
            what: "Plan a week".into(),
            measure: "Signed off".into(),
            by: "2025-05-01".into(),
            strategies: String::new(),
        }],
        actions: vec![super::plan::ActionInput {
            point: ActionPointInput {
                what: "Shadow".into(),
                owner: "mentee".into(),
                due: "2025-02-01".into(),
            },
            goal: "1".into(),
        }],
        milestones: vec![],
        review_dates: vec!["2025-04-01".into()],
        start: "2025-01-01".into(),
        completion: "2025-06-30".into(),
    };
    let mut plan = plan_input.check().expect("a SMART plan");
    plan.roll_in(MeetingId::new(1), &log.action_points);
    assert_eq!(
        plan.to_review().len(),
        2,
        "the log's action point comes up next time"
    );
    assert_eq!(
        life.step(Event::StartReview, Party::Mentee),
        Ok(State::UnderReview)
    );
    assert_eq!(
        life.step(Event::Review(ReviewOutcome::Amend), Party::Mentor),
        Ok(State::Agreed)
    );
    let (category, _) = leave(LeaveCategory::PreferNotToSay);
    let ask = Event::RequestNewMentor {
        category,
        reason: None,
    };
    assert_eq!(
        rematch(&life.rules, &ask),
        Some(Rematch {
            back_to_matching: true,
            exclude_former_mentor: true,
            relink_later: false
        })
    );
    assert_eq!(ask.summary(), "Another mentor requested: Prefer not to say");
    assert_eq!(life.step(ask, Party::Mentee), Ok(State::EndedEarly));
}

#[test]
fn wsc_the_length_is_six_to_twelve_months_and_completion_needs_both_signed_sections() {
    let mut life = Life::new("wsc", "development");
    let too_short = AgreementInput {
        length_months: "4".into(),
        ..AgreementInput::default()
    }
    .check(&life.rules, START)
    .expect_err("WSC 7.1");
    assert!(
        too_short[0]
            .message
            .contains("shorter than the minimum of 6 months")
    );
    let mut agreement = Agreement::default();
    agreement
        .revise(life.agreement("9"), Party::Mentor, 1, &life.rules)
        .expect("drafts");
    for party in [Party::Mentee, Party::Mentor] {
        agreement
            .sign(
                party,
                Actor::Account(crate::ids::AccountId::new(1)),
                2,
                1,
                &life.rules,
            )
            .expect("signs");
    }
    let agree = Event::Agree {
        agreement_in_force: agreement.in_force(&life.rules),
    };
    assert_eq!(life.step(agree, Party::Mentee), Ok(State::Agreed));
    assert_eq!(
        life.step(Event::StartReview, Party::Mentee),
        Ok(State::UnderReview)
    );
    let extend = Event::Review(ReviewOutcome::Extend {
        months: months(3),
        reason: "PDP needs".into(),
    });
    assert_eq!(extend.summary(), "Reviewed: extended by 3 months");
    assert_eq!(extend.confidential_text(), Some("PDP needs"));
    assert_eq!(life.step(extend, Party::Mentor), Ok(State::Agreed));
    assert_eq!(
        life.step(Event::StartReview, Party::Mentor),
        Ok(State::UnderReview)
    );
    let half = FormEvidence {
        key: "evaluation".into(),
        sections_answered: vec![0, 1],
        signed_by: vec![Party::Mentor],
    };
    let refused = life
        .step(
            Event::Complete(CompletionEvidence {
                forms: vec![half.clone()],
                ..Default::default()
            }),
            Party::Mentee,
        )
        .expect_err("the mentee has not signed");
    assert!(
        refused
            .message()
            .contains("the mentee to sign Mentoring Evaluation Form")
    );
    let signed = FormEvidence {
        signed_by: vec![Party::Mentor, Party::Mentee],
        ..half
    };
    let done = Event::Complete(CompletionEvidence {
        forms: vec![signed],
        ..Default::default()
    });
    assert_eq!(life.step(done, Party::Mentee), Ok(State::Completed));
}

#[test]
fn afc_the_ssw_arranges_the_tracks_differ_and_a_former_mentor_may_be_linked_again() {
    let newly = Life::new("afc", "newly_approved");
    assert!(
        newly
            .rules
            .may_arrange_introduction(Party::SupervisingSocialWorker)
    );
    assert!(!newly.rules.may_arrange_introduction(Party::Mentee));
    assert_eq!(
        reviews::planned_end(&newly.rules, START, None, &[]),
        Some(date!(2025 - 07 - 01))
    );
    // AFC recommends a written agreement but does not require one: the
    // pair may go ahead without it.
    let mut started = Life::new("afc", "newly_approved");
    assert_eq!(
        started.step(
            Event::Agree {
                agreement_in_force: false
            },
            Party::Mentor
        ),
        Ok(State::Agreed)
    );
    let mut adversity = Life::new("afc", "adversity");
    assert_eq!(
        reviews::planned_end(&adversity.rules, START, None, &[]),
        Some(date!(2025 - 04 - 01))
    );
    let too_long = AgreementInput {
        length_months: "4".into(),
        review_dates: vec!["2025-02-01".into()],
        ..AgreementInput::default()
    }
    .check(&adversity.rules, START)
    .expect_err("AFC adversity: up to three months");
    assert_eq!(too_long[0].field, "length_months");
    assert_eq!(
        adversity.step(
            Event::Agree {
                agreement_in_force: true
            },
            Party::Mentor
        ),
        Ok(State::Agreed)
    );
    assert_eq!(
        adversity.step(Event::StartReview, Party::SupervisingSocialWorker),
        Ok(State::UnderReview)
    );
    let extend = Event::Review(ReviewOutcome::Extend {
        months: months(1),
        reason: "vital".into(),
    });
    assert!(
        adversity
            .step(extend, Party::SupervisingSocialWorker)
            .is_err(),
        "time limited"
    );
    let (category, _) = leave(LeaveCategory::NotWorkingOut);
    let ask = Event::RequestNewMentor {
        category,
        reason: Some("A clash of approaches".into()),
    };
    assert_eq!(
        rematch(&adversity.rules, &ask),
        Some(Rematch {
            back_to_matching: true,
            exclude_former_mentor: true,
            relink_later: true
        })
    );
    assert_eq!(
        ask.summary(),
        "Another mentor requested: The pairing is not working out"
    );
    assert!(
        !ask.summary().contains("clash"),
        "the coordinator sees only the category"
    );
    let done = Event::Complete(CompletionEvidence {
        closing_supervision: true,
        ..Default::default()
    });
    assert_eq!(adversity.step(done, Party::Mentor), Ok(State::Completed));
    assert_eq!(rematch(&adversity.rules, &Event::StartReview), None);
}

#[test]
fn caf_the_line_manager_signs_the_time_commitment() {
    let mut life = Life::new("caf", "new_staff");
    let mut agreement = Agreement::default();
    let draft = life.agreement("");
    let time = draft.time_commitment().to_string();
    agreement
        .revise(draft, Party::Mentee, 1, &life.rules)
        .expect("drafts");
    for party in [Party::Mentee, Party::Mentor] {
        agreement
            .sign(
                party,
                Actor::Account(crate::ids::AccountId::new(1)),
                2,
                1,
                &life.rules,
            )
            .expect("signs");
    }
    assert_eq!(
        agreement.awaiting_signatures(&life.rules),
        [Party::LineManager]
    );
    assert_eq!(time, "Mentoring time: 120 minutes a month");
    agreement
        .sign(
            Party::LineManager,
            Actor::Account(crate::ids::AccountId::new(2)),
            3,
            1,
            &life.rules,
        )
        .expect("the line manager signs");
    let agree = Event::Agree {
        agreement_in_force: agreement.in_force(&life.rules),
    };
    assert_eq!(life.step(agree, Party::Mentor), Ok(State::Agreed));
    assert_eq!(
        life.step(Event::StartReview, Party::LineManager),
        Ok(State::UnderReview)
    );
    assert_eq!(
        life.step(Event::Review(ReviewOutcome::End), Party::LineManager),
        Ok(State::EndedEarly)
    );
    assert!(
        life.step(Event::StartReview, Party::Mentee).is_err(),
        "ended"
    );
}

#[test]
fn a_programme_may_name_its_own_no_match_reasons() {
    // Tandem's list where the programme names none.
    assert_eq!(
        rules("cwt", "leadership").no_match.reasons,
        NoMatchReason::ALL
    );
    let mut programme = programme("cwt");
    programme.matching.no_match_reasons =
        vec![NoMatchReason::ConflictOfInterest, NoMatchReason::Other];
    let rules = RelationshipRules::new(&programme, "leadership").expect("rules");
    assert_eq!(
        rules.no_match.reasons,
        [NoMatchReason::ConflictOfInterest, NoMatchReason::Other]
    );
    let history = Vec::new();
    let refused = record(
        &history,
        Event::NoMatch {
            reasons: vec![NoMatchReason::StyleDoesNotSuit],
            detail: String::new(),
        },
        Party::Mentee,
        Actor::Operator,
        1_735_689_600,
        &rules,
    );
    assert!(
        refused.is_err_and(|r| r.message().contains("not one of this programme's")),
        "a reason outside the programme's list is refused"
    );
    // The list survives the programme's TOML.
    let source = programme.to_toml_string().expect("written");
    let read = crate::programme::Programme::from_toml_str(&source).expect("read back");
    assert_eq!(
        read.matching.no_match_reasons,
        programme.matching.no_match_reasons
    );
}
