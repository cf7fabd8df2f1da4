//! Programme templates: the shipped ones parse, round-trip and apply their
//! documents' rules; bad input is reported with its line and key.

use tandem_domain::programme::{
    AllocationOrder, CarerLevel, ExtensionProblem, LengthProblem, MatchMethod,
    MeetingLengthProblem, MentorFacts, MentorIneligibility, Minutes, Months, Party, PaymentDue,
    Pence, Programme, ProgrammeError, RecordMode, SHIPPED_TEMPLATES, shipped_template,
};
use time::Date;
use time::macros::date;

fn shipped(key: &str) -> Programme {
    let source = shipped_template(key).expect("every seed scheme ships a template");
    match Programme::from_toml_str(source) {
        Ok(programme) => programme,
        Err(errors) => panic!("programmes/{key}.toml has errors:\n{}", render(&errors)),
    }
}

fn render(errors: &[ProgrammeError]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

fn months(count: u16) -> Months {
    Months::parse(i64::from(count)).expect("test month counts are in range")
}

fn minutes(count: u16) -> Minutes {
    Minutes::parse(i64::from(count)).expect("test minute counts are in range")
}

fn pence(amount: u32) -> Pence {
    Pence::parse(i64::from(amount)).expect("test amounts are in range")
}

fn level(number: u8) -> CarerLevel {
    CarerLevel::parse(i64::from(number)).expect("test carer levels are in range")
}

#[test]
fn every_shipped_template_parses_and_carries_its_own_key() {
    assert_eq!(SHIPPED_TEMPLATES.len(), 5);
    for (key, _) in SHIPPED_TEMPLATES {
        let programme = shipped(key);
        assert_eq!(programme.key.as_str(), *key);
        assert!(!programme.tracks.is_empty(), "{key} has tracks");
        assert!(
            !programme.publicity.how_to_apply.is_empty(),
            "{key} says how to apply"
        );
    }
}

#[test]
fn every_shipped_template_round_trips_through_export() {
    for (key, _) in SHIPPED_TEMPLATES {
        let programme = shipped(key);
        let exported = programme
            .to_toml_string()
            .expect("a valid programme exports");
        let imported = Programme::from_toml_str(&exported).unwrap_or_else(|errors| {
            panic!(
                "{key}: the export does not re-import:\n{}\n{exported}",
                render(&errors)
            )
        });
        assert_eq!(imported, programme, "{key} round trip");
    }
}

#[test]
fn track_lengths_and_end_dates_follow_the_documents() {
    let start = date!(2024 - 01 - 15);
    let cases: [(&str, &str, Option<Date>); 5] = [
        // AFC "Length of formal support": adversity up to three months.
        ("afc", "adversity", Some(date!(2024 - 04 - 15))),
        // AFC: newly approved carers up to their first six months.
        ("afc", "newly_approved", Some(date!(2024 - 07 - 15))),
        // WSC 7.1: up to one year.
        ("wsc", "development", Some(date!(2025 - 01 - 15))),
        // CAF and CWT set no length.
        ("caf", "new_staff", None),
        ("cwt", "leadership", None),
    ];
    for (programme, track, expected) in cases {
        let programme = shipped(programme);
        let track = programme.track(track).expect("the track exists");
        assert_eq!(track.end_date(start), expected, "{}", track.key);
    }
}

#[test]
fn lengths_are_checked_against_the_track() {
    let cases: [(&str, &str, u16, Result<(), LengthProblem>); 8] = [
        // WSC 7.1: not less than six months, up to one year.
        (
            "wsc",
            "development",
            4,
            Err(LengthProblem::TooShort {
                months: months(4),
                min: months(6),
            }),
        ),
        ("wsc", "development", 6, Ok(())),
        ("wsc", "development", 12, Ok(())),
        (
            "wsc",
            "new_employees",
            13,
            Err(LengthProblem::TooLong {
                months: months(13),
                max: months(12),
            }),
        ),
        // AFC: "up to" three months, so shorter is fine and longer is not.
        ("afc", "adversity", 2, Ok(())),
        (
            "afc",
            "adversity",
            4,
            Err(LengthProblem::TooLong {
                months: months(4),
                max: months(3),
            }),
        ),
        ("caf", "new_staff", 24, Ok(())),
        (
            "caf",
            "no_such_track",
            6,
            Err(LengthProblem::UnknownTrack("no_such_track".to_owned())),
        ),
    ];
    for (programme, track, length, expected) in cases {
        assert_eq!(
            shipped(programme).check_length(track, months(length)),
            expected,
            "{programme} {track} {length}"
        );
    }
}

#[test]
fn extensions_follow_the_track() {
    let afc = shipped("afc");
    let newly_approved = afc.track("newly_approved").expect("AFC has this track");
    let adversity = afc.track("adversity").expect("AFC has this track");
    let cases = [
        (newly_approved, "vital to the placement", Ok(())),
        (newly_approved, "  ", Err(ExtensionProblem::ReasonMissing)),
        (adversity, "any reason", Err(ExtensionProblem::NotAllowed)),
    ];
    for (track, reason, expected) in cases {
        assert_eq!(
            track.check_extension(months(2), reason),
            expected,
            "{}",
            track.key
        );
    }
}

#[test]
fn cwt_marks_what_it_invents_as_tandems_example() {
    // CWT names neither its six organisations nor its questions: every
    // invented list says so where it stands.
    let source = shipped_template("cwt").expect("the CWT template");
    for list in [
        "[[organisations]]",
        "key = \"self_assessment\"",
        "title = \"Joint review\"",
    ] {
        let at = source.find(list).expect("the list is in the template");
        let before = &source[source[..at].rfind("\n\n").unwrap_or(0)..at];
        assert!(
            before.contains("Tandem's example"),
            "cwt.toml marks the list at {list} as Tandem's example:\n{before}"
        );
    }
}

#[test]
fn afc_states_its_part_period_payment_as_tandems_assumption() {
    let source = shipped_template("afc").expect("the AFC template");
    assert!(
        source.contains("Tandem's assumption, not the document's")
            && source.contains("part month as a whole month"),
        "afc.toml says that what a part month pays is Tandem's assumption"
    );
}

#[test]
fn afc_payments_are_fifty_pounds_a_month_paid_quarterly_and_capped() {
    let afc = shipped("afc");
    let start = date!(2024 - 01 - 01);
    let payment = |due: Date, count: u16, amount: u32| PaymentDue {
        due,
        months: months(count),
        amount: pence(amount),
    };
    let cases = [
        // A six-month arrangement: £150 after three months and £150 after six, £300 in all.
        (
            "newly_approved",
            date!(2024 - 07 - 01),
            vec![
                payment(date!(2024 - 04 - 01), 3, 15000),
                payment(date!(2024 - 07 - 01), 3, 15000),
            ],
        ),
        // A three-month adversity arrangement: £150.
        (
            "adversity",
            date!(2024 - 04 - 01),
            vec![payment(date!(2024 - 04 - 01), 3, 15000)],
        ),
        // Extended to eight months: still capped at £300.
        (
            "newly_approved",
            date!(2024 - 09 - 01),
            vec![
                payment(date!(2024 - 04 - 01), 3, 15000),
                payment(date!(2024 - 07 - 01), 3, 15000),
            ],
        ),
        // Ended after four months: £150, then £50 for the fourth month.
        (
            "newly_approved",
            date!(2024 - 05 - 01),
            vec![
                payment(date!(2024 - 04 - 01), 3, 15000),
                payment(date!(2024 - 05 - 01), 1, 5000),
            ],
        ),
        // The template's stated assumption: ended ten days into its fifth
        // month, the part month is paid as a whole one, on the day it ended.
        (
            "newly_approved",
            date!(2024 - 05 - 11),
            vec![
                payment(date!(2024 - 04 - 01), 3, 15000),
                payment(date!(2024 - 05 - 11), 2, 10000),
            ],
        ),
    ];
    for (track, end, expected) in cases {
        let due = afc.payments_due(track, start, end);
        assert_eq!(due, expected, "{track} until {end}");
        let total = due
            .iter()
            .try_fold(Pence::ZERO, |sum, payment| sum.plus(payment.amount))
            .expect("the total fits");
        assert!(total <= pence(30000), "{track}: never more than £300");
    }
    // CAF pays contractors by the hour, agreed per contract, and no allowance.
    let caf = shipped("caf");
    assert!(
        caf.payments_due("new_staff", start, date!(2024 - 07 - 01))
            .is_empty()
    );
    let caf_payments = caf.payments.as_ref().expect("CAF states payment rules");
    assert!(caf_payments.hourly_contractor_claims);
    assert_eq!(
        caf_payments.claims_agreed_with,
        Some(Party::ContractManager)
    );
}

#[test]
fn agreement_signatories_follow_the_documents() {
    let cases = [
        ("caf", Party::LineManager, true),
        ("caf", Party::Mentee, true),
        ("wsc", Party::LineManager, false),
        ("fun", Party::Mentor, true),
        // CWT 2.2.4: the mentee drafts and the mentor signs off.
        ("cwt", Party::Mentor, true),
        ("cwt", Party::Mentee, false),
    ];
    for (programme, party, expected) in cases {
        assert_eq!(
            shipped(programme).agreement_signed_by(party),
            expected,
            "{programme} {party:?}"
        );
    }
    assert_eq!(shipped("cwt").agreement.drafted_by, Some(Party::Mentee));
}

#[test]
fn record_keeping_and_allocation_follow_the_documents() {
    let cases = [
        (
            "cwt",
            RecordMode::MetadataOnly,
            AllocationOrder::FirstComeFirstServed,
        ),
        ("caf", RecordMode::MetadataOnly, AllocationOrder::BestTotal),
        (
            "fun",
            RecordMode::NotesAgreedByBoth,
            AllocationOrder::BestTotal,
        ),
        (
            "afc",
            RecordMode::NotesAgreedByBoth,
            AllocationOrder::BestTotal,
        ),
        (
            "wsc",
            RecordMode::NotesAgreedByBoth,
            AllocationOrder::BestTotal,
        ),
    ];
    for (programme, mode, allocation) in cases {
        let programme = shipped(programme);
        assert_eq!(programme.records.mode, mode, "{}", programme.key);
        assert_eq!(
            programme.matching.allocation, allocation,
            "{}",
            programme.key
        );
    }
    assert!(!RecordMode::MetadataOnly.allows_notes());
}

#[test]
fn match_methods_follow_the_documents() {
    let cases = [
        ("cwt", MatchMethod::MenteePicksFromRegister, true),
        ("cwt", MatchMethod::CoordinatorProposes, true),
        ("afc", MatchMethod::CoordinatorProposes, true),
        ("afc", MatchMethod::MenteePicksFromRegister, false),
        ("wsc", MatchMethod::LineManagerHrAndMenteeDecide, true),
    ];
    for (programme, method, expected) in cases {
        assert_eq!(
            shipped(programme).allows_match_method(method),
            expected,
            "{programme} {method:?}"
        );
    }
}

#[test]
fn cwt_spans_six_organisations_in_two_jurisdictions() {
    let cwt = shipped("cwt");
    assert_eq!(cwt.organisations.len(), 6);
    let mut jurisdictions: Vec<&str> = cwt
        .organisations
        .iter()
        .map(|organisation| organisation.jurisdiction.as_str())
        .collect();
    jurisdictions.sort_unstable();
    jurisdictions.dedup();
    assert_eq!(jurisdictions, ["Northern Ireland", "Republic of Ireland"]);
    assert!(cwt.coordination.lead_per_organisation);
}

#[test]
fn mentor_eligibility_gives_every_reason() {
    let trained = |level_number: Option<u8>, trained: bool| MentorFacts {
        carer_level: level_number.map(level),
        trained,
        ..MentorFacts::default()
    };
    let afc = shipped("afc");
    let cases = [
        (trained(Some(2), true), Ok(())),
        (trained(Some(3), true), Ok(())),
        (
            trained(Some(1), false),
            Err(vec![
                MentorIneligibility::CarerLevelTooLow {
                    needed: level(2),
                    has: Some(level(1)),
                },
                MentorIneligibility::NotTrained,
            ]),
        ),
        (
            trained(Some(2), false),
            Err(vec![MentorIneligibility::NotTrained]),
        ),
        (
            trained(None, true),
            Err(vec![MentorIneligibility::CarerLevelTooLow {
                needed: level(2),
                has: None,
            }]),
        ),
    ];
    for (facts, expected) in cases {
        assert_eq!(afc.check_mentor(&facts), expected, "{facts:?}");
    }

    // CAF 2: experience shown through appraisal; no training needed.
    let caf = shipped("caf");
    let untrained_appraised = MentorFacts {
        experience_shown_by_appraisal: true,
        ..MentorFacts::default()
    };
    assert_eq!(caf.check_mentor(&untrained_appraised), Ok(()));
    assert_eq!(
        caf.check_mentor(&MentorFacts::default()),
        Err(vec![MentorIneligibility::ExperienceNotShownByAppraisal])
    );
    // CAF 1-2: appraisal shows staff capable; a self-employed contractor,
    // contracted to mentor and not appraised, is not ruled out by it.
    let contractor = MentorFacts {
        contracted: true,
        ..MentorFacts::default()
    };
    assert_eq!(caf.check_mentor(&contractor), Ok(()));
    // CWT and WSC: trained mentors only.
    for programme in ["cwt", "wsc"] {
        assert_eq!(
            shipped(programme).check_mentor(&MentorFacts::default()),
            Err(vec![MentorIneligibility::NotTrained]),
            "{programme}"
        );
    }
    let reason = MentorIneligibility::CarerLevelTooLow {
        needed: level(2),
        has: None,
    };
    assert_eq!(
        reason.to_string(),
        "needs to be a carer at level 2 or above"
    );
}

#[test]
fn meeting_guideline_flags_short_long_and_overdue_meetings() {
    let cwt = shipped("cwt");
    let cases = [
        (
            45,
            Err(MeetingLengthProblem::TooShort {
                actual: minutes(45),
                min: minutes(60),
            }),
        ),
        (60, Ok(())),
        (90, Ok(())),
        (120, Ok(())),
        (
            150,
            Err(MeetingLengthProblem::TooLong {
                actual: minutes(150),
                max: minutes(120),
            }),
        ),
    ];
    for (length, expected) in cases {
        assert_eq!(
            cwt.meetings.check_length(minutes(length)),
            expected,
            "{length}"
        );
    }
    // CWT 2.2.6: every 2-3 months; AFC: monthly.
    let last = date!(2024 - 01 - 10);
    assert_eq!(
        cwt.meetings.next_meeting_due(last),
        Some(date!(2024 - 04 - 10))
    );
    assert!(!cwt.meetings.meeting_overdue(last, date!(2024 - 04 - 10)));
    assert!(cwt.meetings.meeting_overdue(last, date!(2024 - 04 - 11)));
    assert_eq!(
        shipped("afc").meetings.next_meeting_due(last),
        Some(date!(2024 - 02 - 10))
    );
    // FUN 24 hours' cancellation notice.
    assert_eq!(
        shipped("fun")
            .meetings
            .cancellation_notice_hours
            .map(|hours| hours.get()),
        Some(24)
    );
}

#[test]
fn reviews_fall_due_on_the_programme_interval() {
    // FUN Appendix A: evaluated every three to six months.
    let fun = shipped("fun");
    let start = date!(2024 - 01 - 01);
    assert_eq!(
        fun.reviews.next_review_window(start),
        Some((date!(2024 - 04 - 01), date!(2024 - 07 - 01)))
    );
    assert_eq!(
        fun.reviews.review_due_dates(start, date!(2025 - 01 - 01)),
        vec![date!(2024 - 07 - 01)]
    );
    assert_eq!(
        fun.reviews.review_due_dates(start, date!(2025 - 01 - 02)),
        vec![date!(2024 - 07 - 01), date!(2025 - 01 - 01)]
    );
    // CWT agrees review points per relationship: no programme interval.
    assert!(
        shipped("cwt")
            .reviews
            .review_due_dates(start, date!(2025 - 01 - 01))
            .is_empty()
    );
}

#[test]
fn policy_review_dates_come_from_the_documents() {
    let cases = [
        // AFC: "Review date June 2022".
        ("afc", Some(date!(2022 - 06 - 01))),
        // FUN revision table: next review April 2018.
        ("fun", Some(date!(2018 - 04 - 01))),
        // WSC and CWT state no review date.
        ("wsc", None),
        ("cwt", None),
    ];
    for (programme, expected) in cases {
        let policy = shipped(programme).policy;
        assert_eq!(policy.next_review_date(), expected, "{programme}");
        if let Some(due) = expected {
            assert!(policy.review_due(due));
            assert!(!policy.review_due(due.previous_day().expect("not the first day")));
        }
    }
    let wsc = shipped("wsc");
    let revision = wsc
        .policy
        .revisions
        .first()
        .expect("WSC 12 lists a revision");
    assert_eq!(
        (revision.change.as_str(), revision.author.as_str()),
        ("Drafted", "Vikki Abbott")
    );
}

#[test]
fn questionnaires_follow_the_documents() {
    let wsc = shipped("wsc");
    let form = wsc
        .questionnaire("evaluation")
        .expect("WSC has an evaluation form");
    let answered_by: Vec<Party> = form
        .sections
        .iter()
        .map(|section| section.answered_by)
        .collect();
    assert_eq!(answered_by, [Party::Mentor, Party::Mentee]);
    assert_eq!(form.signed_by, [Party::Mentor, Party::Mentee]);
    let cwt = shipped("cwt");
    let self_assessment = cwt
        .questionnaire("self_assessment")
        .expect("CWT has a self-assessment");
    assert_eq!(self_assessment.when.len(), 2, "before and after");
    assert!(self_assessment.scale.is_some());
}

/// A small programme with no problems; each bad-input test changes one thing.
const VALID: &str = r#"key = "mini"
name = "Mini programme"

[[organisations]]
name = "Org"
jurisdiction = "England"

[[tracks]]
key = "main"
name = "Main"
eligibility = ["Everyone."]
enrolment = "request"
length = { min_months = 6, max_months = 12 }

[matching]
methods = ["coordinator_proposes"]
weights = { relevant_experience = 1 }

[reviews]
interval = { min_months = 3, max_months = 6 }

[records]
mode = "metadata_only"

[publicity]
text = "About the programme."
how_to_apply = "Ask."
"#;

fn errors_for(source: &str) -> Vec<ProgrammeError> {
    match Programme::from_toml_str(source) {
        Ok(_) => panic!("expected errors for:\n{source}"),
        Err(errors) => errors,
    }
}

/// Replaces `from` (which must occur once) with `to` in the valid programme.
fn valid_with(from: &str, to: &str) -> String {
    assert_eq!(VALID.matches(from).count(), 1, "{from:?} occurs once");
    VALID.replace(from, to)
}

#[test]
fn the_valid_sample_is_valid() {
    let programme =
        Programme::from_toml_str(VALID).unwrap_or_else(|errors| panic!("{}", render(&errors)));
    assert_eq!(programme.name, "Mini programme");
}

/// A source and the errors it should give: line, key and part of the message.
type BadInput = (String, Vec<(usize, &'static str, &'static str)>);

#[test]
fn bad_input_is_reported_with_line_and_key() {
    let cases: Vec<BadInput> = vec![
        // An unknown key at the top level and inside a track.
        (
            valid_with(
                "name = \"Mini programme\"\n",
                "name = \"Mini programme\"\ncolour = \"blue\"\n",
            ),
            vec![(3, "colour", "unknown field `colour`")],
        ),
        (
            valid_with(
                "enrolment = \"request\"\n",
                "enrolment = \"request\"\nlenght = 3\n",
            ),
            vec![(13, "tracks[0].lenght", "unknown field `lenght`")],
        ),
        // A wrong type.
        (
            valid_with("min_months = 6,", "min_months = \"six\","),
            vec![(
                13,
                "tracks[0].length.min_months",
                "expected a whole number of months",
            )],
        ),
        // A value of the right type that is not allowed.
        (
            valid_with("enrolment = \"request\"", "enrolment = \"whenever\""),
            vec![(12, "tracks[0].enrolment", "unknown variant `whenever`")],
        ),
        // A negative weight and an unknown criterion.
        (
            valid_with("relevant_experience = 1", "relevant_experience = -2"),
            vec![(
                17,
                "matching.weights.relevant_experience",
                "-2 is not allowed here",
            )],
        ),
        (
            valid_with("relevant_experience = 1", "star_sign = 1"),
            vec![(
                17,
                "matching.weights.star_sign",
                "unknown field `star_sign`",
            )],
        ),
        // Minimum longer than maximum: track length, review interval, meeting length.
        (
            valid_with(
                "min_months = 6, max_months = 12",
                "min_months = 12, max_months = 6",
            ),
            vec![(
                13,
                "tracks[0].length.min_months",
                "the minimum (12 months) is longer than the maximum (6 months)",
            )],
        ),
        (
            valid_with(
                "min_months = 3, max_months = 6",
                "min_months = 7, max_months = 6",
            ),
            vec![(20, "reviews.interval.min_months", "longer than the longest")],
        ),
        (
            valid_with(
                "[records]",
                "[meetings]\nmin_minutes = 120\nmax_minutes = 60\n\n[records]",
            ),
            vec![(
                23,
                "meetings.min_minutes",
                "the shortest meeting (120 minutes) is longer than the longest (60 minutes)",
            )],
        ),
        // A review interval of zero.
        (
            valid_with(
                "min_months = 3, max_months = 6",
                "min_months = 0, max_months = 6",
            ),
            vec![(
                20,
                "reviews.interval.min_months",
                "a review interval cannot be zero months",
            )],
        ),
        // A track with no eligibility: reported on its [[tracks]] line.
        (
            valid_with("eligibility = [\"Everyone.\"]\n", ""),
            vec![(8, "tracks[0].eligibility", "at least one eligibility rule")],
        ),
        // No tracks at all.
        (
            valid_with(
                "[[tracks]]\nkey = \"main\"\nname = \"Main\"\neligibility = [\"Everyone.\"]\nenrolment = \"request\"\nlength = { min_months = 6, max_months = 12 }\n",
                "",
            ),
            vec![(1, "tracks", "at least one track")],
        ),
        // An empty name and a duplicate track key.
        (
            valid_with("name = \"Mini programme\"", "name = \"  \""),
            vec![(2, "name", "cannot be empty")],
        ),
        (
            valid_with(
                "[matching]",
                "[[tracks]]\nkey = \"main\"\nname = \"Again\"\neligibility = [\"Some.\"]\nenrolment = \"offered\"\n\n[matching]",
            ),
            vec![(
                16,
                "tracks[1].key",
                "another track already uses the key \"main\"",
            )],
        ),
        // A syntax error has no key.
        (
            valid_with("name = \"Mini programme\"", "name = \"Mini programme"),
            vec![(2, "", "not valid TOML")],
        ),
        // A missing required field is named.
        (
            valid_with("mode = \"metadata_only\"", ""),
            vec![(22, "records.mode", "missing field `mode`")],
        ),
        // A date that is not a date.
        (
            format!("{VALID}\n[policy]\nnext_review = \"June 2022\"\n"),
            vec![(30, "policy.next_review", "is not a date")],
        ),
    ];
    for (source, expected) in cases {
        let errors = errors_for(&source);
        let actual: Vec<(usize, &str)> = errors
            .iter()
            .map(|error| (error.line, error.key.as_str()))
            .collect();
        let wanted: Vec<(usize, &str)> = expected
            .iter()
            .map(|(line, key, _)| (*line, *key))
            .collect();
        assert_eq!(actual, wanted, "{}\n---\n{source}", render(&errors));
        for (error, (_, _, message)) in errors.iter().zip(&expected) {
            assert!(
                error.message.contains(message),
                "{error} should say {message:?}"
            );
        }
    }
}

#[test]
fn a_payment_cap_below_one_period_is_refused() {
    let source = format!(
        "{VALID}
[payments.allowance]
monthly_pence = 5000
paid_every_months = 3

[[payments.allowance.caps]]
track = \"main\"
max_pence = 10000

[[payments.allowance.caps]]
track = \"elsewhere\"
max_pence = 30000
"
    );
    let errors = errors_for(&source);
    let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "line 35: payments.allowance.caps[0].max_pence: the cap of £100.00 is less than one period's payment of £150.00 (£50.00 a month for 3 months)",
            "line 38: payments.allowance.caps[1].track: there is no track called \"elsewhere\"",
        ]
    );
}

#[test]
fn all_semantic_errors_are_reported_together() {
    let source = r#"key = "many"
name = ""

[[tracks]]
key = "a"
name = "A"
enrolment = "request"
length = { min_months = 9, max_months = 3 }

[matching]
methods = []

[reviews]
interval = { min_months = 0, max_months = 0 }

[records]
mode = "metadata_only"
written_by = "mentor"

[[questionnaires]]
key = "q"
name = "Q"
scale = { labels = ["Only one"] }

[[questionnaires.sections]]
title = "S"
answered_by = "mentee"
questions = ["Why?"]

[publicity]
text = "T"
how_to_apply = "A"
"#;
    let errors = errors_for(source);
    let rendered: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        rendered,
        [
            "line 2: name: the programme's name cannot be empty",
            "line 1: organisations: name at least one organisation taking part",
            "line 4: tracks[0].eligibility: a track needs at least one eligibility rule saying who it is for",
            "line 8: tracks[0].length.min_months: the minimum (9 months) is longer than the maximum (3 months)",
            "line 11: matching.methods: say how matches are made: give at least one method",
            "line 10: matching.weights: give at least one matching criterion a weight above zero",
            "line 14: reviews.interval.min_months: a review interval cannot be zero months",
            "line 14: reviews.interval.max_months: a review interval cannot be zero months",
            "line 18: records.written_by: records are metadata only, so nobody writes notes; remove this or change the mode",
            "line 23: questionnaires[0].scale.labels: a scale needs at least 2 points, not 1",
        ]
    );
}
