//! The exit-code contract: 0 pass, 1 a check failed, 2 could not judge.

use crate::support::{assert_one_line_error, tta};

#[test]
fn help_and_version_exit_0() {
    tta().arg("--help").assert().code(0);
    tta().arg("--version").assert().code(0);
}

#[test]
fn usage_errors_exit_2() {
    tta().arg("no-such-command").assert().code(2);
    tta()
        .args(["micro", "--budget-scale", "lots"])
        .assert()
        .code(2);
}

#[test]
fn invalid_values_exit_2_with_one_line() {
    let out = tta()
        .args(["micro", "--budget-scale", "-1"])
        .output()
        .unwrap();
    assert_one_line_error(&out, "--budget-scale must be a positive number, got -1");
    let out = tta().args(["micro", "--filter", "("]).output().unwrap();
    assert_one_line_error(&out, "--filter \"(\" is not a valid regex: unclosed group");
    let out = tta()
        .args(["micro", "--filter", "^nothing$"])
        .output()
        .unwrap();
    assert_one_line_error(
        &out,
        "--filter \"^nothing$\" matches no benchmark (available: init/cold",
    );
}
