//! A national-scale database for benchmarks and load runs (issue 10's
//! figures: 50,000 people, 20,000 relationships, 500,000 meetings). On top
//! of the demo, one more organisation with its staff takes part in a
//! programme run under FUN's rules (meeting records written by the mentor
//! and agreed by both, so every page opens sealed content). Every
//! relationship is made the way people make them — a request, screened, a
//! proposal, accepted, agreed — and every meeting is recorded through the
//! same checks and sealing as one recorded through a page; only the dates
//! are in the past.

use std::sync::Arc;

use tandem_domain::clock::FixedClock;
use tandem_domain::ids::{PersonId, ProgrammeId};
use tandem_domain::permissions::Operator;
use tandem_domain::programme::{Party, SHIPPED_TEMPLATES};
use tandem_domain::relationship::RelationshipId;
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_domain::roles::{Role, RoleGrant};
use time::Duration;

use crate::demo::DEMO_PASSWORD;
use crate::import::NoProgress;
use crate::relationships::{Acting, StepRequest};
use crate::{App, AppError};

/// How big to make it.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Staff of the organisation added (the demo's few hundred besides).
    pub people: usize,
    /// Agreed relationships, four to a mentor.
    pub relationships: usize,
    /// Meetings in all, spread evenly over the relationships, fortnightly.
    pub meetings: usize,
    /// Requests waiting to be screened, from staff not yet in a
    /// relationship: the coordinator's screening queue.
    pub open_requests: usize,
}

impl std::str::FromStr for Scale {
    type Err = String;

    /// `PEOPLE,RELATIONSHIPS,MEETINGS[,OPEN_REQUESTS]`, such as
    /// `50000,20000,500000,2000`.
    fn from_str(s: &str) -> Result<Scale, String> {
        let parts: Vec<&str> = s.split(',').map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) {
            return Err(format!(
                "\"{s}\" is not PEOPLE,RELATIONSHIPS,MEETINGS[,OPEN_REQUESTS], such as 50000,20000,500000,2000"
            ));
        }
        let names = ["people", "relationships", "meetings", "open requests"];
        let mut numbers = [0usize; 4];
        for ((part, name), number) in parts.iter().zip(names).zip(&mut numbers) {
            *number = part
                .replace('_', "")
                .parse()
                .map_err(|_| format!("the number of {name} \"{part}\" is not a whole number"))?;
        }
        Ok(Scale {
            people: numbers[0],
            relationships: numbers[1],
            meetings: numbers[2],
            open_requests: numbers[3],
        })
    }
}

/// What was made: the programme, and the mentor who signs in as
/// [`SCALE_MENTOR_EMAIL`] (password [`DEMO_PASSWORD`]) with one of their
/// relationships, whose pages are the ones measured.
#[derive(Debug, Clone)]
pub struct ScaleDatabase {
    pub programme: ProgrammeId,
    pub relationship: RelationshipId,
    pub relationships: usize,
    pub meetings: usize,
}

/// The sign-in of a mentor with four relationships in the scale programme.
pub const SCALE_MENTOR_EMAIL: &str = "scale.mentor@tandem.example";

/// The scale organisation's other sign-ins, one for each role whose pages
/// grow with it (password [`DEMO_PASSWORD`]): its coordinator, its HR, a
/// team manager with about fifty reports, and the mentee of the scale
/// mentor's first relationship. (role, local part, employee number; `None`
/// for the mentee, who is found from the relationship.)
pub const SCALE_SIGN_INS: [(Role, &str, Option<usize>); 5] = [
    (Role::Coordinator, "scale.coordinator", Some(2)),
    (Role::Hr, "scale.hr", Some(3)),
    (Role::LineManager, "scale.manager", Some(51)),
    (Role::Mentor, "scale.mentor", None),
    (Role::Mentee, "scale.mentee", None),
];

/// Mentees each mentor takes at once.
const PER_MENTOR: usize = 4;
/// The first employee number of the staff who mentor or are mentored (the
/// ones before are the chief executive, heads of service and managers).
const FIRST_STAFF: usize = 1051;
/// Days between the relationships' start and now.
const STARTED_DAYS_AGO: i64 = 400;

impl App {
    /// Adds the scale organisation, programme, relationships and meetings
    /// to a database that holds the demo (see the module's documentation),
    /// as the operator.
    pub async fn load_scale(
        &self,
        operator: &Operator,
        scale: &Scale,
    ) -> Result<ScaleDatabase, AppError> {
        let mentors = scale.relationships.div_ceil(PER_MENTOR);
        let needed = FIRST_STAFF + mentors + scale.relationships + scale.open_requests;
        if scale.people < needed {
            return Err(AppError::invalid(
                "people",
                format!(
                    "{} relationships and {} open requests need at least {needed} people",
                    scale.relationships, scale.open_requests
                ),
            ));
        }
        let organisation = self
            .store
            .organisations()
            .create("National Mentoring Trust", "England")
            .await?;
        self.import_people(
            &operator.people_import(organisation.id),
            people_csv(scale.people).as_bytes(),
            &NoProgress,
        )
        .await
        .map_err(|e| AppError::Internal(format!("the scale people did not import: {e:?}")))?;

        let fun = SHIPPED_TEMPLATES
            .iter()
            .find(|(key, _)| *key == "fun")
            .map(|(_, source)| *source)
            .ok_or_else(|| AppError::Internal("the FUN template is missing".into()))?;
        let source = fun
            .replacen("key = \"fun\"", "key = \"national\"", 1)
            .replacen(
                "name = \"Fun Foundations Mentoring Programme\"",
                "name = \"National Mentoring Programme\"",
                1,
            );
        let programme_id = self
            .import_programme_as_operator(
                operator,
                &source,
                std::slice::from_ref(&organisation.name),
            )
            .await
            .map_err(|e| AppError::Internal(format!("the scale programme did not load: {e:?}")))?
            .id;
        let (_, programme, _) = self.matching_programme(programme_id).await?;
        let track = programme
            .tracks
            .first()
            .map(|t| t.key.as_str().to_owned())
            .ok_or_else(|| AppError::Internal("the scale programme has no track".into()))?;
        let kind = programme
            .meetings
            .kinds
            .first()
            .map_or("face_to_face", |k| k.as_str())
            .to_owned();

        let person = |n: usize| {
            let store = self.store.clone();
            let organisation = organisation.id;
            async move {
                store
                    .people()
                    .by_employee_id(organisation, &format!("E{n}"))
                    .await?
                    .ok_or_else(|| AppError::Internal(format!("scale person E{n} is missing")))
            }
        };
        let mut entries = Vec::with_capacity(mentors);
        let mut mentor_people: Vec<PersonId> = Vec::with_capacity(mentors);
        for m in 0..mentors {
            let id = person(FIRST_STAFF + m).await?;
            let mut profile = crate::relationships::demo_profile();
            profile.capacity = u16::try_from(PER_MENTOR).unwrap_or(u16::MAX);
            entries.push(
                self.store
                    .register()
                    .put(&operator.register_entry(programme_id, id, false), &profile)
                    .await?,
            );
            mentor_people.push(id);
        }
        let first_mentor = mentor_people
            .first()
            .copied()
            .ok_or_else(|| AppError::invalid("relationships", "Make at least one relationship"))?;
        let grant = RoleGrant::new(Role::Mentor, Some(organisation.id), None)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.create_account(
            SCALE_MENTOR_EMAIL,
            "Scale Mentor",
            DEMO_PASSWORD,
            Some(first_mentor),
            &[grant],
        )
        .await?;
        for (role, local, employee) in SCALE_SIGN_INS {
            let Some(employee) = employee else { continue };
            let grant = RoleGrant::new(role, Some(organisation.id), None)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let who = person(employee).await?;
            self.create_account(
                &format!("{local}@tandem.example"),
                &format!("Scale {}", role.label()),
                DEMO_PASSWORD,
                Some(who),
                &[grant],
            )
            .await?;
        }

        let now = self.clock.now();
        let started = now - Duration::days(STARTED_DAYS_AGO);
        let clock = Arc::new(FixedClock::at(started));
        let then = self.clone().with_clock(clock.clone());
        let mentee = Acting::Operator(operator, Party::Mentee);
        let mentor = Acting::Operator(operator, Party::Mentor);
        let mut first = None;
        let mut recorded = 0;
        for r in 0..scale.relationships {
            clock.set(started);
            let mentee_id = person(FIRST_STAFF + mentors + r).await?;
            let proposal = then
                .demo_proposal(
                    operator,
                    programme_id,
                    mentee_id,
                    entries[r / PER_MENTOR],
                    &track,
                )
                .await?;
            let id = then.demo_accept(operator, proposal).await?;
            first.get_or_insert(id);
            clock.set(started + Duration::days(7));
            then.relationship_step_as(&mentee, id, StepRequest::Agree)
                .await?;
            // This relationship's share of the meetings, fortnightly from
            // its start, recorded by the mentor as they happened.
            let share = scale.meetings / scale.relationships
                + usize::from(r < scale.meetings % scale.relationships);
            let inputs: Vec<MeetingInput> = (0..share)
                .map(|k| MeetingInput {
                    date: (started + Duration::days(14 * (k as i64 + 1)))
                        .date()
                        .to_string(),
                    minutes: "60".into(),
                    kind: kind.clone(),
                    notes: Some(format!(
                        "Meeting {}: went over the month's cases and what to try next.",
                        k + 1
                    )),
                    action_points: Vec::new(),
                })
                .collect();
            self.record_meetings_as(&mentor, id, &inputs).await?;
            recorded += inputs.len();
        }
        let first_mentee = person(FIRST_STAFF + mentors).await?;
        let grant = RoleGrant::new(Role::Mentee, Some(organisation.id), None)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.create_account(
            "scale.mentee@tandem.example",
            "Scale Mentee",
            DEMO_PASSWORD,
            Some(first_mentee),
            &[grant],
        )
        .await?;
        for q in 0..scale.open_requests {
            let waiting = person(FIRST_STAFF + mentors + scale.relationships + q).await?;
            self.demo_waiting_request(operator, programme_id, waiting, &track)
                .await?;
        }
        Ok(ScaleDatabase {
            programme: programme_id,
            relationship: first.ok_or_else(|| {
                AppError::invalid("relationships", "Make at least one relationship")
            })?,
            relationships: scale.relationships,
            meetings: recorded,
        })
    }
}

/// An HR export of `rows` people: a chief executive, 50 heads of service,
/// 1,000 team managers, and staff under them (also the import benchmark's
/// file).
pub fn people_csv(rows: usize) -> String {
    let mut csv = String::from(
        "employee_id,given_name,family_name,email,region,team,line_manager_employee_id,job_title,grade,start_date,employment_type\n",
    );
    for i in 0..rows {
        let (manager, title, team) = match i {
            0 => (String::new(), "Chief executive", 0),
            1..=50 => ("E0".to_owned(), "Head of service", i),
            51..=1050 => (format!("E{}", 1 + (i - 51) % 50), "Team manager", i - 51),
            _ => (
                format!("E{}", 51 + (i - 1051) % 1000),
                "Practitioner",
                (i - 1051) % 1000,
            ),
        };
        csv.push_str(&format!(
            "E{i},Given{i},Family{i},person{i}@national.example,Region {},Team {team},{manager},{title},Band {},20{:02}-{:02}-01,employee\n",
            team % 50,
            5 + i % 4,
            10 + i % 15,
            1 + i % 12,
        ));
    }
    csv
}
