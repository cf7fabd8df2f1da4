//! Several people writing at once: on SQLite a transaction that reads
//! before it writes must wait for the other writers, not fail with
//! "database is locked".

use std::time::Duration;

use tandem_domain::permissions::{Operator, Publication};
use tandem_domain::programme::Organisation;
use tandem_store::{ProgrammeWrite, test_support};

const TASKS: usize = 8;
const WRITES_PER_TASK: usize = 15;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_read_then_write_transactions_all_succeed() {
    for db in test_support::all().await {
        let mut tasks = Vec::new();
        for task in 0..TASKS {
            let store = db.store.clone();
            tasks.push(tokio::spawn(async move {
                let authority = Operator::assume().programme_create();
                let mut failures = Vec::new();
                for write in 0..WRITES_PER_TASK {
                    // Each creation reads (is the key taken? is the
                    // organisation known?) and then writes, in one
                    // transaction, while the other tasks do the same.
                    let key = format!("p{task}x{write}");
                    let organisations = [Organisation {
                        name: format!("Trust {task}-{write}"),
                        jurisdiction: "England".to_owned(),
                    }];
                    let programme = ProgrammeWrite {
                        key: &key,
                        name: &key,
                        settings: "",
                        organisations: &organisations,
                    };
                    if let Err(error) = store
                        .programmes()
                        .create(&authority, &programme, Publication::Published)
                        .await
                    {
                        failures.push(format!("{key}: {error}"));
                    }
                }
                failures
            }));
        }
        let mut failures = Vec::new();
        for task in tasks {
            let outcome = tokio::time::timeout(Duration::from_secs(30), task)
                .await
                .expect("the writers finish in good time")
                .expect("a writer does not panic");
            failures.extend(outcome);
        }
        assert!(
            failures.is_empty(),
            "{}: {} of {} concurrent writes failed, first: {:?}",
            db.label,
            failures.len(),
            TASKS * WRITES_PER_TASK,
            failures.first()
        );
        let created = db.store.programmes().list(None).await.map(|p| p.len());
        db.finish().await;
        assert_eq!(created.ok(), Some(TASKS * WRITES_PER_TASK));
    }
}
