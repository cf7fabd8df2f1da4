//! Programmes as configuration (PRG-1 to PRG-6): imports, who sees and
//! changes a programme, the settings form and the policy-review reminder.

use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::programmes::{NewProgramme, ProgrammeImportFailure, SettingsChange, fields};
use tandem_app::{App, AppError, Principal};
use tandem_domain::ids::{AccountId, OrganisationId, ProgrammeId};
use tandem_domain::permissions::Operator;
use tandem_domain::programme::SHIPPED_TEMPLATES;
use tandem_domain::roles::{Role, RoleGrant};
use tandem_store::test_support;

fn principal(
    account_id: i64,
    grants: &[(Role, Option<OrganisationId>, Option<ProgrammeId>)],
) -> Principal {
    Principal {
        account_id: AccountId::new(account_id),
        person_id: None,
        display_name: format!("Account {account_id}"),
        grants: grants
            .iter()
            .map(|&(role, organisation_id, programme_id)| RoleGrant {
                role,
                organisation_id,
                programme_id,
            })
            .collect(),
    }
}

fn admin() -> Principal {
    principal(1, &[(Role::Administrator, None, None)])
}

#[tokio::test]
async fn every_shipped_template_imports_and_a_second_import_updates_it() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        for (key, source) in SHIPPED_TEMPLATES {
            let imported = app
                .import_programme_as_operator(&Operator::assume(), source, &[])
                .await
                .expect("imports");
            assert!(imported.created, "{}: {key}", db.label);
            assert_eq!(imported.key, *key);
            assert!(
                !imported.organisations.is_empty(),
                "{key} has organisations taking part"
            );
            let view = app
                .programme(&admin(), imported.id)
                .await
                .expect("readable");
            let expected =
                tandem_domain::programme::Programme::from_toml_str(source).expect("reads");
            assert_eq!(
                view.programme, expected,
                "{}: {key} round trips through the store",
                db.label
            );
        }
        let cwt = db
            .store
            .programmes()
            .by_key("cwt")
            .await
            .expect("read")
            .expect("cwt");
        let partners = db
            .store
            .programmes()
            .organisations(cwt.id)
            .await
            .expect("orgs");
        assert_eq!(partners.len(), 6, "CWT spans six organisations (PRG-1)");
        let jurisdictions: std::collections::BTreeSet<&str> =
            partners.iter().map(|o| o.jurisdiction.as_str()).collect();
        assert_eq!(jurisdictions.len(), 2, "in two jurisdictions");

        // Again, with one more organisation taking part: an update.
        db.store
            .organisations()
            .create("Extra Council", "England")
            .await
            .expect("org");
        let again = app
            .import_programme_as_operator(
                &Operator::assume(),
                tandem_domain::programme::shipped_template("wsc").expect("wsc"),
                &["extra council".to_owned()],
            )
            .await
            .expect("updates");
        assert!(!again.created);
        assert_eq!(again.organisations.len(), 3, "{}", db.label);
        let view = app.programme(&admin(), again.id).await.expect("readable");
        assert!(
            view.programme
                .organisations
                .iter()
                .any(|o| o.name == "Extra Council"),
            "the settings name it too"
        );
        assert_eq!(
            db.store.programmes().list(None).await.expect("list").len(),
            5
        );

        // An organisation that does not exist is an error, and nothing changes.
        let unknown = app
            .import_programme_as_operator(
                &Operator::assume(),
                tandem_domain::programme::shipped_template("fun").expect("fun"),
                &["Nowhere Ltd".to_owned()],
            )
            .await;
        assert!(matches!(
            unknown,
            Err(ProgrammeImportFailure::App(AppError::Invalid(_)))
        ));
        db.finish().await;
    }
}

#[tokio::test]
async fn a_bad_programme_reports_every_error_with_its_line_and_writes_nothing() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let source = tandem_domain::programme::shipped_template("afc")
            .expect("afc")
            .replace("name = \"Achieving for Children IFA\"", "name = \"\"");
        let source = source.replacen("max_months = 6", "max_months = 0", 1);
        let organisations_before = db.store.organisations().all().await.expect("orgs").len();
        let Err(ProgrammeImportFailure::Rejected(errors)) = app
            .import_programme_as_operator(&Operator::assume(), &source, &[])
            .await
        else {
            panic!("{}: a bad programme is refused", db.label);
        };
        assert!(errors.len() >= 2, "{errors:?}");
        let name_line = source
            .lines()
            .position(|l| l.starts_with("name = \"\""))
            .expect("the blank name")
            + 1;
        let organisation_error = errors
            .iter()
            .find(|e| e.key == "organisations[0].name")
            .expect("the blank organisation name is reported");
        assert_eq!(organisation_error.line, name_line, "{errors:?}");
        assert!(errors.iter().all(|e| e.line > 1 && !e.message.is_empty()));
        assert!(
            db.store
                .programmes()
                .list(None)
                .await
                .expect("list")
                .is_empty(),
            "nothing written"
        );
        assert_eq!(
            db.store.organisations().all().await.expect("orgs").len(),
            organisations_before
        );

        let syntax = app
            .import_programme(&admin(), "key = \"x\"\nname = [\n")
            .await;
        let Err(ProgrammeImportFailure::Rejected(errors)) = syntax else {
            panic!("bad TOML is refused")
        };
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with("line "), "{}", errors[0]);
        db.finish().await;
    }
}

#[tokio::test]
async fn only_members_of_taking_part_organisations_see_a_programme_and_only_its_coordinators_change_it()
 {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let a = db
            .store
            .organisations()
            .create("Organisation A", "England")
            .await
            .expect("a");
        let b = db
            .store
            .organisations()
            .create("Organisation B", "Wales")
            .await
            .expect("b");
        let source = tandem_domain::programme::shipped_template("fun")
            .expect("fun")
            .replace("Fun Foundations Day Nursery", "Organisation A");
        let coordinator_a = principal(2, &[(Role::Coordinator, Some(a.id), None)]);
        let coordinator_b = principal(3, &[(Role::Coordinator, Some(b.id), None)]);
        let mentee_a = principal(4, &[(Role::Mentee, Some(a.id), None)]);
        let mentor_b = principal(5, &[(Role::Mentor, Some(b.id), None)]);

        // B's coordinator cannot import a programme for A.
        let refused = app.import_programme(&coordinator_b, &source).await;
        assert!(
            matches!(
                refused,
                Err(ProgrammeImportFailure::App(AppError::Forbidden(_)))
            ),
            "{}",
            db.label
        );
        let id = app
            .import_programme(&coordinator_a, &source)
            .await
            .expect("A's coordinator imports")
            .id;
        let again = app.import_programme(&coordinator_a, &source).await;
        let Err(ProgrammeImportFailure::Rejected(errors)) = again else {
            panic!("the key is taken")
        };
        assert_eq!(errors[0].key, "key");

        // Imported through the API, it is a draft until A's coordinator
        // publishes it.
        assert!(
            matches!(app.programme(&mentee_a, id).await, Err(AppError::NotFound)),
            "{}: a draft is hidden from staff",
            db.label
        );
        app.publish_programme(&coordinator_a, id)
            .await
            .expect("published");
        assert!(
            app.programme(&mentee_a, id).await.is_ok(),
            "a member of A reads the page"
        );
        assert!(
            matches!(app.programme(&mentor_b, id).await, Err(AppError::NotFound)),
            "B's members do not"
        );
        assert!(matches!(
            app.programme(&coordinator_b, id).await,
            Err(AppError::NotFound)
        ));
        assert!(
            app.list_programmes(&mentor_b)
                .await
                .expect("list")
                .is_empty()
        );
        assert_eq!(app.list_programmes(&mentee_a).await.expect("list").len(), 1);
        assert_eq!(app.list_programmes(&admin()).await.expect("list").len(), 1);

        let mut change = SettingsChange::from_programme(
            &app.programme(&admin(), id).await.expect("read").programme,
        );
        change.summary = "Changed by someone".into();
        let by_b = app
            .update_programme_settings(&coordinator_b, id, &change)
            .await;
        assert!(
            matches!(by_b, Err(AppError::NotFound)),
            "B's coordinator cannot change A's programme"
        );
        let by_mentee = app.update_programme_settings(&mentee_a, id, &change).await;
        assert!(
            matches!(by_mentee, Err(AppError::Forbidden(_))),
            "a mentee may read but not change it"
        );
        let replaced = app.replace_programme(&coordinator_b, id, &source).await;
        assert!(matches!(
            replaced,
            Err(ProgrammeImportFailure::App(AppError::NotFound))
        ));
        let unchanged = app.programme(&admin(), id).await.expect("read");
        assert_ne!(unchanged.programme.summary, "Changed by someone");

        let saved = app
            .update_programme_settings(&coordinator_a, id, &change)
            .await
            .expect("A's coordinator saves");
        assert_eq!(saved.programme.summary, "Changed by someone");

        // Through the API's TOML replace, A's coordinator may not add B.
        let with_b = format!(
            "{source}\n[[organisations]]\nname = \"Organisation B\"\njurisdiction = \"Wales\"\n"
        );
        let Err(ProgrammeImportFailure::Rejected(errors)) =
            app.replace_programme(&coordinator_a, id, &with_b).await
        else {
            panic!("adding an organisation needs an administrator");
        };
        assert_eq!(errors[0].key, "organisations");
        app.replace_programme(&admin(), id, &with_b)
            .await
            .expect("an administrator may");
        assert!(
            app.programme(&mentor_b, id).await.is_ok(),
            "now B takes part, B's members see it"
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn the_settings_form_validates_through_the_domain_and_records_revisions() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        let id = app
            .import_programme_as_operator(
                &Operator::assume(),
                tandem_domain::programme::shipped_template("fun").expect("fun"),
                &[],
            )
            .await
            .expect("imports")
            .id;
        let before = app.programme(&admin(), id).await.expect("read");
        assert!(before.review_due, "FUN's review (April 2018) has passed");
        let mut change = SettingsChange::from_programme(&before.programme);
        change.meeting_min_minutes = "90".into();
        change.meeting_max_minutes = "60".into();
        change.review_min_months = "3".into();
        change.review_max_months = String::new();
        change.next_review = "next spring".into();
        let Err(AppError::Invalid(errors)) =
            app.update_programme_settings(&admin(), id, &change).await
        else {
            panic!("{}: bad settings are refused", db.label);
        };
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        for field in [fields::MEETING_MIN, fields::REVIEW_MAX, fields::NEXT_REVIEW] {
            assert!(named.contains(&field), "{field} in {named:?}");
        }
        assert_eq!(
            app.programme(&admin(), id).await.expect("read").updated_at,
            before.updated_at
        );
        assert_eq!(
            app.programme(&admin(), id).await.expect("read").programme,
            before.programme,
            "nothing saved"
        );

        let mut change = SettingsChange::from_programme(&before.programme);
        change.meeting_min_minutes = "45".into();
        change.meeting_max_minutes = "90".into();
        change.record_mode = "metadata_only".into();
        change.next_review = "2099-04".into();
        change.revision_date = "2026-04-30".into();
        change.revision_change = "Annual review: meeting length set".into();
        change.revision_author = "Ada Admin".into();
        let saved = app
            .update_programme_settings(&admin(), id, &change)
            .await
            .expect("saves");
        let policy = &saved.programme.policy;
        assert_eq!(
            policy.revisions.last().map(|r| r.change.as_str()),
            Some("Annual review: meeting length set")
        );
        assert_eq!(
            saved.programme.meetings.min_minutes.map(|m| m.get()),
            Some(45)
        );
        assert!(!saved.programme.records.mode.allows_notes());
        assert!(!saved.review_due, "reviewed, and next due in 2099");
        assert!(
            app.policy_reviews_due(&admin())
                .await
                .expect("due")
                .is_empty()
        );
        db.finish().await;
    }
}

#[tokio::test]
async fn a_coordinator_starts_a_programme_from_a_template_for_their_organisation() {
    let db = test_support::sqlite().await;
    let app = App::new(db.store.clone()).with_generated_master_key();
    let a = db
        .store
        .organisations()
        .create("Organisation A", "England")
        .await
        .expect("a");
    let b = db
        .store
        .organisations()
        .create("Organisation B", "England")
        .await
        .expect("b");
    let coordinator = principal(2, &[(Role::Coordinator, Some(a.id), None)]);
    let mut request = NewProgramme {
        template: "afc".into(),
        key: "Not A Key!".into(),
        name: " ".into(),
        organisation: b.id.to_string(),
    };
    let Err(AppError::Invalid(errors)) = app
        .create_programme_from_template(&coordinator, &request)
        .await
    else {
        panic!("bad fields are refused");
    };
    let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(named, [fields::KEY, fields::NAME, fields::ORGANISATION]);
    request.key = "a-carers".into();
    request.name = "Carers mentoring at A".into();
    request.organisation = a.id.to_string();
    let view = app
        .create_programme_from_template(&coordinator, &request)
        .await
        .expect("created");
    assert_eq!(view.programme.name, "Carers mentoring at A");
    assert_eq!(
        view.organisations.iter().map(|o| o.id).collect::<Vec<_>>(),
        [a.id],
        "only A takes part"
    );
    assert!(view.can_edit());
    assert_eq!(
        view.programme.tracks.len(),
        2,
        "the template's tracks come along"
    );
    // Its policy history starts today, with nothing of the template
    // organisation's: no review is due at once, and no public text of
    // theirs (issue 12 defect 4).
    let due = app.policy_reviews_due(&coordinator).await.expect("due");
    assert!(due.is_empty(), "{due:?}");
    let policy = &view.programme.policy;
    assert_eq!(policy.revisions.len(), 1);
    assert_eq!(
        policy.revisions[0].date,
        tandem_domain::programme::PolicyDate::Day(app.today())
    );
    assert!(
        view.programme
            .publicity
            .text
            .starts_with("Organisation A runs Carers mentoring at A")
            && !view.programme.publicity.text.contains("Achieving"),
        "{}",
        view.programme.publicity.text
    );
    let taken = app
        .create_programme_from_template(&coordinator, &request)
        .await;
    assert!(matches!(taken, Err(AppError::Invalid(e)) if e[0].field == fields::KEY));
    let mentee = principal(3, &[(Role::Mentee, Some(a.id), None)]);

    // A new programme is a draft (issue 12 defect 4): only those who may
    // edit it see it; nobody may ask for a mentor or volunteer in it, and
    // nobody signed out reads it, until it is published.
    assert!(view.is_draft());
    assert!(matches!(
        app.programme(&mentee, view.id).await,
        Err(AppError::NotFound)
    ));
    assert!(
        app.list_programmes(&mentee).await.expect("list").is_empty(),
        "a draft is not listed for staff"
    );
    assert!(matches!(
        app.request_form(&coordinator, view.id).await,
        Err(AppError::Refused(message)) if message.contains("draft")
    ));
    let mut public =
        tandem_domain::programme::settings_form::SettingsChange::from_programme(&view.programme);
    public.public_page = "public".into();
    app.update_programme_settings(&coordinator, view.id, &public)
        .await
        .expect("made public");
    assert!(
        app.public_programme(view.id).await.expect("read").is_none(),
        "a draft is never public"
    );
    assert!(matches!(
        app.publish_programme(&mentee, view.id).await,
        Err(AppError::NotFound)
    ));
    let published = app
        .publish_programme(&coordinator, view.id)
        .await
        .expect("published");
    assert!(!published.is_draft());
    assert_eq!(
        app.programme(&mentee, view.id).await.expect("seen").id,
        view.id
    );
    let read = app
        .public_programme(view.id)
        .await
        .expect("read")
        .expect("public once published");
    assert_eq!(read.programme.name, "Carers mentoring at A");
    public.public_page = "staff".into();
    app.update_programme_settings(&coordinator, view.id, &public)
        .await
        .expect("made staff-only");
    assert!(app.public_programme(view.id).await.expect("read").is_none());

    assert!(matches!(
        app.create_programme_from_template(&mentee, &request).await,
        Err(AppError::Invalid(_))
    ));
    db.finish().await;
}

#[tokio::test]
async fn the_demo_has_the_five_programmes_and_people_see_their_own() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo loads");
        let everything = db.store.programmes().list(None).await.expect("list");
        assert_eq!(everything.len(), 5, "{}", db.label);
        let mut public = Vec::new();
        for programme in &everything {
            assert_eq!(
                programme.publication(),
                tandem_domain::permissions::Publication::Published,
                "{}: the demo's programmes are in use",
                programme.key
            );
            if app
                .public_programme(programme.id)
                .await
                .expect("read")
                .is_some()
            {
                public.push(programme.key.as_str());
            }
        }
        public.sort_unstable();
        assert_eq!(
            public,
            ["cwt", "wsc"],
            "{}: the seeds that publicise",
            db.label
        );
        for programme in &everything {
            let organisations = db
                .store
                .programmes()
                .organisations(programme.id)
                .await
                .expect("orgs");
            assert!(
                !organisations.is_empty(),
                "{} takes part with demo organisations",
                programme.key
            );
        }
        assert_eq!(
            db.store.organisations().all().await.expect("orgs").len(),
            11,
            "no organisation was added twice"
        );
        let sign_in = |email: &'static str| {
            let app = app.clone();
            async move {
                app.sign_in(email, DEMO_PASSWORD)
                    .await
                    .expect("signs in")
                    .principal
            }
        };
        let keys = |views: Vec<tandem_app::programmes::ProgrammeView>| {
            views
                .iter()
                .map(|v| v.programme.key.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        let mentee = sign_in("mentee@tandem.example").await;
        assert_eq!(
            keys(app.list_programmes(&mentee).await.expect("list")),
            ["caf"],
            "a Cafcass mentee"
        );
        let mentor = sign_in("mentor@tandem.example").await;
        assert_eq!(
            keys(app.list_programmes(&mentor).await.expect("list")),
            ["cwt"],
            "a Western Trust mentor"
        );
        let coordinator = sign_in("coordinator@tandem.example").await;
        assert!(
            coordinator.grants.iter().any(|g| g.programme_id.is_some()),
            "coordinates the CAF programme"
        );
        let caf = app.list_programmes(&coordinator).await.expect("list");
        assert!(caf.len() == 1 && caf[0].can_edit());
        let ssw = sign_in("ssw@tandem.example").await;
        let afc = app.list_programmes(&ssw).await.expect("list");
        assert_eq!(keys(afc.clone()), ["afc"]);
        assert!(
            !afc[0].can_edit(),
            "a supervising social worker reads but does not edit"
        );
        db.finish().await;
    }
}
