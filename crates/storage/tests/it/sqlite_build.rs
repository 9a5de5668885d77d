//! The bundled SQLite is built with the options of `.cargo/config.toml`.

#[test]
fn the_bundled_sqlite_counts_no_allocations_and_shares_no_page_cache_group() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    let options: Vec<String> = conn
        .prepare("PRAGMA compile_options")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let why = "built without LIBSQLITE3_FLAGS of .cargo/config.toml (or with another value set)";
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{why}: {options:?}"
    );
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{why}: {options:?}"
    );
}
