//! The `tandem` binary, run as an operator would.

use std::process::Command;

fn tandem(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_tandem"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn template_path(key: &str) -> String {
    format!("{}/../../programmes/{key}.toml", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn programme_validate_accepts_every_shipped_template() {
    for key in ["caf", "fun", "wsc", "afc", "cwt"] {
        let path = template_path(key);
        let output = tandem(&["programme", "validate", &path]);
        assert!(
            output.status.success(),
            "{key}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            stdout.starts_with(&format!("{path}: valid programme {key} (")),
            "{stdout}"
        );
    }
}

#[test]
fn programme_validate_lists_every_error_as_file_line_key_message() {
    let source = std::fs::read_to_string(template_path("afc"))
        .expect("the template reads")
        .replacen("max_months = 6", "max_months = 0", 1)
        .replacen("how_to_apply = \"Talk", "how_to_apply = \"\"\n# \"Talk", 1);
    let path = std::env::temp_dir().join(format!("tandem-cli-bad-{}.toml", std::process::id()));
    std::fs::write(&path, &source).expect("a temporary file");
    let output = tandem(&["programme", "validate", &path.display().to_string()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    let prefix = format!("{}:", path.display());
    let lines: Vec<&str> = stderr.lines().collect();
    assert!(lines.len() >= 3, "{stderr}");
    let apply_line = source
        .lines()
        .position(|l| l == "how_to_apply = \"\"")
        .expect("blanked")
        + 1;
    assert!(
        lines.contains(
            &format!("{prefix}{apply_line}: publicity.how_to_apply: how to apply cannot be empty")
                .as_str()
        ),
        "{stderr}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&prefix) && l.contains(": tracks[0].length.max_months: ")),
        "{stderr}"
    );
}
