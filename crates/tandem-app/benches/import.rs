//! The people import (PPL-3) on SQLite: 50,000 rows through the whole path
//! (CSV parse, row checks, management-chain checks, one transaction), beside
//! the `sqlite3` shell's `.import` of the same file into a bare table,
//! measured in the same run as the baseline.
//!
//! Run: `cargo bench -p tandem-app --bench import`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use tandem_app::App;
use tandem_app::import::NoProgress;
use tandem_domain::permissions::Operator;

const ROWS: usize = 50_000;

/// A realistic export (see `tandem_app::scale::people_csv`): one chief
/// executive, 50 heads of service, 1,000 team managers, and staff under
/// them, in 50 regions and 1,000 teams.
fn write_csv(path: &Path) {
    std::fs::write(path, tandem_app::scale::people_csv(ROWS))
        .expect("the benchmark file is written");
}

fn fresh_db(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    path
}

fn bench_import(c: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("tandem-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let csv_path = dir.join("people.csv");
    write_csv(&csv_path);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");

    let mut group = c.benchmark_group("import_50k_sqlite");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));

    group.bench_function("tandem_import_people", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                let db = fresh_db(&dir, "tandem.db");
                let elapsed = runtime.block_on(async {
                    let app = App::open(&format!("sqlite://{}", db.display()))
                        .await
                        .expect("opens");
                    let org = app
                        .add_organisation(&Operator::assume(), "Bench", "")
                        .await
                        .expect("org");
                    let file = std::fs::File::open(&csv_path).expect("csv");
                    let start = Instant::now();
                    let summary = app
                        .import_people(
                            &Operator::assume().people_import(org.id),
                            std::io::BufReader::new(file),
                            &NoProgress,
                        )
                        .await
                        .expect("the import succeeds");
                    let elapsed = start.elapsed();
                    assert_eq!(summary.created as usize, ROWS);
                    app.close().await;
                    elapsed
                });
                total += elapsed;
            }
            total
        });
    });

    let sqlite3_available = Command::new("sqlite3")
        .arg("-version")
        .output()
        .is_ok_and(|o| o.status.success());
    if sqlite3_available {
        group.bench_function("sqlite3_dot_import_baseline", |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let db = fresh_db(&dir, "baseline.db");
                    let start = Instant::now();
                    let status = Command::new("sqlite3")
                        .arg(&db)
                        .arg(".mode csv")
                        .arg(format!(".import {} people", csv_path.display()))
                        .status()
                        .expect("sqlite3 runs");
                    total += start.elapsed();
                    assert!(status.success());
                }
                total
            });
        });
    } else {
        eprintln!("sqlite3 is not installed (apt-get install sqlite3): no baseline measured");
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
