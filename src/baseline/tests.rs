use super::*;

fn micro_only(label: &str) -> Baseline {
    let run = crate::micro::test_run(&[("init/cold", 1e6)]);
    Baseline::new(label, Vec::new(), vec![run])
}

#[test]
fn save_list_promote_and_resolve() {
    let dir = tempfile::tempdir().unwrap();
    let store = BaselineStore::new(dir.path().join("baselines"));
    assert_eq!(store.resolve("current").unwrap(), None, "no pointer yet");
    let mut b = micro_only("first");
    // The calibration is measured, so pin it to a figure whose last digit serde_json's default
    // (fast, not exact) float parser loses: the file must give back exactly what was saved.
    b.calibration.score = 1234.9394049381401;
    let path = store.save(&b, false).unwrap();
    assert!(
        path.file_name()
            .unwrap()
            .to_string_lossy()
            .ends_with("-first.json")
    );
    assert_eq!(Baseline::load(&path).unwrap(), b);
    let again = store.save(&b, false).unwrap_err().to_string();
    assert!(
        again.contains("exists; baselines are immutable (use --force"),
        "{again}"
    );
    store.save(&b, true).unwrap();
    store.promote(&path).unwrap();
    assert_eq!(store.resolve("current").unwrap(), Some(path.clone()));
    assert_eq!(store.list().unwrap(), [path]);
    assert!(store.save(&micro_only("bad label!"), false).is_err());
}

#[test]
fn corrupt_or_foreign_baselines_are_refused_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("b.json");
    for (text, needle) in [
        (
            "{\"kind\": \"baseline\", ",
            "b.json:1:21: EOF while parsing",
        ),
        ("{\"kind\": \"micro\"}", "b.json: not a tta-bench baseline"),
        (
            "{\"kind\": \"baseline\", \"schema_version\": 7}",
            "b.json: schema_version 7 of a baseline is not supported",
        ),
    ] {
        std::fs::write(&p, text).unwrap();
        let err = Baseline::load(&p).unwrap_err().to_string();
        assert!(err.contains(needle), "{err}");
    }
    let store = BaselineStore::new(dir.path());
    std::fs::write(dir.path().join("current"), "../elsewhere.json\n").unwrap();
    assert!(
        store
            .resolve("current")
            .unwrap_err()
            .to_string()
            .contains("not a baseline file in this directory")
    );
}

#[test]
fn fingerprint_differences_are_named() {
    let b = micro_only("x");
    let mut env = b.environment.clone();
    assert!(fingerprint_mismatch(&b, &env, || b.calibration.score).is_empty());
    assert!(
        fingerprint_mismatch(&b, &env, || b.calibration.score * 1.9).is_empty(),
        "the calibration alone is no difference: it is that noisy on one machine"
    );
    // Nor is it measured (~100 ms) when nothing else differs.
    assert!(fingerprint_mismatch(&b, &env, || panic!("calibration measured")).is_empty());
    env.logical_cpus += 2;
    let m = fingerprint_mismatch(&b, &env, || b.calibration.score * 0.5);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[1].contains("calibration score"));
    env.logical_cpus -= 2;
    env.cpu_model = Some("Intel(R) Xeon(R)".into());
    let mut b = b;
    b.environment.cpu_model = Some("AMD EPYC".into());
    b.calibration.score = 1000.0;
    let m = fingerprint_mismatch(&b, &env, || b.calibration.score);
    assert_eq!(
        m,
        [
            "CPU model \"Intel(R) Xeon(R)\" vs baseline \"AMD EPYC\"",
            "calibration score 1000 vs baseline 1000 (+0 %)"
        ]
    );
    b.environment.cpu_model = None;
    let m = fingerprint_mismatch(&b, &env, || b.calibration.score);
    assert_eq!(m[0], "CPU model \"Intel(R) Xeon(R)\" vs baseline unknown");
}
