//! `tema count` and `tema tag` over inputs of several batches (8,192 answers
//! each), run as a process: one coding thread (batches read, coded and handed
//! out in turn) and two (reading and writing overlap coding) give the same
//! bytes, the numbers are right, and a bad row still stops the run with its
//! file and line.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

const ROWS: usize = 20_000;

/// `ROWS` answers over two kommuner: A answers "bolig" (every third "vet ikke"),
/// B answers "tolk", and every row carries a long, quoted, comma-filled column.
fn write_input(path: &Path, ragged_at: Option<usize>) {
    let mut csv = String::from("id,kommune,note,svar\n");
    for i in 1..=ROWS {
        let (kommune, svar) = match i % 2 {
            0 if i % 3 == 0 => ("A", "vet ikke"),
            0 => ("A", "\"Vi mangler bolig, dessverre.\""),
            _ => ("B", "Trenger tolk på møtene"),
        };
        let note = format!("\"notat {i}, {}\"", "x".repeat(i % 97));
        let extra = if Some(i) == ragged_at { ",x" } else { "" };
        csv.push_str(&format!("R{i},{kommune},{note},{svar}{extra}\n"));
    }
    fs::write(path, csv).unwrap();
}

fn run(args: &[&str], threads: &str) -> Vec<u8> {
    let out = tema().args(args).args(["--threads", threads, "--quiet"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

fn theme_answers(group: &Value, theme: &str) -> u64 {
    let themes = group["themes"].as_array().unwrap();
    themes.iter().find(|t| t["theme"] == theme).unwrap()["answers"].as_u64().unwrap()
}

#[test]
fn count_by_group_over_several_batches_is_the_same_with_one_or_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("svar.csv");
    write_input(&input, None);
    let input = input.to_str().unwrap();
    let args = ["count", input, "--text-column", "svar", "--by", "kommune", "--format", "json"];
    let one = run(&args, "1");
    assert_eq!(one, run(&args, "2"));

    let json: Value = serde_json::from_slice(&one).unwrap();
    let groups = json["by"]["groups"].as_array().unwrap();
    // In first-seen order: row 1 is B.
    let (b, a) = (&groups[0], &groups[1]);
    assert_eq!((a["group"].as_str(), b["group"].as_str()), (Some("A"), Some("B")));
    // A: 10,000 rows, a third of them (i divisible by 6) "vet ikke".
    let a_missing = (1..=ROWS).filter(|i| i % 6 == 0).count() as u64;
    assert_eq!(a["missing"].as_u64(), Some(a_missing));
    assert_eq!(a["n"].as_u64(), Some(ROWS as u64 / 2 - a_missing));
    assert_eq!(theme_answers(a, "bolig"), ROWS as u64 / 2 - a_missing);
    assert_eq!(theme_answers(a, "tolk"), 0);
    assert_eq!((b["n"].as_u64(), b["missing"].as_u64()), (Some(ROWS as u64 / 2), Some(0)));
    assert_eq!(theme_answers(b, "tolk"), ROWS as u64 / 2);

    // Without --by (the input columns are not kept): the same totals.
    let plain = run(&["count", input, "--text-column", "svar", "--format", "csv"], "2");
    assert_eq!(plain, run(&["count", input, "--text-column", "svar", "--format", "csv"], "1"));
}

#[test]
fn tag_over_several_batches_keeps_every_column_and_order_with_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("svar.csv");
    write_input(&input, None);
    let input = input.to_str().unwrap();
    for format in ["jsonl", "csv"] {
        let args = ["tag", input, "--text-column", "svar", "--id-column", "id", "--format", format];
        let two = run(&args, "2");
        assert_eq!(two, run(&args, "1"), "{format}");
    }
    let out = run(&["tag", input, "--text-column", "svar", "--id-column", "id"], "2");
    let records: Vec<Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), ROWS);
    let r = &records[ROWS - 2]; // row 19,999
    assert_eq!(r["id"], "R19999");
    assert_eq!(r["kommune"], "B");
    assert_eq!(r["note"], format!("notat 19999, {}", "x".repeat(19_999 % 97)));
    assert_eq!(r["themes"], serde_json::json!(["tolk"]));
}

#[test]
fn a_ragged_row_after_several_batches_stops_count_and_tag_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("svar.csv");
    write_input(&input, Some(17_000));
    let input = input.to_str().unwrap();
    for threads in ["1", "2"] {
        for cmd in ["count", "tag"] {
            let out = tema().args([cmd, input, "--text-column", "svar", "--threads", threads, "--quiet"]).output().unwrap();
            assert_eq!(out.status.code(), Some(3), "{cmd} --threads {threads}");
            let err = String::from_utf8_lossy(&out.stderr);
            // Line 17,001: the header is line 1.
            assert!(err.contains("svar.csv:17001") && err.contains("5 fields"), "{err}");
        }
    }
}
