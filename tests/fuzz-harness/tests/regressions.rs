//! Replays every stored fuzz input (seeds and minimized crashes) under `fuzz/regressions/`.

use std::path::Path;

#[test]
fn stored_fuzz_inputs_do_not_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/regressions");
    let mut total = 0;
    for (name, f) in fuzz_harness::TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let data = std::fs::read(entry.path()).unwrap();
            let result = std::panic::catch_unwind(|| f(&data));
            assert!(result.is_ok(), "{name}: {} panics", entry.path().display());
            total += 1;
        }
    }
    assert!(
        total > 0,
        "no stored fuzz inputs found under {}",
        root.display()
    );
    println!("replayed {total} stored fuzz inputs");
}
