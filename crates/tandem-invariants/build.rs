//! Passes the target triple to the tests, so that `cargo metadata` can be
//! limited to it when the registry cache lacks other platforms' crates.

fn main() {
    let target = std::env::var("TARGET").unwrap_or_default();
    println!("cargo:rustc-env=TANDEM_INVARIANTS_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
