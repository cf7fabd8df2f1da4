//! Demo data: the organisations behind the five seed schemes, a few
//! hundred synthetic people with management chains, the five seed
//! programmes, and an account for every role. Loaded through the same
//! imports the HR export and programme files use.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tandem_domain::ids::{PersonId, ProgrammeId};
use tandem_domain::permissions::Operator;
use tandem_domain::programme::{Party, SHIPPED_TEMPLATES};
use tandem_domain::roles::{Role, RoleGrant};

use crate::import::NoProgress;
use crate::{App, AppError};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "tandem-demo-password";

/// A demo account to create: role, the email's local part, the person it
/// belongs to (organisation and employee id), and who that is.
type DemoAccount = (
    Role,
    &'static str,
    Option<(&'static str, &'static str)>,
    &'static str,
);

/// Every demo sign-in, in the order `tandem demo` prints them: one per
/// role, then the members of the pairs that can be taken from acceptance
/// to completion (a CWT mentee whose proposal waits for the demo mentor,
/// and a FUN pair), then the mentors on the Cafcass register, who answer
/// the proposals the coordinator sends once they have screened and
/// matched Cafcass's requests.
const DEMO_SIGN_INS: [(Role, &str); 14] = [
    (Role::Administrator, "admin"),
    (Role::Coordinator, "coordinator"),
    (Role::Hr, "hr"),
    (Role::LineManager, "manager"),
    (Role::SupervisingSocialWorker, "ssw"),
    (Role::Mentor, "mentor"),
    (Role::Mentee, "mentee"),
    (Role::Mentee, "cwt.mentee"),
    (Role::Mentor, "fun.mentor"),
    (Role::Mentee, "fun.mentee"),
    (Role::Mentor, "cwt.mentor"),
    (Role::Mentor, "caf.mentor1"),
    (Role::Mentor, "caf.mentor2"),
    (Role::Mentor, "caf.mentor3"),
];

/// One demo account, as `tandem demo` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub role: Role,
    pub email: String,
    pub who: String,
}

struct DemoOrganisation {
    name: &'static str,
    jurisdiction: &'static str,
    prefix: &'static str,
    regions: &'static [&'static str],
    teams_per_region: usize,
    staff: usize,
    carers: usize,
    contractors_every: usize,
}

const ORGANISATIONS: [DemoOrganisation; 11] = [
    DemoOrganisation {
        name: "Cafcass",
        jurisdiction: "England",
        prefix: "CAF",
        regions: &["London", "South East", "North West", "Midlands"],
        teams_per_region: 2,
        staff: 120,
        carers: 0,
        contractors_every: 9,
    },
    DemoOrganisation {
        name: "Fun Foundations Day Nursery",
        jurisdiction: "Wales",
        prefix: "FUN",
        regions: &[],
        teams_per_region: 2,
        staff: 14,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Forest Heath District Council",
        jurisdiction: "England",
        prefix: "FHDC",
        regions: &["Mildenhall", "Newmarket"],
        teams_per_region: 2,
        staff: 40,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "St Edmundsbury Borough Council",
        jurisdiction: "England",
        prefix: "SEBC",
        regions: &["Bury St Edmunds", "Haverhill"],
        teams_per_region: 2,
        staff: 45,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Achieving for Children IFA",
        jurisdiction: "England",
        prefix: "AFC",
        regions: &["Kingston", "Richmond"],
        teams_per_region: 1,
        staff: 20,
        carers: 40,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Health Service Executive West",
        jurisdiction: "Republic of Ireland",
        prefix: "HSEW",
        regions: &["Galway", "Sligo"],
        teams_per_region: 1,
        staff: 25,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Health Service Executive Dublin North East",
        jurisdiction: "Republic of Ireland",
        prefix: "HSED",
        regions: &["Louth", "Cavan"],
        teams_per_region: 1,
        staff: 25,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Health and Social Care Board",
        jurisdiction: "Northern Ireland",
        prefix: "HSCB",
        regions: &["Belfast"],
        teams_per_region: 2,
        staff: 20,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Public Health Agency",
        jurisdiction: "Northern Ireland",
        prefix: "PHA",
        regions: &["Belfast"],
        teams_per_region: 2,
        staff: 20,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Southern Health and Social Care Trust",
        jurisdiction: "Northern Ireland",
        prefix: "SHSCT",
        regions: &["Armagh", "Newry"],
        teams_per_region: 1,
        staff: 25,
        carers: 0,
        contractors_every: 0,
    },
    DemoOrganisation {
        name: "Western Health and Social Care Trust",
        jurisdiction: "Northern Ireland",
        prefix: "WHSCT",
        regions: &["Derry", "Enniskillen"],
        teams_per_region: 1,
        staff: 25,
        carers: 0,
        contractors_every: 0,
    },
];

const GIVEN_NAMES: [&str; 32] = [
    "Aisling",
    "Amir",
    "Bethan",
    "Ciaran",
    "Dafydd",
    "Deborah",
    "Eilidh",
    "Farah",
    "Gareth",
    "Grainne",
    "Hannah",
    "Imran",
    "Joanne",
    "Kwame",
    "Laura",
    "Megan",
    "Niamh",
    "Oluwaseun",
    "Padraig",
    "Priya",
    "Rhys",
    "Roisin",
    "Samira",
    "Sean",
    "Sinead",
    "Tomasz",
    "Una",
    "Victoria",
    "Wei",
    "Yusuf",
    "Zainab",
    "Owen",
];
const FAMILY_NAMES: [&str; 32] = [
    "Adebayo",
    "Ahmed",
    "Brennan",
    "Byrne",
    "Chen",
    "Davies",
    "Doherty",
    "Evans",
    "Fitzgerald",
    "Gallagher",
    "Hughes",
    "Jones",
    "Kaur",
    "Kelly",
    "Kowalski",
    "Lewis",
    "McCann",
    "McLaughlin",
    "Morgan",
    "Murphy",
    "Nowak",
    "O'Neill",
    "Okafor",
    "Patel",
    "Quinn",
    "Roberts",
    "Singh",
    "Thomas",
    "Walsh",
    "Williams",
    "Wright",
    "Quigley",
];
const APPROVAL_TYPES: [&str; 4] = ["Mainstream", "Short breaks", "Parent and child", "Remand"];
const HOUSEHOLDS: [&str; 4] = [
    "Couple with two birth children at home",
    "Single carer with no other children",
    "Couple whose adult children have left home",
    "Single carer with one birth child",
];
const SPECIAL_INTERESTS: [&str; 4] = ["", "Disability", "SEN", "Teenagers"];

/// Writes one organisation's HR export: a chief executive, a head per
/// region, a manager per team, then staff spread over the teams.
fn organisation_csv(org: &DemoOrganisation, rng: &mut StdRng) -> String {
    let mut csv = String::from(
        "employee_id,given_name,family_name,email,region,team,line_manager_employee_id,job_title,grade,start_date,employment_type,approval_type,carer_level,approval_date,household,special_interests\n",
    );
    let domain = org.prefix.to_lowercase();
    let mut next = 0usize;
    let mut row = |csv: &mut String,
                   rng: &mut StdRng,
                   region: &str,
                   team: &str,
                   manager: &str,
                   title: &str,
                   grade: &str,
                   kind: &str|
     -> String {
        next += 1;
        let id = format!("{}{:04}", org.prefix, next);
        let given = GIVEN_NAMES[rng.gen_range(0..GIVEN_NAMES.len())];
        let family = FAMILY_NAMES[rng.gen_range(0..FAMILY_NAMES.len())];
        let year = rng.gen_range(2005..=2026);
        let month = rng.gen_range(1..=12);
        let email = format!(
            "{}.{}{}@{domain}.example",
            given.to_lowercase(),
            family.to_lowercase().replace('\'', ""),
            next
        );
        let fostering = if kind == "foster_carer_household" {
            format!(
                "{},{},{year}-{month:02}-01,{},{}",
                APPROVAL_TYPES[rng.gen_range(0..APPROVAL_TYPES.len())],
                rng.gen_range(1..=3),
                HOUSEHOLDS[rng.gen_range(0..HOUSEHOLDS.len())],
                SPECIAL_INTERESTS[rng.gen_range(0..SPECIAL_INTERESTS.len())],
            )
        } else {
            ",,,,".to_owned()
        };
        csv.push_str(&format!(
            "{id},{given},{family},{email},{region},{team},{manager},{title},{grade},{year}-{month:02}-01,{kind},{fostering}\n"
        ));
        id
    };
    let regions: Vec<&str> = if org.regions.is_empty() {
        vec![""]
    } else {
        org.regions.to_vec()
    };
    let chief = row(
        &mut csv,
        rng,
        "",
        "Leadership",
        "",
        "Chief executive",
        "Director",
        "employee",
    );
    let mut teams: Vec<(String, String, String)> = Vec::new();
    for region in &regions {
        let head = if org.regions.is_empty() {
            chief.clone()
        } else {
            row(
                &mut csv,
                rng,
                region,
                "Leadership",
                &chief,
                &format!("Head of service ({region})"),
                "Band 8",
                "employee",
            )
        };
        for t in 1..=org.teams_per_region {
            let team = if region.is_empty() {
                format!("Room {t}")
            } else {
                format!("{region} team {t}")
            };
            let manager = row(
                &mut csv,
                rng,
                region,
                &team,
                &head,
                "Team manager",
                "Band 7",
                "employee",
            );
            teams.push((region.to_string(), team, manager));
        }
    }
    let titles = [
        "Practitioner",
        "Senior practitioner",
        "Administrator",
        "Social worker",
        "Officer",
    ];
    let leaders = 1 + org.regions.len() + teams.len();
    for i in 0..org.staff.saturating_sub(leaders) {
        let (region, team, manager) = &teams[i % teams.len()];
        let kind = if org.contractors_every > 0 && i % org.contractors_every == 0 {
            "self_employed_contractor"
        } else {
            "employee"
        };
        let title = titles[rng.gen_range(0..titles.len())];
        let grade = ["Band 5", "Band 6"][rng.gen_range(0..2)];
        row(&mut csv, rng, region, team, manager, title, grade, kind);
    }
    for i in 0..org.carers {
        let (region, _, _) = &teams[i % teams.len()];
        row(
            &mut csv,
            rng,
            region,
            "Foster carers",
            "",
            "Foster carer",
            "",
            "foster_carer_household",
        );
    }
    csv
}

impl App {
    /// Whether the database already holds any organisation.
    pub async fn has_data(&self) -> Result<bool, AppError> {
        Ok(!self.store.organisations().all().await?.is_empty())
    }

    /// Loads the demo organisations, people and accounts into an empty
    /// database and returns the logins.
    pub async fn load_demo(&self) -> Result<Vec<DemoLogin>, AppError> {
        if self.has_data().await? {
            return Err(AppError::invalid(
                "database",
                "the demo loads only into an empty database",
            ));
        }
        let mut rng = StdRng::seed_from_u64(2026);
        for org in &ORGANISATIONS {
            let organisation = self
                .store
                .organisations()
                .create(org.name, org.jurisdiction)
                .await?;
            let csv = organisation_csv(org, &mut rng);
            self.import_people(
                &Operator::assume().people_import(organisation.id),
                csv.as_bytes(),
                &NoProgress,
            )
            .await
            .map_err(|e| {
                AppError::Internal(format!("demo data for {} did not import: {e:?}", org.name))
            })?;
        }
        // The five seed schemes (PRG-4), each taking part with the demo
        // organisations its template names.
        let mut caf_programme = None;
        for (key, source) in SHIPPED_TEMPLATES {
            let imported = self
                .import_programme_as_operator(&Operator::assume(), source, &[])
                .await
                .map_err(|e| {
                    AppError::Internal(format!("the {key} template did not load: {e:?}"))
                })?;
            if *key == "caf" {
                caf_programme = Some(imported.id);
            }
        }
        let accounts: [DemoAccount; 7] = [
            (
                Role::Administrator,
                "admin",
                None,
                "administrator of every organisation",
            ),
            (
                Role::Coordinator,
                "coordinator",
                Some(("Cafcass", "CAF0002")),
                "coordinator of Cafcass",
            ),
            (
                Role::Hr,
                "hr",
                Some(("Forest Heath District Council", "FHDC0003")),
                "HR, Forest Heath District Council",
            ),
            (
                Role::LineManager,
                "manager",
                Some(DEMO_MANAGER),
                "team manager at Cafcass, consulted on a request from their team",
            ),
            (
                Role::SupervisingSocialWorker,
                "ssw",
                Some(("Achieving for Children IFA", "AFC0004")),
                "supervising social worker at Achieving for Children",
            ),
            (
                Role::Mentor,
                "mentor",
                Some(("Western Health and Social Care Trust", "WHSCT0002")),
                "head of service at Western Trust",
            ),
            (
                Role::Mentee,
                "mentee",
                Some(("Cafcass", "CAF0011")),
                "head of service at Cafcass, whose request for a mentor waits to be screened",
            ),
        ];
        let mut logins = Vec::new();
        for (role, local, person, who) in accounts {
            let email = format!("{local}@tandem.example");
            let (person_id, organisation_id, display_name) = match person {
                None => (None, None, "Ada Admin".to_owned()),
                Some((org_name, employee_id)) => {
                    let (id, organisation_id, name) =
                        self.demo_account_person(org_name, employee_id).await?;
                    (Some(id), Some(organisation_id), name)
                }
            };
            let grant = RoleGrant::new(role, organisation_id, None)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut grants = vec![grant];
            // The Cafcass coordinator also coordinates the CAF programme itself.
            if role == Role::Coordinator {
                grants.push(
                    RoleGrant::new(role, organisation_id, caf_programme)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                );
            }
            self.create_account(&email, &display_name, DEMO_PASSWORD, person_id, &grants)
                .await?;
            logins.push(DemoLogin {
                role,
                email,
                who: format!("{display_name} — {who}"),
            });
        }
        self.load_demo_register().await?;
        let cwt_mentee = self.load_demo_matching().await?;
        let mut pairs = self.load_demo_relationships(&Operator::assume()).await?;
        if let Some(person) = cwt_mentee {
            pairs.insert(
                0,
                crate::relationships::PairLogin {
                    local: "cwt.mentee",
                    party: Party::Mentee,
                    person,
                    who: "mentee in the cross-border partnership, whose proposal waits for the demo mentor".to_owned(),
                },
            );
        }
        for pair in pairs {
            let person = self
                .store
                .people()
                .get(pair.person)
                .await?
                .ok_or(AppError::NotFound)?;
            let role = if pair.party == Party::Mentor {
                Role::Mentor
            } else {
                Role::Mentee
            };
            let grant = RoleGrant::new(role, Some(person.organisation_id), None)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let email = format!("{}@tandem.example", pair.local);
            let display_name = format!("{} {}", person.given_name, person.family_name);
            self.create_account(
                &email,
                &display_name,
                DEMO_PASSWORD,
                Some(pair.person),
                &[grant],
            )
            .await?;
            logins.push(DemoLogin {
                role,
                email,
                who: format!("{display_name} — {}", pair.who),
            });
        }
        // The CWT mentor whom matching proposed for the other waiting
        // request can sign in and answer it.
        let cwt = self.demo_programme("cwt").await?;
        let demo_mentor = self
            .demo_person("Western Health and Social Care Trust", "WHSCT0002")
            .await?;
        let other = self
            .store
            .proposals()
            .of_programme(cwt)
            .await?
            .into_iter()
            .find(|p| {
                p.status == tandem_domain::proposals::ProposalStatus::AwaitingMentor
                    && p.mentor_person_id != demo_mentor
            });
        if let Some(proposal) = other
            && let Some(person) = self.store.people().get(proposal.mentor_person_id).await?
        {
            let display_name = format!("{} {}", person.given_name, person.family_name);
            let email = "cwt.mentor@tandem.example".to_owned();
            let grant = RoleGrant::new(Role::Mentor, Some(person.organisation_id), None)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            self.create_account(
                &email,
                &display_name,
                DEMO_PASSWORD,
                Some(person.id),
                &[grant],
            )
            .await?;
            logins.push(DemoLogin {
                role: Role::Mentor,
                email,
                who: format!(
                    "{display_name} — mentor in the cross-border partnership, with a proposal to answer"
                ),
            });
        }
        // Every Cafcass mentor on the register can sign in, so that
        // whichever the coordinator's matching proposes can answer.
        let cafcass_mentors = DEMO_MENTORS.iter().filter(|m| m.0 == "caf");
        for (number, (_, org_name, employee_id, expertise, ..)) in cafcass_mentors.enumerate() {
            let (person_id, organisation_id, display_name) =
                self.demo_account_person(org_name, employee_id).await?;
            let grant = RoleGrant::new(Role::Mentor, Some(organisation_id), None)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let email = format!("caf.mentor{}@tandem.example", number + 1);
            self.create_account(
                &email,
                &display_name,
                DEMO_PASSWORD,
                Some(person_id),
                &[grant],
            )
            .await?;
            logins.push(DemoLogin {
                role: Role::Mentor,
                email,
                who: format!(
                    "{display_name} — mentor on the Cafcass register ({}), who answers the proposals the coordinator sends",
                    expertise.to_lowercase()
                ),
            });
        }
        Ok(logins)
    }

    /// A demo person by organisation and employee id: their id, their
    /// organisation's, and their name.
    async fn demo_account_person(
        &self,
        org_name: &str,
        employee_id: &str,
    ) -> Result<(PersonId, tandem_domain::ids::OrganisationId, String), AppError> {
        let id = self.demo_person(org_name, employee_id).await?;
        let person = self
            .store
            .people()
            .get(id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((
            id,
            person.organisation_id,
            format!("{} {}", person.given_name, person.family_name),
        ))
    }

    /// The demo logins, read back from an existing demo database.
    pub async fn demo_logins(&self) -> Result<Vec<DemoLogin>, AppError> {
        let mut logins = Vec::new();
        let scale = crate::scale::SCALE_SIGN_INS
            .iter()
            .map(|&(role, local, _)| (role, local));
        for (role, local) in DEMO_SIGN_INS.into_iter().chain(scale) {
            let email = format!("{local}@tandem.example");
            if let Some(account) = self.store.accounts().by_email(&email).await? {
                logins.push(DemoLogin {
                    role,
                    email,
                    who: account.display_name,
                });
            }
        }
        Ok(logins)
    }
}

/// Demo mentors: (programme key, organisation, employee id, expertise,
/// languages, published fields).
const DEMO_MENTORS: [(&str, &str, &str, &str, &str, bool); 8] = [
    (
        "caf",
        "Cafcass",
        "CAF0020",
        "Private law, court reports",
        "English",
        false,
    ),
    (
        "caf",
        "Cafcass",
        "CAF0021",
        "Public law, care proceedings",
        "English, Welsh",
        false,
    ),
    (
        "caf",
        "Cafcass",
        "CAF0022",
        "Domestic abuse, risk assessment",
        "English, Urdu",
        false,
    ),
    (
        "cwt",
        "Western Health and Social Care Trust",
        "WHSCT0002",
        "Strategic influencing, culture change",
        "English, Irish",
        true,
    ),
    (
        "cwt",
        "Health and Social Care Board",
        "HSCB0005",
        "Commissioning, policy development",
        "English",
        true,
    ),
    (
        "cwt",
        "Public Health Agency",
        "PHA0006",
        "Public health leadership",
        "English, Polish",
        true,
    ),
    (
        "cwt",
        "Health Service Executive West",
        "HSEW0007",
        "Systemic change, primary care",
        "English, Irish",
        true,
    ),
    (
        "cwt",
        "Southern Health and Social Care Trust",
        "SHSCT0004",
        "Clinical management",
        "English",
        true,
    ),
];

/// The demo line manager: a team manager at Cafcass.
const DEMO_MANAGER: (&str, &str) = ("Cafcass", "CAF0003");

/// Demo requests waiting to be screened, oldest first: (programme key,
/// organisation, employee id, track, goals).
const DEMO_REQUESTS: [(&str, &str, &str, &str, &str); 5] = [
    (
        "caf",
        "Cafcass",
        "CAF0030",
        "particular_work",
        "Build confidence writing section 7 reports",
    ),
    (
        "caf",
        "Cafcass",
        "CAF0011",
        "change_of_role",
        "Settle into a senior practitioner role",
    ),
    (
        "caf",
        "Cafcass",
        "CAF0031",
        "particular_work",
        "Learn to manage high-conflict private law cases",
    ),
    (
        "cwt",
        "Health Service Executive Dublin North East",
        "HSED0010",
        "leadership",
        "Develop strategic influencing across the border",
    ),
    (
        "cwt",
        "Public Health Agency",
        "PHA0012",
        "leadership",
        "Prepare for a general management post",
    ),
];

impl App {
    /// A few mentors on the CAF and CAWT registers, and a few requests
    /// waiting to be screened (REG-1, REQ-1).
    async fn load_demo_register(&self) -> Result<(), AppError> {
        use tandem_domain::register::{
            Availability, Consultation, MentorProfile, MentorRequest, ProfileField, RequestSource,
        };
        use tandem_store::NewRequest;

        let programme_id = |key: &'static str| self.demo_programme(key);
        let person = |org: &'static str, employee_id: &'static str| async move {
            let org = self.organisation_named(org).await?;
            self.store
                .people()
                .by_employee_id(org.id, employee_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("demo person {employee_id} is missing")))
        };
        for (i, (key, org, employee_id, expertise, languages, published)) in
            DEMO_MENTORS.into_iter().enumerate()
        {
            let profile = MentorProfile {
                experience: "Over ten years in practice, five managing a team.".to_owned(),
                experience_months: Some(
                    tandem_domain::programme::Months::parse(120)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                ),
                interests: "Reflective practice, staff wellbeing".to_owned(),
                expertise: expertise.to_owned(),
                style: "Listening first; challenge with warmth".to_owned(),
                languages: languages.to_owned(),
                location: "Happy to meet by video or face to face".to_owned(),
                special_interests: String::new(),
                training_completed: true,
                experience_shown_by_appraisal: true,
                published: if published {
                    ProfileField::ALL.to_vec()
                } else {
                    Vec::new()
                },
                capacity: 2,
                availability: if i == 7 {
                    Availability::Full
                } else {
                    Availability::Available
                },
            };
            let authority = Operator::assume().register_entry(
                programme_id(key).await?,
                person(org, employee_id).await?,
                key == "caf",
            );
            self.store.register().put(&authority, &profile).await?;
        }
        // A Cafcass mentor has said on their own profile that they are
        // Welsh, and agreed to matching on it (caf.toml weighs culture);
        // the head of service below asks for a mentor who shares it.
        let welsh = tandem_domain::identity::PersonIdentity {
            culture: tandem_domain::identity::Recorded {
                value: "Welsh".to_owned(),
                consent: true,
            },
            ..Default::default()
        };
        self.store
            .identities()
            .save(
                tandem_domain::permissions::Actor::Operator,
                person("Cafcass", "CAF0021").await?,
                &welsh,
            )
            .await?;
        for (key, org, employee_id, track, goals) in DEMO_REQUESTS {
            let programme = programme_id(key).await?;
            let person_id = person(org, employee_id).await?;
            let request = MentorRequest {
                track: track.to_owned(),
                goals: goals.to_owned(),
                help_needed: "Someone outside my line management to think things through with"
                    .to_owned(),
                preferred_style: "Practical and direct".to_owned(),
                meeting_frequency: "Monthly".to_owned(),
                relationship_length: "Six months".to_owned(),
                meeting_location: "Video calls".to_owned(),
                other_team: true,
                other_region: false,
                other_organisation: key == "cwt",
                other_jurisdiction: key == "cwt",
                language: String::new(),
                gender: String::new(),
                culture: if employee_id == "CAF0011" {
                    "Welsh".to_owned()
                } else {
                    String::new()
                },
                race: String::new(),
                religion: String::new(),
                sexuality: String::new(),
                location: String::new(),
                specific_requests: String::new(),
                isolated: false,
                named_mentor: None,
            };
            // CAF consults the line manager (REQ-5). The demo manager
            // (CAF0003) answers for their own team; any other manager has
            // no demo account, so their answer is in already (they support
            // the time), and every request can move on.
            let consultation = if key != "caf" {
                Consultation::NotNeeded
            } else {
                let manager = self
                    .store
                    .people()
                    .get(person_id)
                    .await?
                    .and_then(|p| p.line_manager_employee_id);
                if manager.as_deref() == Some(DEMO_MANAGER.1) {
                    Consultation::Awaiting
                } else {
                    Consultation::Supports
                }
            };
            self.store
                .requests()
                .create(
                    &Operator::assume().request(programme, person_id),
                    &NewRequest {
                        request: &request,
                        source: RequestSource::Requested,
                        consultation,
                    },
                )
                .await?;
        }
        Ok(())
    }

    /// CAWT Connect's requests are screened in and matched, so the demo
    /// shows proposals waiting for mentors (the demo mentor among them);
    /// Cafcass's stay in the screening queue for the coordinator.
    /// Screens the CWT requests and sends the proposals, the first to the
    /// demo mentor; returns that proposal's mentee.
    async fn load_demo_matching(&self) -> Result<Option<PersonId>, AppError> {
        use tandem_domain::register::{RequestStatus, ScreeningDecision};

        let operator = Operator::assume();
        let cwt = self.demo_programme("cwt").await?;
        // CWT 2.2.3: each mentee answered the self-assessment with their
        // request; the answers vary from person to person.
        let programme = self.programme_settings(cwt).await?;
        let questionnaire = tandem_domain::register::self_assessment(&programme).cloned();
        for (index, request) in self
            .store
            .requests()
            .with_status(cwt, RequestStatus::AwaitingScreening, None)
            .await?
            .into_iter()
            .enumerate()
        {
            if let Some(questionnaire) = &questionnaire {
                let points = questionnaire.scale.as_ref().map_or(1, |s| s.labels.len());
                let answers: Vec<String> = tandem_domain::register::mentee_questions(questionnaire)
                    .iter()
                    .enumerate()
                    .map(|(q, _)| (1 + (index + q) % points.clamp(1, 3)).to_string())
                    .collect();
                let values = tandem_domain::register::check_answers(questionnaire, &answers)
                    .map_err(|problems| {
                        AppError::Internal(format!("demo self-assessment: {problems:?}"))
                    })?;
                self.store
                    .requests()
                    .save_self_assessment(
                        &operator.self_assessment(request.id),
                        questionnaire.key.as_str(),
                        tandem_domain::register::Phase::Before,
                        &values,
                    )
                    .await?;
            }
            self.store
                .requests()
                .screen(&operator.screening(request.id), &ScreeningDecision::Accept)
                .await?;
        }
        let authority = operator.matching(cwt);
        // The coordinator has chosen the demo mentor for the first request.
        let demo_mentor = self
            .demo_person("Western Health and Social Care Trust", "WHSCT0002")
            .await?;
        let entry = self.store.register().for_person(cwt, demo_mentor).await?;
        let first = self
            .store
            .requests()
            .with_status(cwt, RequestStatus::Accepted, None)
            .await?
            .into_iter()
            .next();
        let mut mentee = None;
        if let (Some(entry), Some(first)) = (entry, first) {
            mentee = Some(first.person_id);
            self.override_pair(
                &authority,
                first.id,
                entry.id,
                "Asked for a mentor in the other jurisdiction who has led culture change",
            )
            .await?;
        }
        self.send_proposals(&authority).await?;
        Ok(mentee)
    }

    /// A demo programme's id by its key.
    async fn demo_programme(&self, key: &str) -> Result<ProgrammeId, AppError> {
        self.store
            .programmes()
            .by_key(key)
            .await?
            .map(|p| p.id)
            .ok_or_else(|| AppError::Internal(format!("demo programme {key} is missing")))
    }

    pub(crate) async fn demo_person(
        &self,
        organisation: &str,
        employee_id: &str,
    ) -> Result<PersonId, AppError> {
        let org = self.organisation_named(organisation).await?;
        self.store
            .people()
            .by_employee_id(org.id, employee_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("demo person {employee_id} is missing")))
    }
}
