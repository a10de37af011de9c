use std::process::ExitCode;

use clap::Parser;
use tta_bench::Cli;
use tta_bench::{EXIT_ERROR, Error};

fn main() -> ExitCode {
    // A panic is a bug, but it still means "could not judge": one line, exit 2.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()));
        eprintln!(
            "tta-bench: internal error: {}{}",
            msg.replace('\n', " "),
            place.unwrap_or_default()
        );
    }));
    let cli = Cli::parse();
    match std::panic::catch_unwind(|| tta_bench::run(cli)) {
        Ok(Ok(outcome)) => ExitCode::from(outcome.exit_code()),
        Ok(Err(e @ Error::Interrupted(_))) => {
            eprintln!("tta-bench: {e}");
            ExitCode::from(e.exit_code())
        }
        Ok(Err(e)) => {
            eprintln!("tta-bench: error: {e}");
            ExitCode::from(e.exit_code())
        }
        Err(_) => ExitCode::from(EXIT_ERROR),
    }
}
