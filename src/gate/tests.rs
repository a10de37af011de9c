use super::*;
use crate::check::Subject;

fn candidates(k: usize, runs: usize) -> Vec<Candidate> {
    (0..k)
        .map(|i| {
            Candidate::new(
                Subject::MicroOperation(format!("metric {i}")),
                "ms",
                vec![1.0; runs],
                vec![1.0; runs],
                Direction::LowerIsBetter,
                10.0,
            )
        })
        .collect()
}

#[test]
fn a_verdict_says_when_its_runs_cannot_reach_significance() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let t = Thresholds::load(&root.join("thresholds.yaml")).unwrap();
    // 5 + 5 runs: smallest p 1/252 ≈ 0.00397; 0.05/12 ≈ 0.00417 passes, 0.05/13 does not.
    assert_eq!(too_few_runs_for_holm(&candidates(12, 5), &t), None);
    let note = too_few_runs_for_holm(&candidates(13, 5), &t).unwrap();
    assert!(note.contains("0.0040, above 0.05 / 13 judged"), "{note}");
    assert_eq!(too_few_runs_for_holm(&candidates(40, 10), &t), None);
    // Skipped metrics are not in Holm's family.
    let mut some_skipped = candidates(13, 5);
    some_skipped[0].skip = Some(skip::Skip::TooFewRequests {
        fewest: 0,
        least: 100,
    });
    assert_eq!(too_few_runs_for_holm(&some_skipped, &t), None);
}

/// 5 + 5 runs of a metric 30 % slower in every run: past the limit and significant.
fn slower(name: &str, machine_bound: bool) -> Candidate {
    let mut c = Candidate::new(
        Subject::Route(name.into()),
        "ms",
        vec![1.0, 1.01, 1.02, 0.99, 0.98],
        vec![1.3, 1.31, 1.32, 1.29, 1.28],
        Direction::LowerIsBetter,
        10.0,
    );
    c.machine_bound = machine_bound;
    c
}

#[test]
fn stored_timings_decide_whether_a_machine_bound_regression_fails() {
    let warn = Thresholds::shipped().clone();
    assert_eq!(warn.regression.stored_timings, StoredTimings::Warn);
    let both = || vec![slower("route", false), slower("p95", true)];
    let checks = decide(both(), &warn);
    assert_eq!(checks[0].status, Status::Fail, "relative: always fails");
    assert_eq!(checks[1].status, Status::Warn);
    let detail = checks[1].detail.as_deref().unwrap();
    assert!(
        detail.starts_with("+30.0 % vs baseline") && detail.ends_with(STORED_TIMING_WARNING),
        "{detail}"
    );
    assert!(!checks[0].detail.as_deref().unwrap().contains("a warning"));

    let mut fail = warn.clone();
    fail.regression.stored_timings = StoredTimings::Fail;
    let checks = decide(both(), &fail);
    assert_eq!(checks[1].status, Status::Fail);
    assert!(!checks[1].detail.as_deref().unwrap().contains("a warning"));

    // Within its limit a machine-bound metric passes like any other.
    let mut small = slower("p95", true);
    small.cur = vec![1.05, 1.06, 1.04, 1.05, 1.05];
    assert_eq!(decide(vec![small], &warn)[0].status, Status::Pass);
}

#[test]
fn a_verdict_names_its_pairing_and_reads_one_written_before_it_did() {
    let t = Thresholds::shipped();
    let mut v = judge_in_environment(
        Environment::detect(),
        &[],
        &[],
        t,
        None,
        Pairing::Interleaved,
    );
    v.load_repetitions = 40;
    assert_eq!(
        v.load_runs_described(),
        "40 paired rounds (one block of each build)"
    );
    let mut json = serde_json::to_value(&v).unwrap();
    assert_eq!(json["pairing"], "interleaved");
    json.as_object_mut().unwrap().remove("pairing");
    let old: Verdict = serde_json::from_value(json).unwrap();
    assert_eq!(old.pairing, Pairing::Stored);
    assert_eq!(old.load_runs_described(), "40 load repetitions");
}

#[test]
fn a_counted_operation_is_judged_on_its_count_not_its_time() {
    use crate::micro::count::Counting;
    let counted = |ir: f64| {
        let mut run = crate::micro::test_run(&[("init/warm", 1000.0), ("init/cold", 2e6)]);
        run.instructions = Some(Counting::Counted {
            tool: "callgrind (test)".into(),
            iterations: 20,
            per_call: [("init/warm".to_string(), ir)].into_iter().collect(),
        });
        run
    };
    let base = Baseline::new("base", Vec::new(), vec![counted(1000.0); 5]);
    let cur = vec![counted(1300.0); 5];
    let v = judge_in_environment(
        Environment::detect(),
        &[],
        &cur,
        Thresholds::shipped(),
        Some((&base, Path::new("base.json"))),
        Pairing::Stored,
    );
    let names: Vec<String> = v
        .checks
        .iter()
        .filter(|c| c.kind() == crate::check::CheckKind::Regression)
        .map(|c| format!("{} {:?}", c.name(), c.status))
        .collect();
    assert_eq!(
        names,
        [
            "mean init/cold vs baseline Pass",
            "instructions init/warm vs baseline Fail",
            "routes and micro operations guarded against regression Pass"
        ],
        "init/warm by its count alone; init/cold, not counted, by its time"
    );
}
