//! The scale database the benchmarks and load runs use (issue 10's
//! figures), made small here: what it makes is what people would make.

use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::scale::{SCALE_MENTOR_EMAIL, Scale};
use tandem_app::{App, AppError};
use tandem_domain::relationship::State;
use tandem_store::test_support;

#[tokio::test]
async fn the_scale_database_holds_agreed_relationships_with_sealed_meeting_records() {
    for db in test_support::all().await {
        let app = App::new(db.store.clone()).with_generated_master_key();
        app.load_demo().await.expect("demo");
        // Too few people for the relationships asked for: named, nothing made.
        match app
            .load_scale(
                &tandem_domain::permissions::Operator::assume(),
                &Scale {
                    people: 1060,
                    relationships: 40,
                    meetings: 10,
                    open_requests: 0,
                },
            )
            .await
        {
            Err(AppError::Invalid(errors)) => assert_eq!(errors[0].field, "people"),
            other => panic!("{}: {other:?}", db.label),
        }
        let made = app
            .load_scale(
                &tandem_domain::permissions::Operator::assume(),
                &Scale {
                    people: 1080,
                    relationships: 6,
                    meetings: 21,
                    open_requests: 3,
                },
            )
            .await
            .expect("the scale database loads");
        assert_eq!((made.relationships, made.meetings), (6, 21), "{}", db.label);

        let mentor = app
            .sign_in(SCALE_MENTOR_EMAIL, DEMO_PASSWORD)
            .await
            .expect("the scale mentor signs in")
            .principal;
        let own = app.relationships(&mentor, None).await.expect("listed");
        assert_eq!(own.len(), 4, "{}: four mentees to a mentor", db.label);
        assert!(own.iter().all(|r| r.state == Some(State::Agreed)));
        let view = app
            .relationship(&mentor, made.relationship)
            .await
            .expect("the mentor's page");
        // 21 meetings over 6 relationships: the first three have four.
        assert_eq!(view.meetings.len(), 4, "{}", db.label);
        assert!(
            view.meetings.iter().all(|m| m
                .record
                .as_ref()
                .is_some_and(|r| r.text.starts_with("Meeting "))),
            "{}: the records open for the pair",
            db.label
        );

        // Every role whose pages grow with the organisation can sign in
        // and finds its work: the coordinator the waiting requests, the
        // mentee their relationship, the manager their reports.
        let coordinator = app
            .sign_in("scale.coordinator@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the scale coordinator signs in")
            .principal;
        let queue = app
            .screening_queue(&coordinator, made.programme)
            .await
            .expect("the screening queue");
        assert_eq!(queue.awaiting.len(), 3, "{}", db.label);
        // Paged: the second page of two holds the third request, in its
        // place in the queue, and says how many wait in all.
        let second = app
            .screening_queue_page(&coordinator, made.programme, 2, 2)
            .await
            .expect("the second page");
        assert_eq!(second.awaiting.len(), 1, "{}", db.label);
        assert_eq!(second.awaiting[0].request.id, queue.awaiting[2].request.id);
        assert_eq!(
            (
                second.awaiting_total,
                second.pages(),
                second.first_position()
            ),
            (3, 2, 3),
            "{}",
            db.label
        );
        // The register a page at a time: two mentors, one to a page, each
        // once, and nothing past the end.
        let mut seen = Vec::new();
        for page in 1..=2 {
            let register = app
                .register(&coordinator, made.programme, &Default::default(), page, 1)
                .await
                .expect("the register");
            assert_eq!((register.total, register.pages()), (2, 2), "{}", db.label);
            assert_eq!(register.entries.len(), 1, "{}", db.label);
            seen.push(register.entries[0].id);
        }
        assert_ne!(seen[0], seen[1], "{}", db.label);
        let past = app
            .register(&coordinator, made.programme, &Default::default(), 3, 1)
            .await
            .expect("past the end");
        assert!(past.entries.is_empty() && past.total == 2, "{}", db.label);
        // The programme's relationships a page at a time, newest first,
        // each once.
        let first = app
            .programme_relationships(&coordinator, made.programme, 1, 4)
            .await
            .expect("the first page");
        let second = app
            .programme_relationships(&coordinator, made.programme, 2, 4)
            .await
            .expect("the second page");
        assert_eq!(
            (first.relationships.len(), second.relationships.len()),
            (4, 2),
            "{}",
            db.label
        );
        assert_eq!((first.more, second.more), (true, false), "{}", db.label);
        let mut ids: Vec<_> = first
            .relationships
            .iter()
            .chain(&second.relationships)
            .map(|r| r.id)
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 6, "{}", db.label);
        let mentee = app
            .sign_in("scale.mentee@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the scale mentee signs in")
            .principal;
        let theirs = app.relationships(&mentee, None).await.expect("listed");
        assert_eq!(theirs.len(), 1, "{}", db.label);
        assert_eq!(theirs[0].id, made.relationship, "{}", db.label);
        let manager = app
            .sign_in("scale.manager@tandem.example", DEMO_PASSWORD)
            .await
            .expect("the scale manager signs in")
            .principal;
        let (reports, total) = app
            .list_people(&manager, "", 1, 50)
            .await
            .map(|page| (page.people.len(), page.total))
            .expect("their people");
        assert!(reports > 0 && total >= reports as i64, "{}", db.label);
        let logins = app.demo_logins().await.expect("logins");
        for local in [
            "scale.coordinator",
            "scale.hr",
            "scale.manager",
            "scale.mentor",
            "scale.mentee",
        ] {
            let email = format!("{local}@tandem.example");
            assert!(
                logins.iter().any(|l| l.email == email),
                "{}: {email} is listed",
                db.label
            );
        }
        db.finish().await;
    }
}

#[test]
fn a_scale_is_read_from_its_numbers_and_a_bad_one_names_what_is_wrong() {
    let scale: Scale = "50000,20000,500000,2000".parse().expect("a scale");
    assert_eq!(
        (
            scale.people,
            scale.relationships,
            scale.meetings,
            scale.open_requests
        ),
        (50_000, 20_000, 500_000, 2_000)
    );
    let three: Scale = "100,4,0".parse().expect("open requests may be left out");
    assert_eq!(three.open_requests, 0);
    let wrong = "50000,many,0".parse::<Scale>().expect_err("not a number");
    assert!(wrong.contains("relationships"), "{wrong}");
    let short = "50000".parse::<Scale>().expect_err("too few numbers");
    assert!(short.contains("PEOPLE,RELATIONSHIPS"), "{short}");
}
