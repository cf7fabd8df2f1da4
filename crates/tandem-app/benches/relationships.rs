//! The relationship page and the home page's to-dos (issue 10's figures),
//! on SQLite: the demo database plus `EXTRA` relationships for the demo
//! mentor's programme and `MEETINGS` meetings in the relationship measured.
//! The pair's page opens sealed content (agreement clauses, meeting
//! records, the plan); the administrator's shows metadata only, so the
//! difference between the two is what opening costs per page. A bare
//! seal and open of a kilobyte is measured beside them.
//!
//! Run: `cargo bench -p tandem-app --bench relationships`.
//!
//! At national scale (issue 10's figures): `TANDEM_BENCH_SCALE=50000,20000,500000`
//! (people, relationships, meetings) adds a `scale` group measured on a
//! database of that size, made by [`App::load_scale`]; with
//! `TANDEM_BENCH_DIR=/some/folder` the database and its key file are kept
//! there (and reused by the next run), so that `tandem serve` can serve it
//! for a load run of the same pages over HTTP.

use criterion::{Criterion, criterion_group, criterion_main};
use tandem_app::demo::DEMO_PASSWORD;
use tandem_app::{App, Principal};
use tandem_domain::relationship::State;
use tandem_domain::relationship::meetings::MeetingInput;
use tandem_seal::{DataKey, open, seal};
use time::Duration;

/// Meetings in the relationship measured: two years of fortnightly meetings.
const MEETINGS: i64 = 50;

struct Setup {
    app: App,
    pair: Principal,
    admin: Principal,
    coordinator: Principal,
    /// The coordinator's session cookie token.
    token: String,
    id: tandem_domain::relationship::RelationshipId,
    _dir: std::path::PathBuf,
}

async fn setup() -> Setup {
    let dir = std::env::temp_dir().join(format!("tandem-bench-rel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let url = format!("sqlite://{}", dir.join("bench.db").display());
    let app = App::open(&url)
        .await
        .expect("the database opens")
        .with_generated_master_key();
    app.load_demo().await.expect("demo loads");
    let admin = app
        .sign_in("admin@tandem.example", DEMO_PASSWORD)
        .await
        .expect("admin")
        .principal;
    let pair = app
        .sign_in("mentor@tandem.example", DEMO_PASSWORD)
        .await
        .expect("mentor")
        .principal;
    let id = app
        .relationships(&pair, None)
        .await
        .expect("listed")
        .into_iter()
        .find(|r| r.state == Some(State::Agreed))
        .expect("the demo mentor's agreed relationship")
        .id;
    let today = app.today();
    let view = app.relationship(&pair, id).await.expect("view");
    let kind = view
        .rules
        .meetings
        .kinds
        .first()
        .map_or("face_to_face", |k| k.as_str())
        .to_owned();
    for day in 0..MEETINGS {
        app.record_meeting(
            &pair,
            id,
            &MeetingInput {
                date: (today - Duration::days(day * 2)).to_string(),
                minutes: "60".into(),
                kind: kind.clone(),
                notes: None,
                action_points: Vec::new(),
            },
        )
        .await
        .expect("a meeting");
    }
    let signed_in = app
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await
        .expect("coordinator");
    let (coordinator, token) = (signed_in.principal, signed_in.token);
    Setup {
        app,
        pair,
        admin,
        coordinator,
        token,
        id,
        _dir: dir,
    }
}

fn relationships(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let setup = runtime.block_on(setup());
    measure(c, &runtime, &setup, "relationship");

    let key = DataKey::generate();
    let text = vec![b'x'; 1024];
    let sealed = seal(&key, &text, b"relationship 1 meeting record").expect("sealed");
    c.bench_function("seal 1 KiB", |b| {
        b.iter(|| seal(&key, &text, b"relationship 1 meeting record").expect("sealed"))
    });
    c.bench_function("open 1 KiB", |b| {
        b.iter(|| open(&key, &sealed, b"relationship 1 meeting record").expect("opened"))
    });
}

/// The scale database: made once in `TANDEM_BENCH_DIR` (or a temporary
/// folder), then reused.
async fn scale_setup(people: usize, relationships: usize, meetings: usize) -> Setup {
    let dir = std::env::var_os("TANDEM_BENCH_DIR").map_or_else(
        || std::env::temp_dir().join(format!("tandem-bench-scale-{}", std::process::id())),
        std::path::PathBuf::from,
    );
    std::fs::create_dir_all(&dir).expect("the folder");
    let db = dir.join("scale.db");
    let key = dir.join("scale.key");
    let made = db.exists() && key.exists();
    if !made {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let _ = std::fs::remove_file(&key);
        tandem_app::operator::generate_key_file(&key).expect("a key file");
    }
    let url = format!("sqlite://{}", db.display());
    let (app, _) = App::open(&url)
        .await
        .expect("the database opens")
        .with_key_file(&key)
        .expect("the key file");
    let relationship = if made {
        None
    } else {
        let started = std::time::Instant::now();
        app.load_demo().await.expect("demo loads");
        let made = app
            .load_scale(
                &tandem_domain::permissions::Operator::assume(),
                &tandem_app::scale::Scale {
                    people,
                    relationships,
                    meetings,
                    open_requests: 0,
                },
            )
            .await
            .expect("the scale database loads");
        eprintln!(
            "made {} relationships and {} meetings among {people} people in {:.0?}, at {}",
            made.relationships,
            made.meetings,
            started.elapsed(),
            db.display()
        );
        Some(made.relationship)
    };
    let admin = app
        .sign_in("admin@tandem.example", DEMO_PASSWORD)
        .await
        .expect("admin")
        .principal;
    let pair = app
        .sign_in(tandem_app::scale::SCALE_MENTOR_EMAIL, DEMO_PASSWORD)
        .await
        .expect("the scale mentor")
        .principal;
    let id = match relationship {
        Some(id) => id,
        None => {
            app.relationships(&pair, None)
                .await
                .expect("listed")
                .first()
                .expect("the scale mentor's relationship")
                .id
        }
    };
    eprintln!("the scale mentor's relationship measured: /relationships/{id}");
    let signed_in = app
        .sign_in("coordinator@tandem.example", DEMO_PASSWORD)
        .await
        .expect("coordinator");
    let (coordinator, token) = (signed_in.principal, signed_in.token);
    Setup {
        app,
        pair,
        admin,
        coordinator,
        token,
        id,
        _dir: dir,
    }
}

fn scale(c: &mut Criterion) {
    let Some(sizes) = std::env::var("TANDEM_BENCH_SCALE").ok() else {
        return;
    };
    let sizes: Vec<usize> = sizes
        .split(',')
        .map(|n| {
            n.trim()
                .parse()
                .expect("TANDEM_BENCH_SCALE: people,relationships,meetings")
        })
        .collect();
    let [people, relationships, meetings] = sizes[..] else {
        panic!("TANDEM_BENCH_SCALE: people,relationships,meetings");
    };
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let setup = runtime.block_on(scale_setup(people, relationships, meetings));
    measure(c, &runtime, &setup, "scale");
}

/// The pages measured, in a group of their own.
fn measure(c: &mut Criterion, runtime: &tokio::runtime::Runtime, setup: &Setup, name: &str) {
    let mut group = c.benchmark_group(name);
    group.bench_function("page as the pair (opens content)", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.relationship(&setup.pair, setup.id))
                .expect("page")
        })
    });
    group.bench_function("page as the administrator (metadata only)", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.relationship(&setup.admin, setup.id))
                .expect("page")
        })
    });
    group.bench_function("home to-dos of the mentor", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.relationship_to_dos(&setup.pair))
                .expect("to-dos")
        })
    });
    group.bench_function("session of a signed-in request", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.session(&setup.token))
                .expect("session")
                .expect("valid")
        })
    });
    group.bench_function("home of the coordinator", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.home(&setup.coordinator))
                .expect("home")
        })
    });
    // A coordinator of the scale mentor's organisation (of the demo's
    // Western Trust at the demo's scale), whose own record is in it.
    let organisation = runtime
        .block_on(
            setup
                .app
                .person(&setup.admin, setup.pair.person_id.expect("a person")),
        )
        .expect("the mentor's record")
        .person
        .organisation_id;
    let coordinator = Principal {
        grants: vec![
            tandem_domain::roles::RoleGrant::new(
                tandem_domain::roles::Role::Coordinator,
                Some(organisation),
                None,
            )
            .expect("a grant"),
        ],
        ..setup.pair.clone()
    };
    let people_pages = [
        (
            "people, first page, as their coordinator",
            &coordinator,
            "",
            1,
        ),
        (
            "people, page 100, as their coordinator",
            &coordinator,
            "",
            100,
        ),
        (
            "people, first page, as the administrator",
            &setup.admin,
            "",
            1,
        ),
        (
            "people, a search, as the administrator",
            &setup.admin,
            "smith",
            1,
        ),
        (
            "people, page 100, as the administrator",
            &setup.admin,
            "",
            100,
        ),
    ];
    for (name, caller, search, page) in people_pages {
        group.bench_function(name, |b| {
            b.iter(|| {
                runtime
                    .block_on(setup.app.list_people(caller, search, page, 50))
                    .expect("people")
            })
        });
    }
    group.bench_function("programmes of the coordinator", |b| {
        b.iter(|| {
            runtime
                .block_on(setup.app.list_programmes(&setup.coordinator))
                .expect("programmes")
        })
    });
    group.finish();
}

criterion_group!(benches, relationships, scale);
criterion_main!(benches);
