//! `tema kwic` run as a process: theme and term lookups, formats, sorting, width,
//! redaction, errors and output files.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

const LEXICON: &str = "theme bolig\nnb Bolig\nnn Bustad\nen Housing\nterm bolig*\nterm husleie\n\n\
                       theme tolk\nnb Tolk\nnn Tolk\nen Interpreters\nterm tolk*\n";

/// A fødselsnummer for 24.12.87 with both check digits computed here, and the same
/// number with the second check digit wrong.
fn fnr_pair() -> (String, String) {
    let check =
        |d: &[u32], w: &[u32]| match 11 - d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11 {
            11 => Some(0),
            10 => None,
            k => Some(k),
        };
    let valid: String = (100..1000)
        .find_map(|i: u32| {
            let mut d: Vec<u32> = format!("241287{i}")
                .chars()
                .map(|c| c.to_digit(10).unwrap())
                .collect();
            d.push(check(&d, &[3, 7, 6, 1, 8, 9, 4, 5, 2])?);
            d.push(check(&d, &[5, 4, 3, 2, 7, 6, 5, 4, 3, 2])?);
            Some(d.iter().map(|x| x.to_string()).collect())
        })
        .unwrap();
    let mut wrong = valid.clone();
    let last = wrong.pop().unwrap().to_digit(10).unwrap();
    wrong.push(char::from_digit((last + 3) % 10, 10).unwrap());
    (valid, wrong)
}

fn fixture(dir: &Path) -> (PathBuf, PathBuf) {
    let lex = dir.join("test.tema");
    fs::write(&lex, LEXICON).unwrap();
    let (fnr, wrong) = fnr_pair();
    let jsonl = [
        serde_json::json!({"id": "a1", "text": "Det er stor mangel på boliger i kommunen."}),
        serde_json::json!({"id": "a2", "text": "Tolken kom ikke.\nVi trenger bolig og en tolk som kan dari."}),
        serde_json::json!({"id": "a3", "text": "Ingenting å si."}),
        serde_json::json!({"id": "a4", "text": format!("Ring 22 33 44 55, skriv til kari@nav.no, fnr {fnr}, sak {wrong}: boligen er for liten.")}),
    ];
    let input = dir.join("svar.jsonl");
    fs::write(
        &input,
        jsonl
            .iter()
            .map(|v| v.to_string() + "\n")
            .collect::<String>(),
    )
    .unwrap();
    (lex, input)
}

fn run(args: &[&str]) -> (String, tempfile::TempDir) {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("kwic")
        .arg(args[0])
        .arg(&input)
        .args(&args[1..])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    (String::from_utf8(out).unwrap(), d)
}

fn jsonl(args: &[&str]) -> Vec<Value> {
    let mut a = args.to_vec();
    a.extend(["--format", "jsonl"]);
    run(&a)
        .0
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn theme_lists_every_hit_in_input_order_with_the_rule() {
    let rows = jsonl(&["bolig"]);
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                r["match"].as_str().unwrap(),
                r["rule"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("a1", "boliger", "bolig*"),
            ("a2", "bolig", "bolig*"),
            ("a4", "boligen", "bolig*")
        ]
    );
    assert!(rows.iter().all(|r| r["theme"] == "bolig"));
}

#[test]
fn plain_text_is_aligned_on_the_match() {
    let (out, _d) = run(&["tolk", "--width", "20"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    // Left context right-aligned to 20 chars, so every match starts in column 21.
    for l in &lines {
        assert_eq!(l.chars().nth(20), Some('['), "{l}");
    }
    assert!(
        lines[0].starts_with(&format!("{:20}[Tolken] kom ikke. Vi trenge  ", "")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("trenger bolig og en [tolk] som kan dari."),
        "{}",
        lines[1]
    );
    // The newline in the answer is shown as a space; id and rule end the line.
    assert!(
        lines[0].ends_with("  a2  tolk*") && lines[1].ends_with("  a2  tolk*"),
        "{out}"
    );
    // The id column lines up.
    assert_eq!(lines[0].find("  a2"), lines[1].find("  a2"));
}

#[test]
fn term_pattern_uses_the_lexicon_syntax() {
    // `mangel på bolig*` is a phrase; the theme "bolig" does not come into it.
    let rows = jsonl(&["mangel på bolig*"]);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["match"], "mangel på boliger");
    assert_eq!(rows[0]["left"], "Det er stor ");
    assert_eq!(rows[0]["theme"], "");
    // A regex term.
    let rows = jsonl(&["/\\d{2} \\d{2}/"]);
    assert_eq!(rows[0]["match"], "22 33");
    // --term searches the word even when a theme has that id.
    let theme = jsonl(&["bolig"]);
    let word = jsonl(&["bolig", "--term"]);
    assert_eq!(theme.len(), 3);
    assert_eq!(
        word.iter()
            .map(|r| r["match"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["boliger", "bolig", "boligen"]
    );
    assert_eq!(word[0]["rule"], "bolig");
}

#[test]
fn offsets_slice_the_original_answer() {
    let d = tempfile::tempdir().unwrap();
    let (_, input) = fixture(d.path());
    let texts: Vec<String> = fs::read_to_string(input)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["text"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for r in jsonl(&["tolk"]).iter().chain(&jsonl(&["bolig"])) {
        let i: usize = r["id"].as_str().unwrap()[1..].parse::<usize>().unwrap() - 1;
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&texts[i][s..e], r["match"].as_str().unwrap());
        assert_eq!(r["line"].as_u64().unwrap() as usize, i + 1);
    }
}

#[test]
fn csv_and_tsv_have_a_header_and_one_row_per_hit() {
    let (out, _d) = run(&["bolig", "--format", "csv"]);
    let mut r = csv::Reader::from_reader(out.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        vec!["id", "line", "left", "match", "right", "theme", "rule", "start", "end"]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(&rows[0][3], "boliger");
    let (out, _d) = run(&["bolig", "--format", "tsv"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines.iter().all(|l| l.split('\t').count() == 9), "{out}");
}

#[test]
fn sorting_and_width() {
    let rows = jsonl(&["bolig", "--sort", "match"]);
    let m: Vec<&str> = rows.iter().map(|r| r["match"].as_str().unwrap()).collect();
    assert_eq!(m, vec!["bolig", "boligen", "boliger"]);
    let rows = jsonl(&["bolig", "--width", "5"]);
    for r in &rows {
        assert!(
            r["left"].as_str().unwrap().chars().count() <= 5
                && r["right"].as_str().unwrap().chars().count() <= 5,
            "{r}"
        );
    }
    assert_eq!(rows[0]["left"], "l på ");
}

#[test]
fn redact_hides_valid_fnr_phone_and_email_but_not_other_numbers() {
    let (fnr, wrong) = fnr_pair();
    let plain = jsonl(&["bolig", "--width", "200"]);
    let left = plain[2]["left"].as_str().unwrap();
    assert!(
        left.contains("22 33 44 55") && left.contains(&fnr),
        "{left}"
    );
    let red = jsonl(&["bolig", "--width", "200", "--redact"]);
    assert_eq!(
        red[2]["left"],
        format!("Ring [TLF], skriv til [EPOST], fnr [FNR], sak {wrong}: ")
    );
    assert_eq!(red[2]["match"], "boligen");
    // Offsets still point into the original answer.
    assert_eq!(red[2]["start"], plain[2]["start"]);
    let (text, _d) = run(&["bolig", "--redact"]);
    assert!(
        !text.contains(&fnr) && !text.contains("kari@nav.no") && !text.contains("44 55"),
        "{text}"
    );
}

#[test]
fn a_match_inside_personal_data_is_redacted_too() {
    let rows = jsonl(&["/\\d{2} \\d{2}/", "--redact"]);
    let m: Vec<&str> = rows.iter().map(|r| r["match"].as_str().unwrap()).collect();
    assert_eq!(
        m,
        vec!["[TLF]", "[TLF]"],
        "22 33 and 44 55 are both inside the phone number"
    );
}

#[test]
fn bad_pattern_is_a_lexicon_error() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let a = tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("kwic")
        .arg("/(unclosed/")
        .arg(&input)
        .assert()
        .code(4);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("invalid term pattern `/(unclosed/`")
            && err.contains("invalid regular expression"),
        "{err}"
    );
    tema().arg("kwic").arg("{,en").arg(&input).assert().code(4);
}

#[test]
fn output_file_is_written_and_never_over_the_input() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("kwic.csv");
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("kwic")
        .arg("tolk")
        .arg(&input)
        .args(["--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert_eq!(fs::read_to_string(&out).unwrap().lines().count(), 3);
    let before = fs::read(&input).unwrap();
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("kwic")
        .arg("tolk")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .assert()
        .code(5);
    assert_eq!(fs::read(&input).unwrap(), before);
}

#[test]
fn default_lexicon_theme_on_the_example() {
    let out = tema()
        .args(["kwic", "nav", "examples/svar.csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines()
            .all(|l| l.contains("[NAV]") && l.trim_end().ends_with("2  =NAV")),
        "{out}"
    );
}
