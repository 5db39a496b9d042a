//! The `tema` binary run as a process: outputs, exit codes and error messages.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn tag_jsonl_has_id_themes_and_hits_that_slice_the_text() {
    let out = tema().args(["tag", "examples/svar.csv"]).assert().success().get_output().stdout.clone();
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 20);
    let first = &rows[0];
    assert_eq!(first["id"], "1");
    assert_eq!(first["kommune"], "Bergen");
    let themes: Vec<&str> = first["themes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(themes.contains(&"bolig"), "{first}");
    let mut sorted = themes.clone();
    sorted.sort();
    assert_eq!(themes, sorted, "themes are sorted ids");
    for row in &rows {
        let text = row["svar"].as_str().unwrap();
        for h in row["hits"].as_array().unwrap() {
            let (s, e) = (h["start"].as_u64().unwrap() as usize, h["end"].as_u64().unwrap() as usize);
            assert_eq!(&text[s..e], h["text"].as_str().unwrap());
            let (cs, ce) = (h["char_start"].as_u64().unwrap() as usize, h["char_end"].as_u64().unwrap() as usize);
            let by_chars: String = text.chars().skip(cs).take(ce - cs).collect();
            assert_eq!(by_chars, h["text"].as_str().unwrap());
            assert!(h["rule"].as_str().is_some_and(|r| !r.is_empty()));
        }
    }
    // the trap: "tolke regelverket" is not tolk
    let six = &rows[5];
    assert!(!six["themes"].as_array().unwrap().iter().any(|t| t == "tolk"), "{six}");
}

#[test]
fn tag_csv_has_kept_columns_themes_and_flags() {
    let out = tema().args(["tag", "examples/svar.csv", "--format", "csv"]).assert().success().get_output().stdout.clone();
    let mut r = csv::Reader::from_reader(out.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(&header[..7], &["id", "respondent_id", "kommune", "rolle", "svar", "themes", "missing"]);
    assert!(header.contains(&"bolig".to_string()) && header.contains(&"ukraina".to_string()));
    assert_eq!(header.last().unwrap(), "evidence");
    let bolig = header.iter().position(|h| h == "bolig").unwrap();
    let theme_cols = 7..header.len() - 1;
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 20);
    assert_eq!(&rows[0][bolig], "1");
    for row in &rows {
        let themes: Vec<&str> = row[5].split(';').filter(|s| !s.is_empty()).collect();
        let flags = theme_cols.clone().filter(|i| &row[*i] == "1").count();
        assert_eq!(themes.len(), flags, "themes column agrees with the 0/1 columns");
    }
}

#[test]
fn count_numbers_add_up() {
    let out = tema().args(["count", "examples/svar.csv", "--format", "json"]).assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let total = &v["total"];
    assert_eq!(total["n"], 18, "20 rows, one empty answer and one \"Ingen kommentar.\"");
    assert_eq!(total["missing"], 2);
    let themes = total["themes"].as_array().unwrap();
    assert_eq!(themes.len(), 18);
    assert!(total["no_theme"].as_u64().unwrap() >= 1, "\"Fungerer greit.\" has no theme");
    for t in themes {
        let share = t["share"].as_f64().unwrap();
        assert!((share - t["answers"].as_f64().unwrap() / 18.0).abs() < 1e-9);
    }
}

#[test]
fn count_table_and_crosstab() {
    tema()
        .args(["count", "examples/svar.csv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("bolig").and(predicate::str::contains("(no theme)")).and(predicate::str::contains("18")));
    let out = tema().args(["count", "examples/svar.csv", "--by", "rolle", "--format", "csv"]).assert().success().get_output().stdout.clone();
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), vec!["rolle", "theme", "label", "answers", "share", "n", "missing"]);
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    // per group n adds up to the total n
    let mut group_n = std::collections::BTreeMap::new();
    for row in &rows {
        group_n.insert(row[0].to_string(), row[5].parse::<usize>().unwrap());
    }
    let total = group_n.remove("(total)").unwrap();
    assert_eq!(group_n.values().sum::<usize>(), total);
    tema().args(["count", "examples/svar.csv", "--by", "fylke"]).assert().code(3).stderr(predicate::str::contains("fylke"));
}

#[test]
fn text_and_jsonl_input_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let txt = dir.path().join("svar.txt");
    fs::write(&txt, "Mangel på boliger\n\nsamarbeidet med nav er tungt\n").unwrap();
    let out = tema().arg("tag").arg(&txt).assert().success().get_output().stdout.clone();
    let rows = jsonl(&out);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["themes"][0], "bolig");
    assert_eq!(rows[2]["id"], "3");
    assert_eq!(rows[2]["themes"][0], "nav");

    let out = tema()
        .args(["tag", "-", "--input-format", "jsonl"])
        .write_stdin("{\"id\": \"a\", \"text\": \"for få kvalifiserte tolkar\"}\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(jsonl(&out)[0]["themes"][0], "tolk");
    assert_eq!(jsonl(&out)[0]["id"], "a");
}

#[test]
fn explain_shows_hits_and_vetoes() {
    tema()
        .args(["explain", "Vi må tolke regelverket, men vi mangler tolker."])
        .assert()
        .success()
        .stdout(predicate::str::contains("vetoed").and(predicate::str::contains("themes: tolk")));
    let out = tema().args(["explain", "NAV-kontoret", "--format", "json"]).assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["themes"][0], "nav");
    assert_eq!(v["tokens"][0]["text"], "NAV-kontoret");
}

#[test]
fn eval_prints_scores_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.jsonl");
    fs::write(
        &gold,
        "{\"id\":\"1\",\"text\":\"Mangel på boliger\",\"labels\":[\"bolig\"]}\n{\"id\":\"2\",\"text\":\"Ingen kommentar\",\"labels\":[\"nav\"]}\n",
    )
    .unwrap();
    tema()
        .arg("eval")
        .arg("--gold")
        .arg(&gold)
        .assert()
        .success()
        .stdout(predicate::str::contains("fn nav").and(predicate::str::contains("macro")));
    let out = tema().arg("eval").arg("--gold").arg(&gold).args(["--format", "json"]).assert().success().get_output().stdout.clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let bolig = v["themes"].as_array().unwrap().iter().find(|t| t["theme"] == "bolig").unwrap();
    assert_eq!(bolig["tp"], 1);
    assert_eq!(bolig["precision"], 1.0);
    let nav = v["themes"].as_array().unwrap().iter().find(|t| t["theme"] == "nav").unwrap();
    assert_eq!(nav["fn"], 1);
    assert_eq!(nav["recall"], 0.0);
}

#[test]
fn lexicon_check_default_passes_and_broken_lexicon_names_file_line_rule() {
    tema().args(["lexicon", "check"]).assert().success().stdout(predicate::str::contains("18 themes"));
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("bad.tema");
    fs::write(&lex, "theme bolig\nnb Bolig\nterm bolig*\nterm bo*lig\n").unwrap();
    tema()
        .args(["lexicon", "check"])
        .arg(&lex)
        .assert()
        .code(4)
        .stderr(predicate::str::contains("bad.tema:4:").and(predicate::str::contains("bo*lig")));
    // the same error when the lexicon is used for coding, and no output
    tema().arg("--lexicon").arg(&lex).args(["tag", "examples/svar.csv"]).assert().code(4).stdout("");
}

/// With several things wrong, the error is the one met first when checked in
/// this order: lexicon (4), usage (2), input (3). The lexicon is compiled while the
/// input is opened, which must not change this, nor print the input's notes.
#[test]
fn a_bad_lexicon_is_reported_before_bad_usage_or_input_and_without_notes() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("bad.tema");
    fs::write(&lex, "theme bolig\nnb Bolig\nterm bolig*\nterm bo*lig\n").unwrap();
    // Windows-1252: opening it on its own prints a note that the encoding was guessed.
    let latin = dir.path().join("latin.csv");
    fs::write(&latin, b"id;svar\n1;Mangel p\xE5 boliger\n".as_slice()).unwrap();
    let out = dir.path().join("out.csv");
    for cmd in ["tag", "count"] {
        for input in [latin.to_str().unwrap(), "does/not/exist.csv", "-"] {
            tema()
                .arg("--lexicon")
                .arg(&lex)
                .args([cmd, input, "-o"])
                .arg(&out)
                .write_stdin("svar\nbolig\n")
                .assert()
                .code(4)
                .stdout("")
                .stderr(predicate::str::contains("bad.tema:4:").and(predicate::str::contains("note:").not()));
            assert!(!out.exists(), "no output with a bad lexicon");
        }
        // a usage error (xlsx to stdout) as well: still the lexicon
        tema().arg("--lexicon").arg(&lex).args([cmd, "does/not/exist.csv", "--format", "xlsx"]).assert().code(4);
        // a good lexicon: usage before input, then input, and the note once all is fine
        tema().args([cmd, "does/not/exist.csv", "--format", "xlsx"]).assert().code(2).stderr(predicate::str::contains("exist").not());
        tema().args([cmd, "does/not/exist.csv"]).assert().code(3).stderr(predicate::str::contains("does/not/exist.csv: file not found"));
        let noted = tema().args([cmd]).arg(&latin).assert().success().get_output().stderr.clone();
        let noted = String::from_utf8(noted).unwrap();
        assert_eq!(noted.matches("note:").count(), 1, "{noted}");
        assert!(noted.contains("latin.csv is not UTF-8"), "{noted}");
    }
}

#[test]
fn lexicon_check_reports_failing_examples_and_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("x.tema");
    fs::write(&lex, "theme bolig\nterm bolig*\nterm bolig\nmust Vi har ingen hus\nmustnot Mangel på boliger\n").unwrap();
    tema()
        .args(["lexicon", "check"])
        .arg(&lex)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("redundant").and(predicate::str::contains("x.tema:4: example must be coded")));
}

#[test]
fn custom_lexicon_replaces_the_default() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("mine.tema");
    fs::write(&lex, "theme hus\nnb Hus\nterm hus*\n").unwrap();
    let out = tema().arg("--lexicon").arg(&lex).args(["tag", "-", "--input-format", "text"]).write_stdin("husleie og bolig\n").assert().success().get_output().stdout.clone();
    let v = &jsonl(&out)[0];
    assert_eq!(v["themes"], serde_json::json!(["hus"]));
}

#[test]
fn bad_input_gives_file_line_column_and_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    // Valid UTF-8 ("ø") and then a stray Latin-1 byte: mixed, so an error, not
    // a Windows-1252 guess.
    let mut bytes = "id,svar\n1,økt\n2,bolig p".as_bytes().to_vec();
    bytes.push(0xE5); // Latin-1 å
    bytes.extend_from_slice(b"\n");
    fs::write(&bad, &bytes).unwrap();
    let out = dir.path().join("out.jsonl");
    tema()
        .arg("tag")
        .arg(&bad)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("bad.csv:3:10").and(predicate::str::contains("UTF-8")));
    assert!(!out.exists(), "no partial output");

    let ragged = dir.path().join("ragged.csv");
    fs::write(&ragged, "id;svar\n1;bolig\n2;nav;ekstra\n").unwrap();
    tema().arg("tag").arg(&ragged).assert().code(3).stdout("").stderr(predicate::str::contains("ragged.csv:3"));

    let empty = dir.path().join("empty.csv");
    fs::write(&empty, "").unwrap();
    tema().arg("count").arg(&empty).assert().code(3).stderr(predicate::str::contains("empty"));

    tema()
        .args(["tag", "examples/svar.csv", "--text-column", "tekst"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(predicate::str::contains("\"tekst\" not found").and(predicate::str::contains("svar")));

    tema().args(["tag", "does/not/exist.csv"]).assert().code(3).stderr(predicate::str::contains("does/not/exist.csv"));
}

#[test]
fn output_file_is_written_and_never_over_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("svar.txt");
    fs::write(&input, "mangel på bustader\n").unwrap();
    let out = dir.path().join("kodet.csv");
    tema().arg("tag").arg(&input).args(["--format", "csv", "-o"]).arg(&out).assert().success().stdout("");
    assert!(fs::read_to_string(&out).unwrap().contains("bolig"));
    tema().arg("tag").arg(&input).arg("-o").arg(&input).assert().code(5);
    assert_eq!(fs::read_to_string(&input).unwrap(), "mangel på bustader\n");
}

/// A regular expression that is valid syntax but too large to build is a lexicon error
/// with file, line and rule, like a syntax error: for coding and for `lexicon check`.
#[test]
fn a_regex_too_large_to_build_names_file_line_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let lex = dir.path().join("big.tema");
    fs::write(&lex, "theme bolig\nnb Bolig\nterm bolig*\nterm /(?i)\\w{1000}{1000}/\n").unwrap();
    let names = || {
        predicate::str::contains("big.tema:4:")
            .and(predicate::str::contains("invalid regular expression"))
            .and(predicate::str::contains("\\w{1000}{1000}"))
    };
    tema().arg("--lexicon").arg(&lex).args(["count", "examples/svar.csv"]).assert().code(4).stdout("").stderr(names());
    tema().args(["lexicon", "check"]).arg(&lex).assert().code(4).stderr(names());
}
