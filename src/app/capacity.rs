//! `tta-bench capacity`: start the target once, run the search's steps against it, print each
//! step as it ends, then the table and the knee; write the JSON and the HTML page if asked.

use super::emit;
use crate::capacity::{self, CapacityResult};
use crate::cli::{CapacityArgs, CapacityConfig};
use crate::error::{Error, Result};
use crate::fsutil::write_atomic;
use crate::load::target::EmbeddedServer;
use crate::load::{drive, start};
use crate::run::TargetInfo;
use crate::sysmon::DEFAULT_INTERVAL;
use crate::verdict::Outcome;

pub fn run(args: &CapacityArgs) -> Result<Outcome> {
    let config = CapacityConfig::try_from(args)?;
    let first = config.plan(config.limits.start_rps)?;
    let (server, url) = start(&config.target, &first)?;
    let l = &config.limits;
    eprintln!(
        "tta-bench: capacity of {url}{} for {:?}: profile {}'s journeys, {} s a step from {}/s (×{} up to {}/s, then bisecting to {} %), at most {} steps and {} s",
        if server.is_some() {
            " (embedded service)"
        } else {
            ""
        },
        config.slo.text,
        config.profile,
        l.step_s,
        l.start_rps,
        l.factor,
        l.max_rps,
        l.precision * 100.0,
        l.max_steps,
        l.max_time_s,
    );
    let pid = server.as_ref().map(EmbeddedServer::pid);
    let mut n = 0;
    let searched = capacity::search(
        l,
        &config.slo,
        |rate| drive(&config.plan(rate)?, &url, pid, DEFAULT_INTERVAL, false),
        |step| {
            n += 1;
            eprintln!(
                "tta-bench: step {n}: {}/s offered, {:.1}/s answered, p95 {:.2} ms, errors {:.2} %, dropped {:.2} %: {}",
                step.offered_rps,
                step.achieved_rps,
                step.p95_ms,
                step.error_rate * 100.0,
                step.dropped_share * 100.0,
                if step.met_slo {
                    "met".to_string()
                } else {
                    format!("missed ({})", step.misses.join(", "))
                }
            );
        },
    );
    if let Some(s) = server {
        s.stop();
    }
    let (steps, knee_rps, stopped) = searched?;
    let result = CapacityResult {
        schema_version: capacity::SCHEMA_VERSION,
        kind: "capacity".into(),
        created: crate::timefmt::now_rfc3339(),
        environment: crate::environment::Environment::detect(),
        target: TargetInfo {
            url,
            embedded: pid.is_some(),
        },
        profile_name: config.profile.clone(),
        slo: config.slo.clone(),
        limits: config.limits.clone(),
        steps,
        knee_rps,
        stopped,
    };
    if let Some(out) = &config.out {
        let json = serde_json::to_string_pretty(&result)
            .map_err(|e| Error::Process(format!("cannot write the search as JSON: {e}")))?;
        write_atomic(out, format!("{json}\n").as_bytes())?;
    }
    if let Some(dir) = &config.html {
        let page = crate::report::capacity_page(&result)?;
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        write_atomic(&dir.join("index.html"), page.as_bytes())?;
    }
    emit(&crate::export::terminal::capacity(&result))?;
    Ok(if result.knee_rps.is_some() {
        Outcome::Pass
    } else {
        Outcome::Fail
    })
}
