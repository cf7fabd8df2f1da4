use tandem_app::App;
use tandem_app::import::{ImportFailure, NoProgress};
use tandem_app::views::ImportState;
use tandem_domain::permissions::Operator;
use tandem_domain::roles::{Role, RoleGrant};
use tandem_store::test_support;

const GOOD: &str = "\
employee_id,given_name,family_name,email,team,line_manager_employee_id,job_title
M1,Mary,Boss,mary@example.org,Leadership,,Director
P1,Pat,Lee,pat@example.org,North,M1,Practitioner
P2,Sam,Roe,sam@example.org,North,M1,Practitioner
";

/// Row 3 is fine, row 4 has a bad email and a missing manager, row 5 makes
/// a cycle with an existing person.
const BAD: &str = "\
employee_id,given_name,family_name,email,team,line_manager_employee_id,job_title
P1,Pat,Lee-Changed,pat@example.org,North,M1,Senior practitioner
N1,New,Person,new@,North,NOBODY,Practitioner
M1,Mary,Boss,mary@example.org,Leadership,P2,Director
";

#[tokio::test]
async fn a_bad_row_leaves_the_database_unchanged() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let org = db
            .store
            .organisations()
            .create("Org", "")
            .await
            .expect("org");
        let authority = Operator::assume().people_import(org.id);
        let summary = app
            .import_people(&authority, GOOD.as_bytes(), &NoProgress)
            .await
            .expect("good import");
        assert_eq!((summary.created, summary.updated), (3, 0));
        let events_before = db.store.audit().recent(100).await.expect("events").len();

        let Err(ImportFailure::Rejected(errors)) = app
            .import_people(&authority, BAD.as_bytes(), &NoProgress)
            .await
        else {
            panic!("{}: the bad file must be rejected", db.label)
        };
        let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "line 3, column email: \"new@\" is not an email address",
                "line 4, column line_manager_employee_id: the management chain goes round in a circle: M1 → P2 → M1",
            ],
            "{}",
            db.label
        );
        // Nothing of the good row 2 was written either.
        let p1 = db
            .store
            .people()
            .by_employee_id(org.id, "P1")
            .await
            .expect("query")
            .expect("P1");
        let person = db.store.people().get(p1).await.expect("query").expect("P1");
        assert_eq!(
            (person.family_name.as_str(), person.job_title.as_str()),
            ("Lee", "Practitioner"),
            "{}",
            db.label
        );
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            3,
            "{}",
            db.label
        );
        assert_eq!(
            db.store.audit().recent(100).await.expect("events").len(),
            events_before,
            "{}",
            db.label
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn unknown_managers_are_reported_once_the_rows_parse() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    let org = db
        .store
        .organisations()
        .create("Org", "")
        .await
        .expect("org");
    let file = "employee_id,given_name,family_name,email,line_manager_employee_id\nA,Ann,Lee,a@example.org,ZZ\n";
    let Err(ImportFailure::Rejected(errors)) = app
        .import_people(
            &Operator::assume().people_import(org.id),
            file.as_bytes(),
            &NoProgress,
        )
        .await
    else {
        panic!("must be rejected")
    };
    assert_eq!(
        errors[0].to_string(),
        "line 2, column line_manager_employee_id: no person with employee id \"ZZ\" in this file or already imported"
    );
    db.finish().await;
}

#[tokio::test]
async fn malformed_files_are_errors_not_panics() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    let org = db
        .store
        .organisations()
        .create("Org", "")
        .await
        .expect("org");
    let authority = Operator::assume().people_import(org.id);
    let cases: [(&[u8], &str); 5] = [
        (b"", "line 1, column *: the file is empty"),
        (
            b"employee_id,given_name,family_name,email\n",
            "line 2, column *: the file has no rows after the header",
        ),
        (
            b"employee_id,given_name,family_name,email\nA,B,C\n",
            "line 2, column *: expected 4 fields, found 3",
        ),
        (
            b"employee_id,given_name,family_name,email\nA,B\xff,C,d@e.org\n",
            "not UTF-8",
        ),
        (
            b"employee_id,given_name,family_name,email,organisation\nA,B,C,d@e.org,Elsewhere\n",
            "line 2, column organisation: \"Elsewhere\" is not the organisation being imported (\"Org\")",
        ),
    ];
    for (file, expected) in cases {
        let Err(ImportFailure::Rejected(errors)) =
            app.import_people(&authority, file, &NoProgress).await
        else {
            panic!("{expected}: must be rejected")
        };
        assert!(
            errors[0].to_string().contains(expected),
            "{expected} vs {}",
            errors[0]
        );
    }
    assert_eq!(db.store.people().count(None).await.expect("count"), 0);
    db.finish().await;
}

#[tokio::test]
async fn only_coordinators_and_hr_of_the_organisation_import() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    let a = db.store.organisations().create("A", "").await.expect("org");
    let b = db.store.organisations().create("B", "").await.expect("org");
    let grant = RoleGrant::new(Role::Coordinator, Some(a.id), None).expect("grant");
    app.create_account("co@example.org", "Co", "a long password", None, &[grant])
        .await
        .expect("account");
    let signed_in = app
        .sign_in("co@example.org", "a long password")
        .await
        .expect("signs in");
    let caller = signed_in.principal;
    assert!(
        app.queue_people_import(&caller, a.id, GOOD.as_bytes().to_vec())
            .await
            .is_ok()
    );
    let denied = app
        .queue_people_import(&caller, b.id, GOOD.as_bytes().to_vec())
        .await;
    assert!(matches!(
        denied,
        Err(ImportFailure::App(tandem_app::AppError::Forbidden(_)))
    ));
    app.run_due_jobs("test", i64::MAX / 2, 10)
        .await
        .expect("jobs run");
    assert_eq!(db.store.people().count(Some(a.id)).await.expect("count"), 3);
    assert_eq!(db.store.people().count(Some(b.id)).await.expect("count"), 0);
    db.finish().await;
}

/// A file of `n` people under one manager, with a team for every ten.
fn big_file(n: usize) -> String {
    let mut file =
        String::from("employee_id,given_name,family_name,email,team,line_manager_employee_id\n");
    file.push_str("B0,Top,Boss,boss@example.org,Board,\n");
    for i in 1..n {
        file.push_str(&format!(
            "B{i},Given{i},Family{i},p{i}@example.org,Team {},B0\n",
            i / 10
        ));
    }
    file
}

async fn coordinator_of(
    app: &App,
    organisation: tandem_domain::ids::OrganisationId,
    email: &str,
) -> tandem_app::Principal {
    let grant = RoleGrant::new(Role::Coordinator, Some(organisation), None).expect("grant");
    app.create_account(email, "Co", "a long password", None, &[grant])
        .await
        .expect("account");
    app.sign_in(email, "a long password")
        .await
        .expect("signs in")
        .principal
}

/// An upload is checked in the request and imported by a job, in chunks
/// that no one sees until the last: while it is staged part way, nothing
/// of it is in `people`; a server stopping leaves it queued, and the next
/// run carries on from where it stopped; its page is for the
/// organisation's importers only.
#[tokio::test]
async fn an_upload_is_imported_by_a_job_invisibly_until_whole_and_resumes_after_a_stop() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let org = db
            .store
            .organisations()
            .create("Org", "")
            .await
            .expect("org");
        let other = db
            .store
            .organisations()
            .create("Other", "")
            .await
            .expect("org");
        let caller = coordinator_of(&app, org.id, "co@example.org").await;
        let outsider = coordinator_of(&app, other.id, "other@example.org").await;
        let rows = 6_789;
        let id = app
            .queue_people_import(&caller, org.id, big_file(rows).into_bytes())
            .await
            .expect("the file passes");
        let status = app.people_import(&caller, id).await.expect("status");
        assert_eq!(
            (status.state, status.total_rows, status.staged_rows),
            (ImportState::Queued, rows as u64, 0),
            "{}",
            db.label
        );
        assert!(
            matches!(
                app.people_import(&outsider, id).await,
                Err(tandem_app::AppError::NotFound)
            ),
            "{}",
            db.label
        );

        // The server stops as the job starts: nothing is staged or shown,
        // and the job is queued again without using up an attempt.
        app.stop_background_work();
        let run = app
            .run_due_jobs("w1", i64::MAX / 2, 10)
            .await
            .expect("jobs run");
        assert_eq!(
            run.claimed(),
            0,
            "{}: a stopping runner claims nothing",
            db.label
        );
        let resumed = App::new(db.store.clone()).with_generated_master_key();
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            0
        );

        // The next server runs it.
        let status = resumed.people_import(&caller, id).await.expect("status");
        assert_eq!(status.state, ImportState::Queued);
        let run = resumed
            .run_due_jobs("w2", i64::MAX / 2, 10)
            .await
            .expect("jobs run");
        assert_eq!(run.completed, 1, "{}: {run:?}", db.label);
        let status = resumed.people_import(&caller, id).await.expect("status");
        assert_eq!(
            status.state,
            ImportState::Imported,
            "{}: {status:?}",
            db.label
        );
        assert_eq!(status.staged_rows, rows as u64);
        let summary = status.summary.expect("a summary");
        assert_eq!((summary.created, summary.updated), (rows as u64, 0));
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            rows as i64
        );
        assert_eq!(
            db.store.imports().staged_row_count(id).await.expect("rows"),
            0,
            "{}: staging cleared",
            db.label
        );
        db.finish().await;
    }
}

/// The job checks the kept file again: if the people it is checked
/// against have changed so that it no longer passes, the import fails with
/// the reasons and nothing is written.
#[tokio::test]
async fn a_file_that_no_longer_passes_when_its_job_runs_fails_whole() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let org = db
            .store
            .organisations()
            .create("Org", "")
            .await
            .expect("org");
        let caller = coordinator_of(&app, org.id, "co@example.org").await;
        let first = "employee_id,given_name,family_name,email,line_manager_employee_id\nX1,Ann,Lee,a@example.org,M1\n";
        let manager = "employee_id,given_name,family_name,email,line_manager_employee_id\nM1,Mo,Boss,m@example.org,\n";
        let authority = Operator::assume().people_import(org.id);
        app.import_people(&authority, manager.as_bytes(), &NoProgress)
            .await
            .expect("manager");
        let id = app
            .queue_people_import(&caller, org.id, first.as_bytes().to_vec())
            .await
            .expect("passes now");
        // M1 now reports to X1: X1's file would close a circle.
        let cycle = "employee_id,given_name,family_name,email,line_manager_employee_id\nX1,Ann,Lee,a@example.org,\nM1,Mo,Boss,m@example.org,X1\n";
        app.import_people(&authority, cycle.as_bytes(), &NoProgress)
            .await
            .expect("cycle set up");
        app.run_due_jobs("w", i64::MAX / 2, 10)
            .await
            .expect("jobs run");
        let status = app.people_import(&caller, id).await.expect("status");
        assert_eq!(
            status.state,
            ImportState::Failed,
            "{}: {status:?}",
            db.label
        );
        assert!(
            status.problems.iter().any(|p| p.contains("circle")),
            "{}: {:?}",
            db.label,
            status.problems
        );
        let x1 = db
            .store
            .people()
            .by_employee_id(org.id, "X1")
            .await
            .expect("read")
            .expect("x1");
        let detail = db.store.people().get(x1).await.expect("read").expect("x1");
        assert_eq!(
            detail.line_manager_employee_id, None,
            "{}: the queued file changed nothing",
            db.label
        );
        db.finish().await;
    }
}

/// Batches are written while the rest of the file is read; a problem late
/// in a long file must still leave nothing behind.
#[tokio::test]
async fn a_late_problem_in_a_long_file_rolls_back_the_batches_already_written() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let org = db
            .store
            .organisations()
            .create("Org", "")
            .await
            .expect("org");
        let authority = Operator::assume().people_import(org.id);
        let mut file = String::from(
            "employee_id,given_name,family_name,email,team,line_manager_employee_id\n",
        );
        file.push_str("E0,Top,Boss,top@example.org,Board,L1\n");
        for i in 1..=1_500 {
            file.push_str(&format!(
                "E{i},Given{i},Family{i},p{i}@example.org,Team {},E0\n",
                i % 40
            ));
        }
        // The last line closes a management cycle (E0 → L1 → E0) that only
        // the whole-file check can see.
        let cyclic = format!("{file}L1,Loop,Manager,loop@example.org,Board,E0\n");
        let Err(ImportFailure::Rejected(errors)) = app
            .import_people(&authority, cyclic.as_bytes(), &NoProgress)
            .await
        else {
            panic!("{}: the cycle must be rejected", db.label)
        };
        assert_eq!(errors.len(), 1, "{}: {errors:?}", db.label);
        assert!(errors[0].message.contains("goes round in a circle"));
        // A bad row at the very end.
        let bad = format!("{file}L1,Loop,Manager,not-an-email,Board,\n");
        let Err(ImportFailure::Rejected(errors)) = app
            .import_people(&authority, bad.as_bytes(), &NoProgress)
            .await
        else {
            panic!("{}: the bad email must be rejected", db.label)
        };
        assert!(
            errors
                .iter()
                .any(|e| e.line == 1_503 && e.column == "email"),
            "{}: {errors:?}",
            db.label
        );
        assert_eq!(
            db.store.people().count(Some(org.id)).await.expect("count"),
            0,
            "{}: nothing written",
            db.label
        );
        assert!(
            db.store
                .audit()
                .recent(10)
                .await
                .expect("events")
                .iter()
                .all(|e| e.action != tandem_domain::audit::AuditAction::PeopleImported)
        );
        // The store refuses nothing that it half-wrote: teams from the rolled
        // back batches are gone too, and the good file then imports whole.
        let good = format!("{file}L1,Loop,Manager,loop@example.org,Board,\n");
        let summary = app
            .import_people(&authority, good.as_bytes(), &NoProgress)
            .await
            .expect("imports");
        assert_eq!(
            (summary.created, summary.updated),
            (1_502, 0),
            "{}",
            db.label
        );
        db.finish().await;
    }
}
