//! Work the service repeats while it runs (cache snapshots, idle-session cleanup): on a
//! blocking thread, so a slow disk never holds up the runtime's request tasks.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

/// Runs `job` every `every`, the first time one period after the start, until the handle is
/// aborted. `job` reports its own failures: the next tick simply tries again.
pub(crate) fn every(every: Duration, job: impl Fn() + Send + Sync + 'static) -> JoinHandle<()> {
    let job = Arc::new(job);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.tick().await; // the first tick is immediate
        loop {
            ticks.tick().await;
            let job = job.clone();
            let _ = tokio::task::spawn_blocking(move || job()).await;
        }
    })
}
