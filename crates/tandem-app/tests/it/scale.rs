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
        db.finish().await;
    }
}
