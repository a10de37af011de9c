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

/// The service's `--db`: a file that is not SQLite, or in a folder that does not exist, is one
/// line naming it and exit 2, and the file is left as it was.
#[test]
fn a_database_that_cannot_be_opened_is_one_line_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let text = tmp.path().join("notes.db");
    let content = "these are notes, not a SQLite database, and long enough for a header";
    std::fs::write(&text, content).unwrap();
    let o = tta().args(["serve", "--db"]).arg(&text).output().unwrap();
    assert_one_line_error(
        &o,
        &format!("{}: database: file is not a database", text.display()),
    );
    assert_eq!(std::fs::read_to_string(&text).unwrap(), content);
    let missing = tmp.path().join("no/such/folder/tta.db");
    let o = tta()
        .args(["serve", "--db"])
        .arg(&missing)
        .output()
        .unwrap();
    assert_one_line_error(
        &o,
        &format!(
            "{}: database: unable to open database file",
            missing.display()
        ),
    );
}
