// Rebuild when a migration is added or changed: `sqlx::migrate!` embeds the folder at compile
// time but does not track new files by itself.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
