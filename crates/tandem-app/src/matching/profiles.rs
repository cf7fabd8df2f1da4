//! Stored requests and register entries as the matching engine's profiles:
//! pure, no store and no clock, so every rule of the translation is tested
//! on its own.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use tandem_domain::identity::{Characteristic, PersonIdentity};
use tandem_domain::ids::{MentorEntryId, OrganisationId, PersonId, RequestId};
use tandem_domain::programme::{
    CarerLevel, Criterion as SettingCriterion, MentorFacts, Months, Programme,
};
use tandem_matching::{
    Criterion, Elsewhere, ExclusionData, Identity, MenteeRequest, MentorProfile, MentorStatus,
    Place, Weights,
};
use tandem_store::{MentorEntryRow, PersonDetail, RequestRow};
use time::Date;

use crate::AppError;

/// What a run has read from the store, for the engine.
#[derive(Debug, Clone, Copy)]
pub(super) struct Loaded<'a> {
    pub programme: &'a Programme,
    /// The waiting requests the caller matches for; mentee `i` is
    /// `requests[i]`.
    pub requests: &'a [RequestRow],
    /// The programme's register; mentor `j` is `entries[j]`.
    pub entries: &'a [MentorEntryRow],
    /// Everyone named by a request or an entry, by person id.
    pub people: &'a HashMap<PersonId, PersonDetail>,
    /// The characteristics each mentor consented to matching on, by
    /// person id; a mentor without a row has none.
    pub identities: &'a HashMap<PersonId, PersonIdentity>,
    /// Each organisation's jurisdiction, by organisation id.
    pub jurisdictions: &'a HashMap<OrganisationId, String>,
    /// Live proposals (awaiting the mentor or accepted) per register entry.
    pub live_per_entry: &'a HashMap<MentorEntryId, i64>,
    /// Each person's line managers, nearest first, by person id.
    pub management_chains: &'a HashMap<PersonId, Vec<PersonId>>,
    /// The day availability is judged on.
    pub today: Date,
    /// (request, register entry) pairs already tried: not proposed again.
    pub tried: &'a [(RequestId, MentorEntryId)],
    /// (mentee, register entry) pairs whose relationship ended, where the
    /// programme does not link a former mentor again: not proposed again
    /// for any request of that mentee.
    pub former: &'a [(PersonId, MentorEntryId)],
}

/// A mentee's request or a mentor's register entry, by engine index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Named<Id> {
    /// The request's or the register entry's id.
    pub id: Id,
    /// The person's name, as the run shows it.
    pub name: String,
}

impl<Id> Named<Id> {
    fn new(id: Id, given_name: &str, family_name: &str) -> Named<Id> {
        Named {
            id,
            name: format!("{given_name} {family_name}"),
        }
    }
}

/// A request or entry with a name, for tests.
#[cfg(test)]
pub(super) fn named<Id: From<i64>>(id: i64, name: &str) -> Named<Id> {
    Named {
        id: Id::from(id),
        name: name.to_owned(),
    }
}

/// The engine's input for one run, index for index with what was loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Profiles {
    pub mentees: Vec<MenteeRequest>,
    pub mentors: Vec<MentorProfile>,
    pub exclusions: ExclusionData,
    /// Mentee `i`'s request.
    pub requests: Vec<Named<RequestId>>,
    /// Mentor `j`'s register entry.
    pub entries: Vec<Named<MentorEntryId>>,
}

/// Builds the mentees' requests and the mentors' profiles from what was
/// loaded. A request or entry whose person was not loaded is an internal
/// error: the store returned rows that do not agree.
pub(super) fn build_profiles(loaded: &Loaded<'_>) -> Result<Profiles, AppError> {
    let person_of = |id: PersonId| {
        loaded
            .people
            .get(&id)
            .ok_or_else(|| AppError::Internal(format!("person {id} is missing")))
    };
    let mentees = loaded
        .requests
        .iter()
        .map(|request| {
            let person = person_of(request.person_id)?;
            Ok(mentee_request(request, person, loaded.jurisdictions))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let mentors = loaded
        .entries
        .iter()
        .map(|entry| {
            let person = person_of(entry.person_id)?;
            let live = loaded.live_per_entry.get(&entry.id).copied().unwrap_or(0);
            Ok(mentor_profile(
                entry,
                person,
                loaded.identities.get(&entry.person_id),
                loaded.programme,
                live,
                loaded.today,
            ))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    let managers = loaded
        .management_chains
        .iter()
        .map(|(&id, chain)| {
            (
                engine_person(id),
                chain.iter().map(|&m| engine_person(m)).collect(),
            )
        })
        .collect();
    Ok(Profiles {
        mentees,
        mentors,
        exclusions: ExclusionData {
            managers,
            conflicts: Vec::new(),
            tried: tried_pairs(loaded),
            former: former_pairs(loaded),
        },
        requests: loaded
            .requests
            .iter()
            .map(|r| Named::new(r.id, &r.given_name, &r.family_name))
            .collect(),
        entries: loaded
            .entries
            .iter()
            .map(|e| Named::new(e.id, &e.given_name, &e.family_name))
            .collect(),
    })
}

/// The tried pairs among this run's requests and entries, as engine people.
fn tried_pairs(
    loaded: &Loaded<'_>,
) -> BTreeSet<(tandem_matching::PersonId, tandem_matching::PersonId)> {
    let mentees: HashMap<RequestId, PersonId> = loaded
        .requests
        .iter()
        .map(|r| (r.id, r.person_id))
        .collect();
    let mentors = mentor_people(loaded);
    loaded
        .tried
        .iter()
        .filter_map(|(request, entry)| {
            Some((
                engine_person(*mentees.get(request)?),
                engine_person(*mentors.get(entry)?),
            ))
        })
        .collect()
}

/// The former pairs among this run's entries, as engine people.
fn former_pairs(
    loaded: &Loaded<'_>,
) -> BTreeSet<(tandem_matching::PersonId, tandem_matching::PersonId)> {
    let mentors = mentor_people(loaded);
    loaded
        .former
        .iter()
        .filter_map(|(mentee, entry)| {
            Some((engine_person(*mentee), engine_person(*mentors.get(entry)?)))
        })
        .collect()
}

/// Each register entry's person, looked up once per pair rather than
/// searched for (a run can hold thousands of past pairs).
fn mentor_people(loaded: &Loaded<'_>) -> HashMap<MentorEntryId, PersonId> {
    loaded.entries.iter().map(|e| (e.id, e.person_id)).collect()
}

/// A person as the engine numbers them: the same key.
fn engine_person(id: PersonId) -> tandem_matching::PersonId {
    id.get() as u64
}

/// Free text lists ("coaching; leadership, change") as lower-case phrases,
/// so that a mentee's needs meet a mentor's expertise however each is
/// capitalised or separated.
fn phrases(text: &str) -> BTreeSet<String> {
    text.split([',', ';', '\n', '/'])
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect()
}

/// One waiting request as the engine sees it: the mentee's wishes for a
/// mentor who shares their language, gender, culture, ethnicity, religion
/// or sexual orientation become identity wishes; their approval type,
/// household and interests come from their person record, and where they
/// are based from the request.
fn mentee_request(
    request: &RequestRow,
    person: &PersonDetail,
    jurisdictions: &HashMap<OrganisationId, String>,
) -> MenteeRequest {
    let mut wishes = BTreeMap::new();
    for (identity, text) in [
        (Identity::Language, &request.language),
        (Identity::Gender, &request.gender),
        (Identity::Culture, &request.culture),
        (Identity::Race, &request.race),
        (Identity::Religion, &request.religion),
        (Identity::Sexuality, &request.sexuality),
    ] {
        let wanted = phrases(text);
        if !wanted.is_empty() {
            wishes.insert(identity, wanted);
        }
    }
    MenteeRequest {
        person: engine_person(request.person_id),
        requested_at: request.created_at.max(0) as u64,
        needs: phrases(&request.help_needed),
        requests: phrases(&request.specific_requests),
        styles: phrases(&request.preferred_style),
        approval_type: person.approval_type.clone(),
        household: person.household.clone(),
        interests: phrases(person.special_interests.as_deref().unwrap_or("")),
        wishes,
        place: Place {
            organisation: person.organisation.clone(),
            jurisdiction: jurisdictions
                .get(&person.organisation_id)
                .filter(|j| !j.is_empty())
                .cloned(),
            team: person.team.clone().unwrap_or_default(),
            region: person.region.clone(),
            location: location(&request.location),
        },
        isolated: request.isolated,
        prefers: Elsewhere {
            team: request.other_team,
            region: request.other_region,
            organisation: request.other_organisation,
            jurisdiction: request.other_jurisdiction,
        },
        not_with: BTreeSet::new(),
    }
}

/// Whether a mentor can take mentees: eligible under the programme's
/// rules (every reason they are not, if not), then open on `today`.
fn mentor_status(entry: &MentorEntryRow, programme: &Programme, today: Date) -> MentorStatus {
    let eligibility = programme.mentors.check(&MentorFacts {
        experience_months: entry.experience_months.and_then(|m| Months::parse(m).ok()),
        carer_level: entry.carer_level.and_then(|l| CarerLevel::parse(l).ok()),
        trained: entry.training_completed,
        experience_shown_by_appraisal: entry.experience_shown_by_appraisal,
        contracted: crate::register::contracted(entry),
    });
    let availability = entry.availability();
    match eligibility {
        Err(reasons) => MentorStatus::Ineligible(
            reasons
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        ),
        Ok(()) if !availability.open_on(today) => {
            MentorStatus::Unavailable(match availability.until_text() {
                Some(until) => format!("paused until {until}"),
                None => "not taking mentees".to_owned(),
            })
        }
        Ok(()) => MentorStatus::Available,
    }
}

/// A location as typed, compared however it is capitalised or spaced;
/// none when empty.
fn location(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (!words.is_empty()).then(|| words.join(" ").to_lowercase())
}

/// One register entry as the engine sees it; `live` proposals (awaiting
/// the mentor or accepted) are the places in use. `identity` holds only
/// what the mentor consented to matching on.
fn mentor_profile(
    entry: &MentorEntryRow,
    person: &PersonDetail,
    identity: Option<&PersonIdentity>,
    programme: &Programme,
    live: i64,
    today: Date,
) -> MentorProfile {
    let mut experience = phrases(&entry.expertise);
    experience.extend(phrases(&entry.experience));
    let consented = identity;
    let mut identity = BTreeMap::new();
    let languages = phrases(&entry.languages);
    if !languages.is_empty() {
        identity.insert(Identity::Language, languages);
    }
    for (characteristic, value) in consented.into_iter().flat_map(PersonIdentity::for_matching) {
        let values = phrases(value);
        if !values.is_empty() {
            identity.insert(engine_identity(characteristic), values);
        }
    }
    MentorProfile {
        person: engine_person(entry.person_id),
        experience,
        offers: phrases(&entry.interests),
        styles: phrases(&entry.style),
        approval_type: person.approval_type.clone(),
        household: person.household.clone(),
        interests: phrases(&entry.special_interests),
        identity,
        place: Place {
            organisation: entry.organisation.clone(),
            jurisdiction: Some(entry.jurisdiction.clone()).filter(|j| !j.is_empty()),
            team: entry.team.clone().unwrap_or_default(),
            region: entry.region.clone(),
            location: location(&entry.location),
        },
        capacity: u32::try_from(entry.capacity).unwrap_or(0),
        current_mentees: u32::try_from(live).unwrap_or(u32::MAX),
        status: mentor_status(entry, programme, today),
    }
}

fn engine_identity(characteristic: Characteristic) -> Identity {
    match characteristic {
        Characteristic::Gender => Identity::Gender,
        Characteristic::Culture => Identity::Culture,
        Characteristic::Race => Identity::Race,
        Characteristic::Religion => Identity::Religion,
        Characteristic::Sexuality => Identity::Sexuality,
    }
}

fn criterion(setting: SettingCriterion) -> Criterion {
    match setting {
        SettingCriterion::RelevantExperience => Criterion::Experience,
        SettingCriterion::SpecificRequests => Criterion::SpecificRequests,
        SettingCriterion::StyleAndApproach => Criterion::Style,
        SettingCriterion::ApprovalType => Criterion::ApprovalType,
        SettingCriterion::Household => Criterion::Household,
        SettingCriterion::SpecialInterests => Criterion::SpecialInterests,
        SettingCriterion::Language => Criterion::Language,
        SettingCriterion::Race => Criterion::Race,
        SettingCriterion::Culture => Criterion::Culture,
        SettingCriterion::Religion => Criterion::Religion,
        SettingCriterion::Gender => Criterion::Gender,
        SettingCriterion::Sexuality => Criterion::Sexuality,
        SettingCriterion::Location => Criterion::Location,
        SettingCriterion::OtherOrganisation => Criterion::OtherOrganisation,
        SettingCriterion::OtherJurisdiction => Criterion::OtherJurisdiction,
        SettingCriterion::OtherTeam | SettingCriterion::OtherRegion => Criterion::OtherTeamOrRegion,
        SettingCriterion::OtherTeamOrRegionIfIsolated => Criterion::OtherTeamForIsolated,
        SettingCriterion::PreferredElsewhere => Criterion::PreferredElsewhere,
    }
}

/// The programme's weights as the engine takes them. Another team and
/// another region are one criterion in the engine; the larger weight wins.
pub(super) fn weights(programme: &Programme) -> Weights {
    let mut map: BTreeMap<Criterion, i64> = BTreeMap::new();
    for (setting, weight) in programme.matching.weights.iter() {
        let entry = map.entry(criterion(setting)).or_insert(0);
        *entry = (*entry).max(i64::from(weight.get()));
    }
    Weights(map)
}

#[cfg(test)]
mod tests {
    use tandem_domain::ids::ProgrammeId;
    use tandem_domain::programme::shipped_template;
    use tandem_domain::register::{Consultation, Recruited, RequestSource, RequestStatus};
    use time::macros::date;

    use super::*;

    fn programme(key: &str) -> Programme {
        Programme::from_toml_str(shipped_template(key).expect("ships")).expect("reads")
    }

    fn person(id: PersonId, organisation_id: i64) -> PersonDetail {
        PersonDetail {
            id,
            organisation_id: OrganisationId::new(organisation_id),
            organisation: format!("Organisation {organisation_id}"),
            employee_id: format!("E{id}"),
            given_name: format!("Given{id}"),
            family_name: format!("Family{id}"),
            email: format!("p{id}@example.org"),
            region: Some("North".to_owned()),
            team: Some("Fostering".to_owned()),
            line_manager_employee_id: None,
            line_manager_id: None,
            line_manager_name: None,
            job_title: "Social worker".to_owned(),
            grade: String::new(),
            start_date: None,
            employment_type: "employee".to_owned(),
            approval_type: Some("long term".to_owned()),
            carer_level: None,
            approval_date: None,
            household: Some("couple".to_owned()),
            special_interests: Some("Gardening; music".to_owned()),
        }
    }

    fn request(id: i64, person_id: i64) -> RequestRow {
        RequestRow {
            id: RequestId::new(id),
            programme_id: ProgrammeId::new(1),
            programme_name: "Programme".to_owned(),
            person_id: PersonId::new(person_id),
            given_name: "Mina".to_owned(),
            family_name: "Tee".to_owned(),
            organisation_id: OrganisationId::new(1),
            organisation: "Organisation 1".to_owned(),
            team: None,
            job_title: String::new(),
            start_date: None,
            track: String::new(),
            source: RequestSource::Requested,
            status: RequestStatus::Accepted,
            goals: String::new(),
            help_needed: "Leadership, Change".to_owned(),
            preferred_style: "Coaching".to_owned(),
            meeting_frequency: String::new(),
            relationship_length: String::new(),
            meeting_location: String::new(),
            other_team: false,
            other_region: false,
            other_organisation: false,
            other_jurisdiction: false,
            language: String::new(),
            gender: String::new(),
            culture: String::new(),
            race: String::new(),
            religion: String::new(),
            sexuality: String::new(),
            location: String::new(),
            specific_requests: String::new(),
            isolated: false,
            named_mentor_id: None,
            consultation: Consultation::NotNeeded,
            consultation_note: String::new(),
            rejection_reason: None,
            rejection_detail: None,
            created_at: 1_700_000_000,
            screened_at: None,
        }
    }

    /// A trained mentor with some experience, taking mentees.
    fn entry(id: i64, person_id: i64) -> MentorEntryRow {
        MentorEntryRow {
            id: MentorEntryId::new(id),
            programme_id: ProgrammeId::new(1),
            person_id: PersonId::new(person_id),
            given_name: "Ada".to_owned(),
            family_name: "Lovelace".to_owned(),
            organisation_id: OrganisationId::new(2),
            organisation: "Organisation 2".to_owned(),
            jurisdiction: "Northern Ireland".to_owned(),
            region: None,
            team: None,
            carer_level: None,
            employment_type: "employee".to_owned(),
            recruited: Recruited::Identified,
            experience: "Change".to_owned(),
            experience_months: Some(120),
            interests: "Has adopted".to_owned(),
            expertise: "Leadership".to_owned(),
            style: "coaching".to_owned(),
            languages: "Irish, English".to_owned(),
            location: String::new(),
            special_interests: "Music".to_owned(),
            training_completed: true,
            experience_shown_by_appraisal: true,
            published: String::new(),
            capacity: 2,
            availability: "available".to_owned(),
            paused_until: None,
            created_at: 0,
            updated_at: 0,
        }
    }

    /// Builds the profiles of one request and one entry.
    fn build(
        programme: &Programme,
        request: RequestRow,
        entry: MentorEntryRow,
        live_per_entry: &HashMap<MentorEntryId, i64>,
        today: Date,
    ) -> Result<Profiles, AppError> {
        build_with(
            programme,
            request,
            entry,
            live_per_entry,
            &HashMap::new(),
            today,
        )
    }

    /// The same, with the mentors' characteristics for matching.
    fn build_with(
        programme: &Programme,
        request: RequestRow,
        entry: MentorEntryRow,
        live_per_entry: &HashMap<MentorEntryId, i64>,
        identities: &HashMap<PersonId, PersonIdentity>,
        today: Date,
    ) -> Result<Profiles, AppError> {
        let people = HashMap::from([
            (request.person_id, person(request.person_id, 1)),
            (entry.person_id, person(entry.person_id, 2)),
        ]);
        let jurisdictions = HashMap::from([
            (OrganisationId::new(1), "England".to_owned()),
            (OrganisationId::new(2), String::new()),
        ]);
        let management_chains =
            HashMap::from([(request.person_id, vec![entry.person_id, PersonId::new(99)])]);
        build_profiles(&Loaded {
            programme,
            requests: &[request],
            entries: &[entry],
            people: &people,
            identities,
            jurisdictions: &jurisdictions,
            live_per_entry,
            management_chains: &management_chains,
            today,
            tried: &[],
            former: &[],
        })
    }

    fn only_mentor(profiles: Profiles) -> MentorProfile {
        profiles.mentors.into_iter().next().expect("one mentor")
    }

    /// The score and explanation of the one pair, under the programme's
    /// own weights.
    fn scored(programme: &Programme, request: RequestRow, entry: MentorEntryRow) -> (i64, String) {
        scored_with(programme, request, entry, &HashMap::new())
    }

    /// The same, with the mentors' characteristics for matching.
    fn scored_with(
        programme: &Programme,
        request: RequestRow,
        entry: MentorEntryRow,
        identities: &HashMap<PersonId, PersonIdentity>,
    ) -> (i64, String) {
        let profiles = build_with(
            programme,
            request,
            entry,
            &HashMap::new(),
            identities,
            date!(2026 - 01 - 01),
        )
        .expect("builds");
        let (score, lines) = tandem_matching::explain(
            &profiles.mentees[0],
            &profiles.mentors[0],
            &weights(programme),
        );
        let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
        (score, lines.join("; "))
    }

    #[test]
    fn a_cwt_mentees_specific_request_scores_with_a_mentor_who_offers_it() {
        // CWT 2.2.3: "Specific requests by mentees which can be provided by
        // a particular mentor".
        let cwt = programme("cwt");
        let mut asking = request(1, 10);
        asking.specific_requests = "Has adopted; budgets".to_owned();
        let plain = scored(&cwt, request(1, 10), entry(1, 20));
        let asked = scored(&cwt, asking, entry(1, 20));
        assert_eq!(
            asked.0 - plain.0,
            5,
            "the CWT weight, once: {asked:?} against {plain:?}"
        );
        assert!(
            asked.1.contains("has adopted, as the mentee asked"),
            "{}",
            asked.1
        );
    }

    #[test]
    fn an_afc_mentors_characteristic_scores_only_with_their_consent() {
        // AFC "Matching": "language needs, race, culture, religion, gender,
        // sexuality or geographical location".
        use tandem_domain::identity::Recorded;
        let afc = programme("afc");
        let mut asking = request(1, 10);
        asking.religion = "Muslim".to_owned();
        asking.sexuality = "Gay".to_owned();
        let recorded = |consent: bool| PersonIdentity {
            religion: Recorded {
                value: "muslim".to_owned(),
                consent,
            },
            sexuality: Recorded {
                value: "gay".to_owned(),
                consent: false,
            },
            ..PersonIdentity::default()
        };
        let mentor = PersonId::new(20);
        let with = scored_with(
            &afc,
            asking.clone(),
            entry(1, 20),
            &HashMap::from([(mentor, recorded(true))]),
        );
        let without = scored_with(
            &afc,
            asking,
            entry(1, 20),
            &HashMap::from([(mentor, recorded(false))]),
        );
        assert_eq!(with.0 - without.0, 2, "{with:?} against {without:?}");
        assert!(
            with.1.contains("religion muslim, as requested"),
            "{}",
            with.1
        );
        assert!(!with.1.contains("sexuality"), "not consented: {}", with.1);
        assert!(!without.1.contains("religion"), "{}", without.1);
    }

    #[test]
    fn an_afc_mentee_where_they_are_based_meets_a_mentor_in_the_same_place() {
        let afc = programme("afc");
        let mut based = request(1, 10);
        based.location = " Kingston  upon Thames ".to_owned();
        let mut nearby = entry(1, 20);
        nearby.location = "kingston upon thames".to_owned();
        let plain = scored(&afc, request(1, 10), nearby.clone());
        let same = scored(&afc, based, nearby);
        assert_eq!(same.0 - plain.0, 2, "{same:?} against {plain:?}");
        assert!(
            same.1.contains("also in kingston upon thames"),
            "{}",
            same.1
        );
    }

    #[test]
    fn a_cwt_mentee_asking_for_another_jurisdiction_counts_a_mentor_there_again() {
        // CWT 1.2 a): mentee and mentor "in an opposite jurisdiction or
        // organisation"; REQ-1: the mentee may also ask for it.
        let cwt = programme("cwt");
        let mut asking = request(1, 10);
        asking.other_jurisdiction = true;
        let plain = scored(&cwt, request(1, 10), entry(1, 20));
        let asked = scored(&cwt, asking, entry(1, 20));
        let weight = i64::from(
            cwt.matching
                .weights
                .get(SettingCriterion::PreferredElsewhere)
                .expect("CWT weighs the mentee's wish")
                .get(),
        );
        // The entry's person is in Northern Ireland, the mentee in England.
        assert_eq!(asked.0 - plain.0, weight, "{asked:?} against {plain:?}");
        assert!(
            asked
                .1
                .contains("from another jurisdiction, as the mentee asked"),
            "{}",
            asked.1
        );
    }

    #[test]
    fn a_caf_mentee_isolated_in_their_team_counts_a_mentor_from_elsewhere_again() {
        // CAF 2: cross-regional matching for minority or isolated staff;
        // CAF 3: another team where possible, for everyone. The entry's
        // person is in another organisation's team, so "elsewhere".
        let caf = programme("caf");
        let mut isolated = request(1, 10);
        isolated.isolated = true;
        let plain = scored(&caf, request(1, 10), entry(1, 20));
        let with = scored(&caf, isolated, entry(1, 20));
        assert_eq!(with.0 - plain.0, 3, "{with:?} against {plain:?}");
        assert!(with.1.contains("isolated in their own"), "{}", with.1);
        assert!(!plain.1.contains("isolated"), "{}", plain.1);
    }

    #[test]
    fn a_mentees_language_gender_and_culture_wishes_become_identity_wishes() {
        let mut wanting = request(7, 10);
        wanting.language = "Welsh; English".to_owned();
        wanting.culture = "Irish".to_owned();
        let profiles = build(
            &programme("cwt"),
            wanting,
            entry(8, 20),
            &HashMap::new(),
            date!(2026 - 05 - 01),
        )
        .expect("builds");
        let mentee = &profiles.mentees[0];
        assert_eq!(
            mentee.wishes,
            BTreeMap::from([
                (
                    Identity::Language,
                    BTreeSet::from(["english".to_owned(), "welsh".to_owned()])
                ),
                (Identity::Culture, BTreeSet::from(["irish".to_owned()])),
            ]),
            "an empty wish (gender here) is no wish"
        );
        assert_eq!(
            mentee.needs,
            BTreeSet::from(["change".to_owned(), "leadership".to_owned()])
        );
        assert_eq!(mentee.person, 10);
        assert_eq!(mentee.requested_at, 1_700_000_000);
        assert_eq!(mentee.approval_type.as_deref(), Some("long term"));
        assert_eq!(
            mentee.interests,
            BTreeSet::from(["gardening".to_owned(), "music".to_owned()])
        );
        assert_eq!(mentee.place.jurisdiction.as_deref(), Some("England"));
        assert_eq!(mentee.place.team, "Fostering");
        let mentor = &profiles.mentors[0];
        assert_eq!(
            mentor.identity,
            BTreeMap::from([(
                Identity::Language,
                BTreeSet::from(["english".to_owned(), "irish".to_owned()])
            )])
        );
        assert_eq!(
            mentor.experience,
            BTreeSet::from(["change".to_owned(), "leadership".to_owned()])
        );
        assert_eq!(
            profiles.requests,
            [Named {
                id: RequestId::new(7),
                name: "Mina Tee".to_owned()
            }]
        );
        assert_eq!(
            profiles.entries,
            [Named {
                id: MentorEntryId::new(8),
                name: "Ada Lovelace".to_owned()
            }]
        );
        assert_eq!(
            profiles.exclusions.managers,
            BTreeMap::from([(10, vec![20, 99])])
        );
    }

    #[test]
    fn an_ineligible_mentor_is_ruled_out_with_every_reason() {
        let mut untrained = entry(8, 20);
        untrained.training_completed = false;
        let mentor = only_mentor(
            build(
                &programme("afc"),
                request(7, 10),
                untrained,
                &HashMap::new(),
                date!(2026 - 05 - 01),
            )
            .expect("builds"),
        );
        assert_eq!(
            mentor.status,
            MentorStatus::Ineligible(
                "needs to be a carer at level 2 or above; needs to complete the mentor training first"
                    .to_owned()
            )
        );
    }

    #[test]
    fn a_paused_mentor_is_unavailable_until_the_date_and_a_full_one_is_not_taking_mentees() {
        let mut paused = entry(8, 20);
        paused.availability = "paused".to_owned();
        paused.paused_until = Some("2026-06-01".to_owned());
        let status_on = |entry: MentorEntryRow, today: Date| {
            only_mentor(
                build(
                    &programme("cwt"),
                    request(7, 10),
                    entry,
                    &HashMap::new(),
                    today,
                )
                .expect("builds"),
            )
            .status
        };
        assert_eq!(
            status_on(paused.clone(), date!(2026 - 05 - 31)),
            MentorStatus::Unavailable("paused until 2026-06-01".to_owned())
        );
        assert_eq!(
            status_on(paused, date!(2026 - 06 - 01)),
            MentorStatus::Available
        );
        let mut full = entry(8, 20);
        full.availability = "full".to_owned();
        assert_eq!(
            status_on(full, date!(2026 - 05 - 31)),
            MentorStatus::Unavailable("not taking mentees".to_owned())
        );
    }

    #[test]
    fn the_places_in_use_are_the_live_proposals() {
        let mut roomy = entry(8, 20);
        roomy.capacity = 3;
        let mentor = |live: &HashMap<MentorEntryId, i64>| {
            only_mentor(
                build(
                    &programme("cwt"),
                    request(7, 10),
                    roomy.clone(),
                    live,
                    date!(2026 - 05 - 01),
                )
                .expect("builds"),
            )
        };
        let busy = mentor(&HashMap::from([
            (MentorEntryId::new(8), 2),
            (MentorEntryId::new(9), 5),
        ]));
        assert_eq!((busy.capacity, busy.current_mentees), (3, 2));
        assert_eq!(busy.free_places(), 1);
        let idle = mentor(&HashMap::from([(MentorEntryId::new(9), 5)]));
        assert_eq!(idle.current_mentees, 0, "another entry's proposals");
        assert_eq!(idle.place.jurisdiction.as_deref(), Some("Northern Ireland"));
        assert_eq!(idle.place.location, None, "an empty location is none");
    }

    #[test]
    fn a_person_who_was_not_loaded_is_an_internal_error() {
        let result = build_profiles(&Loaded {
            programme: &programme("cwt"),
            requests: &[request(7, 10)],
            entries: &[],
            people: &HashMap::new(),
            identities: &HashMap::new(),
            jurisdictions: &HashMap::new(),
            live_per_entry: &HashMap::new(),
            management_chains: &HashMap::new(),
            today: date!(2026 - 05 - 01),
            tried: &[],
            former: &[],
        });
        let Err(AppError::Internal(message)) = result else {
            panic!("a missing person is an internal error");
        };
        assert_eq!(message, "person 10 is missing");
    }

    #[test]
    fn another_team_and_another_region_weigh_as_the_larger_of_the_two() {
        let source = shipped_template("cwt").expect("ships").replace(
            "other_organisation = 3\n",
            "other_organisation = 3\nother_team = 2\nother_region = 4\n",
        );
        let programme = Programme::from_toml_str(&source).expect("reads");
        let Weights(weights) = weights(&programme);
        assert_eq!(weights.get(&Criterion::OtherTeamOrRegion), Some(&4));
        assert_eq!(weights.get(&Criterion::Experience), Some(&5));
    }
}
