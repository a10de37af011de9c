//! The judging commands: `check` (saved runs) and `gate` (measure this build, then judge).

use super::delivery::{conclude, finish, resolve_baseline};
use super::measure::{
    KeepRuns, check_reference, interleaved_rounds, measure, measure_against, retest_load,
    retest_micro,
};
use crate::baseline::Baseline;
use crate::cli::{CheckArgs, GateArgs};
use crate::error::Result;
use crate::gate::{confirm, judge, judge_in_environment};
use crate::saved::{read_runs, split};
use crate::sla::Thresholds;
use crate::verdict::Outcome;
use crate::verdict::Pairing;
use crate::verdict::{Note, NoteKind};

pub fn check(a: &CheckArgs) -> Result<Outcome> {
    let thresholds = Thresholds::load(&a.output.judge.thresholds)?;
    let (load, micro) = split(read_runs(&a.runs)?, "check")?;
    let baseline = resolve_baseline(&a.output.judge)?;
    conclude(
        &load,
        &micro,
        &thresholds,
        baseline.as_ref(),
        &a.output,
        Pairing::Stored,
    )
}

pub fn gate(a: &GateArgs) -> Result<Outcome> {
    // Inputs first: a bad thresholds file, baseline, reference build or runs directory must
    // not cost a measurement, nor leave a directory behind.
    let thresholds = Thresholds::load(&a.output.judge.thresholds)?;
    let baseline = match &a.against {
        None => resolve_baseline(&a.output.judge)?,
        Some(exe) => {
            check_reference(exe)?;
            None
        }
    };
    // With --against, the runs kept are the blocks of each round.
    let kept_per_side = match &a.against {
        None => a.measure.repeat(),
        Some(_) => interleaved_rounds(&a.measure, a.block)?.rounds,
    };
    let keep = a
        .keep_runs
        .as_deref()
        .map(|dir| KeepRuns::prepare(dir, kept_per_side))
        .transpose()?;
    let (load, micro, baseline, pairing, notes) = match &a.against {
        None => {
            let (load, micro) = measure(
                &a.measure,
                1,
                baseline.is_some(),
                &thresholds,
                keep.as_ref(),
            )?;
            (load, micro, baseline, Pairing::Stored, Vec::new())
        }
        Some(exe) => {
            let runs = measure_against(&a.measure, exe, a.block, &thresholds, keep.as_ref())?;
            let mut reference = Baseline::new(
                "reference build, interleaved",
                runs.reference,
                runs.reference_micro,
            );
            // The working tree's commit is this build's, not the reference's.
            reference.git_commit = None;
            let note = format!(
                "regressions judged against {}: {} rounds of one {}-s block of each build, in random order each round; each metric's change is the Hodges-Lehmann estimate of the rounds' differences, its significance a paired Wilcoxon signed-rank test (a route too quiet for a median per block: its requests pooled, with a randomization test over the rounds); micro operations are judged on their instructions per call, both builds counted under callgrind",
                exe.display(),
                runs.shape.rounds,
                runs.shape.block_s
            );
            let baseline = Some((reference, exe.clone()));
            (
                runs.current,
                runs.micro,
                baseline,
                Pairing::Interleaved,
                vec![Note::new(NoteKind::Pairing, note)],
            )
        }
    };
    let judged_against = baseline.as_ref().map(|(b, p)| (b, p.as_path()));
    let mut v = judge(&load, &micro, &thresholds, judged_against, pairing);
    v.notes.extend(notes);
    let over = confirm::failed_micro(&v);
    if !over.is_empty() {
        confirm::apply_micro(&mut v, &retest_micro(&over, &thresholds)?, &thresholds);
    }
    let regressed = confirm::failed_regressions(&v);
    if pairing == Pairing::Stored && !regressed.is_empty() {
        let again = retest_load(&a.measure, &regressed, keep.as_ref())?;
        let second = judge_in_environment(
            v.environment.clone(),
            &again,
            &[],
            &thresholds,
            judged_against,
            pairing,
        );
        confirm::apply_regressions(&mut v, &second);
    }
    finish(&v, &load, &micro, baseline.as_ref(), &thresholds, &a.output)
}
