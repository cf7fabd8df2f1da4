//! Who may reach what: every route the router serves, walked for every
//! role and for someone signed out, on every configured database.
//!
//! The list of routes is `tandem_web::routes()`, the list the router is
//! built from; the test fails if a route is missing from [`TABLE`] or the
//! table names a route the router does not have. Each row asks with the id
//! of a real object in the demo data (the mentee's own request, the
//! mentor's own register entry…), and every row with an id is asked again
//! with an id nothing has and with an id that is not a number.
//!
//! A write (POST, PUT) is sent with a valid CSRF token and an empty body
//! of the kind the route reads, so it changes nothing of note: its status
//! says whether the caller got as far as the checks of what they sent
//! (422) or was refused (403, 404). Someone signed out is sent to sign in
//! (303) by a page, and gets 401 from the API. No answer may be a 5xx.
//!
//! When a route is added, add its rows; when the table and the router
//! disagree, the failure prints the table as the router answers it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use axum::http::StatusCode;
use tandem_app::App;
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::testing::{self as test_support, TestDatabase as TestStore};
use tandem_domain::ids::{
    ImportId, MentorEntryId, OrganisationId, PersonId, ProgrammeId, ProposalId, RequestId,
};
use tandem_domain::register::{MentorRequestInput, RequestStatus};
use tandem_domain::relationship::{MeetingId, RelationshipId};

use crate::client::{Client, Reply, hidden_value};

/// The callers, in the order of each row's statuses.
const CALLERS: [Option<&str>; 8] = [
    Some("admin@tandem.example"),
    Some("coordinator@tandem.example"),
    Some("hr@tandem.example"),
    Some("manager@tandem.example"),
    Some("ssw@tandem.example"),
    Some("mentor@tandem.example"),
    Some("mentee@tandem.example"),
    None,
];

const CALLER_NAMES: [&str; 8] = [
    "administrator",
    "coordinator",
    "hr",
    "line_manager",
    "supervising_social_worker",
    "mentor",
    "mentee",
    "signed out",
];

/// The object whose id fills a row's `{id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Object {
    /// The route has no id.
    NoId,
    /// The CAF programme (Cafcass): the coordinator's, the line manager's
    /// and the mentee's.
    Caf,
    /// The CAWT Connect programme: the mentor's.
    Cwt,
    /// Cafcass, the organisation.
    Cafcass,
    /// The mentee's staff record at Cafcass (outside the line manager's
    /// team).
    MenteePerson,
    /// The mentee's own mentor request in CAF, awaiting screening.
    MenteeRequest,
    /// A request in CAF that the line manager is consulted on: one of
    /// their team's.
    ReportRequest,
    /// The person who made that request.
    ReportPerson,
    /// The mentor's own request in CAWT Connect, whose programme has a
    /// self-assessment.
    MentorRequest,
    /// The mentor's own entry on the CAWT Connect register.
    MentorEntry,
    /// The proposal, waiting for the mentor's answer, that they mentor
    /// someone in CAWT Connect.
    MentorProposal,
    /// The demo mentor's agreed relationship in CAWT Connect; `{meeting}`
    /// is one of its meetings.
    MentorRelationship,
    /// A people import into Cafcass that the coordinator uploaded, queued
    /// for its job.
    CafcassImport,
}

struct Row {
    method: &'static str,
    path: &'static str,
    object: Object,
    /// The request a coordinator's choice of mentor is for: `?request=` on
    /// the page, a `request` field in its form.
    request: Option<Object>,
    /// What each caller gets, in the order of [`CALLERS`].
    expect: [u16; 8],
    /// What each caller gets with an id nothing has, where that is not
    /// "not found" for everyone signed in.
    missing: Option<[u16; 8]>,
}

const fn row(method: &'static str, path: &'static str, object: Object, expect: [u16; 8]) -> Row {
    Row {
        method,
        path,
        object,
        request: None,
        expect,
        missing: None,
    }
}

use Object::*;

#[rustfmt::skip]
const TABLE: &[Row] = &[
    // Columns: administrator, coordinator, hr, line manager, supervising social worker, mentor, mentee, signed out.
    row("GET",  "/",                                          NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("GET",  "/sign-in",                                   NoId,           [303, 303, 303, 303, 303, 303, 303, 200]),
    row("POST", "/sign-in",                                   NoId,           [422, 422, 422, 422, 422, 422, 422, 422]),
    row("POST", "/sign-out",                                  NoId,           [303, 303, 303, 303, 303, 303, 303, 303]),
    row("GET",  "/signed-out",                                NoId,           [200, 200, 200, 200, 200, 200, 200, 200]),
    // The administrator's account has no staff record, so no profile.
    row("GET",  "/profile",                                   NoId,           [403, 200, 200, 200, 200, 200, 200, 303]),
    row("POST", "/profile",                                   NoId,           [403, 303, 303, 303, 303, 303, 303, 303]),
    row("GET",  "/sessions",                                  NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("POST", "/sessions/end",                              NoId,           [422, 422, 422, 422, 422, 422, 422, 303]),
    row("GET",  "/assets/tandem.css",                         NoId,           [200, 200, 200, 200, 200, 200, 200, 200]),
    row("GET",  "/people",                                    NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("GET",  "/people/{id}",                               MenteePerson,   [200, 200, 404, 404, 404, 404, 200, 303]),
    row("GET",  "/people/{id}",                               ReportPerson,   [200, 200, 404, 200, 404, 404, 404, 303]),
    row("GET",  "/people/import",                             NoId,           [200, 200, 200, 403, 403, 403, 403, 303]),
    row("GET",  "/people/import/template.csv",                NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("POST", "/people/import",                             NoId,           [422, 422, 422, 422, 422, 422, 422, 303]),
    row("GET",  "/people/imports/{id}",                       CafcassImport,  [200, 200, 404, 404, 404, 404, 404, 303]),
    row("GET",  "/programmes",                                NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("GET",  "/programmes/new",                            NoId,           [200, 200, 403, 403, 403, 403, 403, 303]),
    row("POST", "/programmes/new",                            NoId,           [422, 422, 403, 403, 403, 403, 403, 303]),
    row("GET",  "/programmes/{id}",                           Caf,            [200, 200, 404, 200, 404, 404, 200, 303]),
    row("GET",  "/programmes/{id}",                           Cwt,            [200, 404, 404, 404, 404, 200, 404, 200]),
    row("POST", "/programmes/{id}/publish",                   Caf,            [303, 303, 404, 403, 404, 404, 403, 303]),
    row("GET",  "/programmes/{id}/settings",                  Caf,            [200, 200, 404, 403, 404, 404, 403, 303]),
    row("POST", "/programmes/{id}/settings",                  Caf,            [422, 422, 404, 403, 404, 404, 403, 303]),
    row("GET",  "/programmes/{id}/register",                  Caf,            [200, 200, 404, 200, 404, 404, 200, 303]),
    row("GET",  "/programmes/{id}/register",                  Cwt,            [200, 404, 404, 404, 404, 200, 404, 303]),
    row("GET",  "/programmes/{id}/register/new",              Caf,            [200, 200, 404, 200, 404, 404, 200, 303]),
    row("POST", "/programmes/{id}/register/new",              Caf,            [422, 422, 404, 422, 404, 404, 422, 303]),
    row("GET",  "/register/{id}",                             MentorEntry,    [200, 404, 404, 404, 404, 200, 404, 303]),
    row("GET",  "/register/{id}/edit",                        MentorEntry,    [200, 404, 404, 404, 404, 200, 404, 303]),
    row("POST", "/register/{id}/edit",                        MentorEntry,    [422, 404, 404, 404, 404, 422, 404, 303]),
    row("GET",  "/programmes/{id}/request",                   Caf,            [403, 200, 404, 200, 404, 404, 200, 303]),
    row("POST", "/programmes/{id}/request",                   Caf,            [403, 422, 404, 422, 404, 404, 422, 303]),
    row("GET",  "/requests/{id}",                             MenteeRequest,  [200, 200, 404, 404, 404, 404, 200, 303]),
    row("GET",  "/requests/{id}",                             MentorRequest,  [200, 404, 404, 404, 404, 200, 404, 303]),
    row("GET",  "/requests/{id}",                             ReportRequest,  [200, 200, 404, 200, 404, 404, 404, 303]),
    row("POST", "/requests/{id}/consultation",                ReportRequest,  [403, 403, 404, 422, 404, 404, 404, 303]),
    row("GET",  "/requests/{id}/self-assessment",             MentorRequest,  [403, 404, 404, 404, 404, 200, 404, 303]),
    row("POST", "/requests/{id}/self-assessment",             MentorRequest,  [403, 404, 404, 404, 404, 422, 404, 303]),
    row("GET",  "/programmes/{id}/screening",                 Caf,            [200, 200, 404, 403, 404, 404, 403, 303]),
    row("POST", "/requests/{id}/screening",                   MenteeRequest,  [422, 422, 404, 404, 404, 404, 403, 303]),
    row("GET",  "/programmes/{id}/matching",                  Caf,            [200, 200, 404, 403, 404, 404, 403, 303]),
    row("POST", "/programmes/{id}/matching/send",             Caf,            [303, 303, 404, 403, 404, 404, 403, 303]),
    row("POST", "/programmes/{id}/matching/run",              Caf,            [303, 303, 404, 403, 404, 404, 403, 303]),
    Row { request: Some(MenteeRequest), ..row("GET", "/programmes/{id}/matching/choose", Caf, [200, 200, 404, 403, 404, 404, 403, 303]) },
    Row { request: Some(MenteeRequest), ..row("POST", "/programmes/{id}/matching/choose", Caf, [422, 422, 404, 403, 404, 404, 403, 303]) },
    row("GET",  "/proposals/{id}",                            MentorProposal, [404, 404, 404, 404, 404, 200, 404, 303]),
    row("POST", "/proposals/{id}",                            MentorProposal, [404, 404, 404, 404, 404, 422, 404, 303]),
    row("GET",  "/relationships",                             NoId,           [200, 200, 200, 200, 200, 200, 200, 303]),
    row("GET",  "/programmes/{id}/relationships",             Caf,            [200, 200, 404, 200, 404, 404, 200, 303]),
    row("GET",  "/relationships/{id}",                        MentorRelationship, [200, 404, 404, 404, 404, 200, 404, 303]),
    row("POST", "/relationships/{id}/step",                   MentorRelationship, [422, 404, 404, 404, 404, 422, 404, 303]),
    row("POST", "/relationships/{id}/introduction",           MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("GET",  "/relationships/{id}/introduction.ics",       MentorRelationship, [404, 404, 404, 404, 404, 404, 404, 303]),
    row("POST", "/relationships/{id}/agreement",              MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("POST", "/relationships/{id}/agreement/sign",         MentorRelationship, [422, 404, 404, 404, 404, 422, 404, 303]),
    row("POST", "/relationships/{id}/meetings",               MentorRelationship, [409, 404, 404, 404, 404, 422, 404, 303]),
    row("POST", "/relationships/{id}/cancellations",          MentorRelationship, [409, 404, 404, 404, 404, 422, 404, 303]),
    row("POST", "/relationships/{id}/meetings/{meeting}/agree", MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("POST", "/relationships/{id}/plan",                   MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("POST", "/relationships/{id}/stage",                  MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("POST", "/relationships/{id}/completion",             MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 303]),
    row("GET",  "/health",                                    NoId,           [200, 200, 200, 200, 200, 200, 200, 200]),
    row("GET",  "/api/openapi.json",                          NoId,           [200, 200, 200, 200, 200, 200, 200, 200]),
    row("GET",  "/api/me",                                    NoId,           [200, 200, 200, 200, 200, 200, 200, 401]),
    row("GET",  "/api/people",                                NoId,           [200, 200, 200, 200, 200, 200, 200, 401]),
    row("GET",  "/api/relationships",                         NoId,           [200, 200, 200, 200, 200, 200, 200, 401]),
    row("GET",  "/api/relationships/{id}",                    MentorRelationship, [200, 404, 404, 404, 404, 200, 404, 401]),
    row("POST", "/api/relationships/{id}/steps",              MentorRelationship, [422, 404, 404, 404, 404, 422, 404, 401]),
    row("POST", "/api/relationships/{id}/introduction",       MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/agreement",          MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/agreement/signatures", MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/meetings",           MentorRelationship, [409, 404, 404, 404, 404, 422, 404, 401]),
    row("POST", "/api/relationships/{id}/cancellations",      MentorRelationship, [409, 404, 404, 404, 404, 422, 404, 401]),
    row("POST", "/api/relationships/{id}/meetings/{meeting}/agreement", MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/plan",               MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/stage",              MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("POST", "/api/relationships/{id}/completion",         MentorRelationship, [409, 404, 404, 404, 404, 409, 404, 401]),
    row("GET",  "/api/people/{id}",                           ReportPerson,   [200, 200, 404, 200, 404, 404, 404, 401]),
    // Only an administrator may import into any organisation, so only they learn it does not exist.
    Row { missing: Some([404, 403, 403, 403, 403, 403, 403, 401]), ..row("POST", "/api/organisations/{id}/people/import", Cafcass, [422, 422, 403, 403, 403, 403, 403, 401]) },
    row("GET",  "/api/people/imports/{id}",                   CafcassImport,  [200, 200, 404, 404, 404, 404, 404, 401]),
    row("GET",  "/api/programmes",                            NoId,           [200, 200, 200, 200, 200, 200, 200, 401]),
    row("POST", "/api/programmes",                            NoId,           [422, 422, 422, 422, 422, 422, 422, 401]),
    row("GET",  "/api/programmes/{id}",                       Caf,            [200, 200, 404, 200, 404, 404, 200, 401]),
    row("PUT",  "/api/programmes/{id}",                       Caf,            [422, 422, 404, 403, 404, 404, 403, 401]),
    row("POST", "/api/programmes/{id}/publish",               Caf,            [200, 200, 404, 403, 404, 404, 403, 401]),
    row("GET",  "/api/programmes/{id}/register",              Cwt,            [200, 404, 404, 404, 404, 200, 404, 401]),
    row("POST", "/api/programmes/{id}/register",              Caf,            [422, 422, 404, 422, 404, 404, 422, 401]),
    row("GET",  "/api/register/{id}",                         MentorEntry,    [200, 404, 404, 404, 404, 200, 404, 401]),
    row("PUT",  "/api/register/{id}",                         MentorEntry,    [422, 404, 404, 404, 404, 422, 404, 401]),
    row("POST", "/api/programmes/{id}/requests",              Caf,            [422, 422, 404, 422, 404, 404, 422, 401]),
    row("GET",  "/api/requests/{id}",                         MenteeRequest,  [200, 200, 404, 404, 404, 404, 200, 401]),
    row("GET",  "/api/programmes/{id}/screening",             Caf,            [200, 200, 404, 403, 404, 404, 403, 401]),
    row("POST", "/api/requests/{id}/screening",               MenteeRequest,  [422, 422, 404, 404, 404, 404, 403, 401]),
    // Last: the mentor withdraws their own request, which the rows above still use.
    row("POST", "/requests/{id}/withdraw",                   MentorRequest,  [403, 404, 404, 404, 404, 303, 404, 303]),
];

struct Fixture {
    caf: ProgrammeId,
    cwt: ProgrammeId,
    cafcass: OrganisationId,
    mentee_person: PersonId,
    mentee_request: RequestId,
    report_request: RequestId,
    report_person: PersonId,
    mentor_request: RequestId,
    mentor_entry: MentorEntryId,
    mentor_proposal: ProposalId,
    mentor_relationship: RelationshipId,
    mentor_meeting: MeetingId,
    cafcass_import: ImportId,
}

impl Fixture {
    async fn load(db: &TestStore) -> Fixture {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo loads");
        let store = &db.store;
        let programme = |key: &'static str| async move {
            store
                .programmes()
                .by_key(key)
                .await
                .expect("read")
                .expect("programme")
                .id
        };
        let person = |organisation: &'static str, employee_id: &'static str| async move {
            let organisation = store
                .organisations()
                .by_name(organisation)
                .await
                .expect("read")
                .expect("organisation");
            store
                .people()
                .by_employee_id(organisation.id, employee_id)
                .await
                .expect("read")
                .expect("person")
        };
        let caf = programme("caf").await;
        let cwt = programme("cwt").await;
        let cafcass = store
            .organisations()
            .by_name("Cafcass")
            .await
            .expect("read")
            .expect("Cafcass")
            .id;
        let mentee_person = person("Cafcass", "CAF0011").await;
        let mentor_person = person("Western Health and Social Care Trust", "WHSCT0002").await;
        let mentee_request = store
            .requests()
            .with_status(caf, RequestStatus::AwaitingScreening, None)
            .await
            .expect("read")
            .into_iter()
            .find(|r| r.person_id == mentee_person)
            .expect("the mentee's request")
            .id;
        let mentor_entry = store
            .register()
            .for_person(cwt, mentor_person)
            .await
            .expect("read")
            .expect("the mentor's entry")
            .id;
        let mentor_proposal = store
            .proposals()
            .of_programme(cwt)
            .await
            .expect("read")
            .into_iter()
            .find(|p| {
                p.mentor_person_id == mentor_person
                    && p.status == tandem_domain::proposals::ProposalStatus::AwaitingMentor
            })
            .expect("the mentor's proposal")
            .id;
        let manager = app
            .sign_in("manager@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the line manager signs in")
            .principal;
        let report_request = app
            .home(&manager)
            .await
            .expect("the line manager's home")
            .consultations
            .first()
            .expect("the line manager is consulted on a request")
            .request_id;
        let report_person = store
            .requests()
            .get(report_request)
            .await
            .expect("read")
            .expect("the request")
            .person_id;
        let mentor = app
            .sign_in("mentor@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the mentor signs in")
            .principal;
        let mentor_relationship = app
            .relationships(&mentor, Some(cwt))
            .await
            .expect("the mentor's relationships")
            .into_iter()
            .find(|r| r.state == Some(tandem_domain::relationship::State::Agreed))
            .expect("the demo mentor has an agreed relationship")
            .id;
        let mentor_meeting = app
            .relationship(&mentor, mentor_relationship)
            .await
            .expect("the relationship")
            .meetings
            .first()
            .expect("a meeting")
            .id;
        let mentor_request = app
            .submit_request(
                &mentor,
                cwt,
                &MentorRequestInput {
                    track: "leadership".into(),
                    goals: "Lead across the border".into(),
                    help_needed: "Influence".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("the mentor asks for a mentor too");
        let coordinator = app
            .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the coordinator signs in")
            .principal;
        let cafcass_import = app
            .queue_people_import(
                &coordinator,
                cafcass,
                b"employee_id,given_name,family_name,email\nCAF9001,New,Starter,new@example.org\n"
                    .to_vec(),
            )
            .await
            .expect("the coordinator uploads a file");
        Fixture {
            cafcass_import,
            caf,
            cwt,
            cafcass,
            mentee_person,
            mentee_request,
            report_request,
            report_person,
            mentor_request,
            mentor_entry,
            mentor_proposal,
            mentor_relationship,
            mentor_meeting,
        }
    }

    fn id(&self, object: Object) -> Option<i64> {
        match object {
            NoId => None,
            Caf => Some(self.caf.get()),
            Cwt => Some(self.cwt.get()),
            Cafcass => Some(self.cafcass.get()),
            MenteePerson => Some(self.mentee_person.get()),
            MenteeRequest => Some(self.mentee_request.get()),
            ReportRequest => Some(self.report_request.get()),
            ReportPerson => Some(self.report_person.get()),
            MentorRequest => Some(self.mentor_request.get()),
            MentorEntry => Some(self.mentor_entry.get()),
            MentorProposal => Some(self.mentor_proposal.get()),
            MentorRelationship => Some(self.mentor_relationship.get()),
            CafcassImport => Some(self.cafcass_import.get()),
        }
    }
}

/// An id no object has, and one that is not a number.
const MISSING: &str = "987654321";
const MALFORMED: &str = "not-a-number";

impl Row {
    /// What each caller gets with an id that is not a number: "not found"
    /// for everyone signed in, whatever the route; signed out, the same as
    /// with a real id, except that where someone signed out may read the
    /// real object (a public programme's page) they are sent to sign in,
    /// as for anything else, so that nothing says what exists.
    fn expect_malformed(&self) -> [u16; 8] {
        let mut expect = [404; 8];
        expect[7] = match self.expect[7] {
            200 => 303,
            other => other,
        };
        expect
    }

    /// What each caller gets with an id nothing has.
    fn expect_missing(&self) -> [u16; 8] {
        self.missing.unwrap_or_else(|| self.expect_malformed())
    }
}

fn url(row: &Row, id: &str, fixture: &Fixture) -> String {
    let mut url = row
        .path
        .replace("{id}", id)
        .replace("{meeting}", &fixture.mentor_meeting.to_string());
    if let (Some(object), "GET") = (row.request, row.method) {
        let request = fixture.id(object).expect("a request has an id");
        write!(url, "?request={request}").expect("write to a string");
    }
    url
}

/// Sends a write with the CSRF token and an empty body of the kind the
/// route reads (a form's only field being the request a choice is for).
async fn write(client: &mut Client, row: &Row, url: &str, fixture: &Fixture, csrf: &str) -> Reply {
    let form = match row.request.and_then(|object| fixture.id(object)) {
        Some(request) => format!("request={request}"),
        None => String::new(),
    };
    let (content_type, body) = match row.path {
        "/people/import" => (
            "multipart/form-data; boundary=empty",
            "--empty--\r\n".to_owned(),
        ),
        "/api/organisations/{id}/people/import" => ("text/csv", String::new()),
        "/api/programmes" | "/api/programmes/{id}" => ("application/toml", String::new()),
        path if path.starts_with("/api/") => ("application/json", "{}".to_owned()),
        _ => ("application/x-www-form-urlencoded", form),
    };
    client
        .send_text(row.method, url, content_type, Some(csrf), &body)
        .await
}

/// A client for a caller, signed in or not.
async fn client_for(db: &TestStore, caller: Option<&str>) -> Client {
    let mut client = Client::for_store(db);
    if let Some(email) = caller {
        let reply = client.sign_in(email, DEMO_PASSWORD).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{email} signs in");
    }
    client
}

/// The CSRF token a client's writes carry: the session's, or, signed out,
/// the sign-in form's (so that a write reaches the route, not the check).
async fn csrf_for(client: &mut Client, signed_in: bool) -> String {
    if signed_in {
        client.csrf().await
    } else {
        hidden_value(&client.get("/sign-in").await.body, "csrf")
    }
}

/// What one caller gets from one row: with the real object's id, an id
/// nothing has, and an id that is not a number (the last two only for
/// routes with an id).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Answers {
    real: u16,
    missing: u16,
    malformed: u16,
}

#[tokio::test]
async fn every_route_is_in_the_table_and_the_table_has_no_other() {
    let served: BTreeSet<(String, &str)> = tandem_web::routes()
        .into_iter()
        .map(|(method, path)| (method.to_string(), path))
        .collect();
    let tabled: BTreeSet<(String, &str)> = TABLE
        .iter()
        .map(|row| (row.method.to_owned(), row.path))
        .collect();
    let missing: Vec<_> = served.difference(&tabled).collect();
    let unknown: Vec<_> = tabled.difference(&served).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "routes the router serves but the table lacks: {missing:?}; \
         rows for routes the router does not serve: {unknown:?}"
    );
    for row in TABLE {
        assert_eq!(
            row.path.contains("{id}"),
            row.object != NoId,
            "{} {}: an id for every {{id}}, and only there",
            row.method,
            row.path
        );
        assert!(
            ["GET", "POST", "PUT"].contains(&row.method),
            "{} {}: the walk sends GET, POST and PUT",
            row.method,
            row.path
        );
    }
}

#[tokio::test]
async fn every_role_gets_what_the_table_says_from_every_route() {
    for db in test_support::all().await {
        let fixture = Fixture::load(&db).await;
        let mut observed = vec![[Answers::default(); 8]; TABLE.len()];
        let mut server_errors = Vec::new();
        for (who, caller) in CALLERS.iter().enumerate() {
            let mut client = client_for(&db, *caller).await;
            let mut csrf = String::new();
            // Reads first, then writes, and signing out last of all.
            let mut order: Vec<usize> = (0..TABLE.len()).collect();
            order.sort_by_key(|&i| (TABLE[i].method != "GET", TABLE[i].path == "/sign-out"));
            for i in order {
                let row = &TABLE[i];
                if row.method != "GET" && csrf.is_empty() {
                    csrf = csrf_for(&mut client, caller.is_some()).await;
                }
                let mut ask = async |id: &str| {
                    let target = url(row, id, &fixture);
                    let reply = if row.method == "GET" {
                        client.get(&target).await
                    } else {
                        write(&mut client, row, &target, &fixture, &csrf).await
                    };
                    if reply.status.is_server_error() {
                        server_errors.push(format!(
                            "{} {target} as {}: {}",
                            row.method, CALLER_NAMES[who], reply.status
                        ));
                    }
                    reply.status.as_u16()
                };
                let answers = &mut observed[i][who];
                match fixture.id(row.object) {
                    Some(id) => {
                        answers.real = ask(&id.to_string()).await;
                        answers.missing = ask(MISSING).await;
                        answers.malformed = ask(MALFORMED).await;
                    }
                    None => answers.real = ask("").await,
                }
            }
        }
        assert!(server_errors.is_empty(), "{}: {server_errors:#?}", db.label);
        let mut wrong = Vec::new();
        for (row, got) in TABLE.iter().zip(&observed) {
            let checks = [
                (format!("{:?}", row.object), row.expect, got.map(|a| a.real)),
                (
                    MISSING.to_owned(),
                    row.expect_missing(),
                    got.map(|a| a.missing),
                ),
                (
                    MALFORMED.to_owned(),
                    row.expect_malformed(),
                    got.map(|a| a.malformed),
                ),
            ];
            let asked = if row.object == NoId { 1 } else { checks.len() };
            for (id, expected, got) in checks.into_iter().take(asked) {
                if expected != got {
                    let who: Vec<String> = (0..CALLERS.len())
                        .filter(|&i| expected[i] != got[i])
                        .map(|i| format!("{}: {} not {}", CALLER_NAMES[i], got[i], expected[i]))
                        .collect();
                    wrong.push(format!(
                        "{} {} with {id}: {}",
                        row.method,
                        row.path,
                        who.join(", ")
                    ));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{}: the router answers otherwise than the table says:\n{}\n\nThe router's answers with the real ids:\n{}",
            db.label,
            wrong.join("\n"),
            TABLE
                .iter()
                .zip(&observed)
                .map(|(row, got)| format!(
                    "{} {} {:?} {:?}",
                    row.method,
                    row.path,
                    row.object,
                    got.map(|a| a.real)
                ))
                .collect::<Vec<_>>()
                .join("\n")
        );
        db.finish().await;
    }
}
