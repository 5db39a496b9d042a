//! Outputs of `tema tag` and `tema count` (and `-o` everywhere), run as a process:
//! numbers that add up with missing answers, xlsx workbooks read back, CSV for
//! Excel, atomic output files, usage errors, and a quiet stderr.

use assert_cmd::Command;
use calamine::{open_workbook, Data, Reader, Xlsx};
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

fn jsonl(out: &[u8]) -> Vec<Value> {
    String::from_utf8(out.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A survey export with real answers, blanks and missing markers in several spellings.
const SURVEY: &str = "respondent;rolle;svar
1;NAV;Det er for få boliger og husleien er høy.
2;NAV;-
3;skole;Vet ikke.
4;skole;Samarbeidet med NAV fungerer, men vi mangler tolker.
5;NAV;
6;skole;Fungerer greit.
7;helse;Ingen kommentar
8;helse;NEI!
9;helse;Barna trenger mer oppfølging i barnehagen.
10;NAV;ingen formening
11;skole;=SUM(A1:A2) bolig
";

fn fixture(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, body).unwrap();
    p
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn count_json(args: &[&str], input: &Path) -> Value {
    let out = tema()
        .arg("count")
        .arg(input)
        .args(["--format", "json"])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out).unwrap()
}

fn tag_rows(args: &[&str], input: &Path) -> Vec<Value> {
    jsonl(
        &tema()
            .arg("tag")
            .arg(input)
            .args(args)
            .assert()
            .success()
            .get_output()
            .stdout,
    )
}

/// Checks that a count agrees with the tagged answers, and adds up.
fn assert_adds_up(total: &Value, rows: &[Value]) {
    let n = total["n"].as_u64().unwrap() as usize;
    let missing = total["missing"].as_u64().unwrap() as usize;
    let no_theme = total["no_theme"].as_u64().unwrap() as usize;
    assert_eq!(
        n + missing,
        rows.len(),
        "every answer is answered or missing"
    );
    let tagged_missing = rows.iter().filter(|r| r["missing"] == true).count();
    assert_eq!(missing, tagged_missing);
    let answered: Vec<&Value> = rows.iter().filter(|r| r["missing"] == false).collect();
    let coded = answered
        .iter()
        .filter(|r| !r["themes"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(
        coded + no_theme,
        n,
        "every answered answer is coded or \"no theme\""
    );
    assert!(
        rows.iter()
            .filter(|r| r["missing"] == true)
            .all(|r| r["themes"].as_array().unwrap().is_empty()),
        "missing answers are never coded"
    );
    for t in total["themes"].as_array().unwrap() {
        let id = t["theme"].as_str().unwrap();
        let with = answered
            .iter()
            .filter(|r| r["themes"].as_array().unwrap().iter().any(|x| x == id))
            .count();
        assert_eq!(t["answers"].as_u64().unwrap() as usize, with, "{id}");
        let share = t["share"].as_f64().unwrap();
        assert!(
            (share - with as f64 / n as f64).abs() < 1e-12,
            "{id}: share of N"
        );
    }
}

#[test]
fn counts_add_up_with_missing_markers() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let v = count_json(&[], &input);
    let total = &v["total"];
    // "-", "Vet ikke.", "", "Ingen kommentar", "NEI!" are missing by default.
    assert_eq!(total["missing"], 5);
    assert_eq!(total["n"], 6);
    assert_eq!(v["question"], "svar");
    assert_adds_up(total, &tag_rows(&[], &input));

    // Per group, too: the groups add up to the total.
    let v = count_json(&["--by", "rolle"], &input);
    let groups = v["by"]["groups"].as_array().unwrap();
    let names: Vec<&str> = groups
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["NAV", "skole", "helse"], "first-seen order");
    for key in ["n", "missing", "no_theme"] {
        let sum: u64 = groups.iter().map(|g| g[key].as_u64().unwrap()).sum();
        assert_eq!(sum, v["total"][key].as_u64().unwrap(), "{key}");
    }
    assert_eq!(groups[0]["missing"], 2, "NAV: \"-\" and a blank");
}

#[test]
fn missing_option_replaces_the_default_markers() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let args = ["--missing", "ingen formening,-"];
    let v = count_json(&args, &input);
    let total = &v["total"];
    // Now missing: "-", the blank, "ingen formening"; "Vet ikke." and "NEI!" are answers.
    assert_eq!(total["missing"], 3);
    assert_eq!(total["n"], 8);
    let rows = tag_rows(&args, &input);
    assert_eq!(
        rows[2]["missing"], false,
        "vet ikke is an answer with this list"
    );
    assert_eq!(rows[9]["missing"], true);
    assert_adds_up(total, &rows);
}

#[test]
fn counts_add_up_across_many_batches_in_input_order() {
    // More answers than one batch (8192), so batches are stitched together.
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        "mangel på boliger",
        "vet ikke",
        "tolk og nav",
        "",
        "fungerer fint",
        "barnehage og skole",
    ];
    let body: String = (0..20_000)
        .map(|i| format!("{}\n", lines[i % lines.len()]))
        .collect();
    let input = fixture(dir.path(), "mange.txt", &body);
    let rows = tag_rows(&["--quiet"], &input);
    assert_eq!(rows.len(), 20_000);
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r["id"], (i + 1).to_string(), "input order");
        assert_eq!(r["text"], lines[i % lines.len()]);
    }
    let v = count_json(&[], &input);
    assert_adds_up(&v["total"], &rows);
    assert_eq!(v["total"]["missing"], 2 * 20_000 / 6 + 1);
}

fn sheet(path: &Path, name: &str) -> Vec<Vec<Data>> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.worksheet_range(name)
        .unwrap()
        .rows()
        .map(|r| r.to_vec())
        .collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("expected text, got {other:?}"),
    }
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("expected a number, got {other:?}"),
    }
}

/// One file of the xlsx zip, as text.
fn xlsx_part(path: &Path, part: &str) -> String {
    let mut zip = zip::ZipArchive::new(fs::File::open(path).unwrap()).unwrap();
    let mut s = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut s).unwrap();
    s
}

#[test]
fn tag_xlsx_has_answers_counts_and_crosstab_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let out = dir.path().join("kodet.xlsx");
    tema()
        .arg("tag")
        .arg(&input)
        .args(["--by", "rolle", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("")
        .stderr("");

    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["Answers", "Counts", "By rolle"]);

    let answers = sheet(&out, "Answers");
    let header: Vec<String> = answers[0].iter().map(text).collect();
    assert_eq!(
        &header[..6],
        ["id", "respondent", "rolle", "svar", "themes", "missing"]
    );
    assert_eq!(header.last().unwrap(), "evidence");
    assert_eq!(answers.len(), 12, "header + 11 answers");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let first = &answers[1];
    assert_eq!(
        text(&first[col("svar")]),
        "Det er for få boliger og husleien er høy."
    );
    assert_eq!(num(&first[col("bolig")]), 1.0, "flags are numbers");
    assert_eq!(num(&first[col("nav")]), 0.0);
    assert_eq!(num(&first[col("missing")]), 0.0);
    assert!(
        text(&first[col("evidence")]).contains("bolig: \"boliger\" ("),
        "{:?}",
        first[col("evidence")]
    );
    assert_eq!(num(&answers[2][col("missing")]), 1.0, "\"-\" is missing");
    assert_eq!(
        text(&answers[11][col("svar")]),
        "=SUM(A1:A2) bolig",
        "written as text, never as a formula"
    );
    for row in &answers[1..] {
        let themes: Vec<String> = text(&row[col("themes")])
            .split(';')
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let flagged: Vec<String> = (col("missing") + 1..header.len() - 1)
            .filter(|&i| num(&row[i]) == 1.0)
            .map(|i| header[i].clone())
            .collect();
        let mut sorted = themes.clone();
        sorted.sort();
        let mut flagged_sorted = flagged.clone();
        flagged_sorted.sort();
        assert_eq!(
            sorted, flagged_sorted,
            "themes list agrees with the 0/1 columns"
        );
    }

    // The Counts sheet agrees with `tema count`.
    let v = count_json(&[], &input);
    let counts = sheet(&out, "Counts");
    let ch: Vec<String> = counts[0].iter().map(text).collect();
    assert_eq!(ch, ["theme", "label", "answers", "share", "N", "missing"]);
    let themes = v["total"]["themes"].as_array().unwrap();
    assert_eq!(counts.len(), 1 + themes.len() + 1);
    for (row, t) in counts[1..].iter().zip(themes) {
        assert_eq!(text(&row[0]), t["theme"].as_str().unwrap());
        assert_eq!(num(&row[2]), t["answers"].as_f64().unwrap());
        assert!(
            (num(&row[3]) - t["share"].as_f64().unwrap()).abs() < 1e-12,
            "share is a real number"
        );
        assert_eq!(num(&row[4]), 6.0);
        assert_eq!(num(&row[5]), 5.0);
    }
    assert_eq!(text(&counts[counts.len() - 1][0]), "(no theme)");
    assert_eq!(
        num(&counts[counts.len() - 1][2]),
        v["total"]["no_theme"].as_f64().unwrap()
    );

    // Crosstab: groups across, N and missing rows.
    let cross = sheet(&out, "By rolle");
    let xh: Vec<String> = cross[0].iter().map(text).collect();
    assert_eq!(
        xh,
        [
            "theme", "label", "NAV", "NAV %", "skole", "skole %", "helse", "helse %", "total",
            "total %"
        ]
    );
    let n_row = cross.iter().find(|r| text(&r[0]) == "N").unwrap();
    assert_eq!(
        (
            num(&n_row[2]) + num(&n_row[4]) + num(&n_row[6]),
            num(&n_row[8])
        ),
        (6.0, 6.0)
    );
    let missing_row = cross.iter().find(|r| text(&r[0]) == "missing").unwrap();
    assert_eq!(num(&missing_row[8]), 5.0);

    // Formatting: % number format, bold frozen header, autofilter.
    let styles = xlsx_part(&out, "xl/styles.xml");
    assert!(styles.contains("formatCode=\"0.0%\""), "{styles}");
    assert!(styles.contains("<b/>"), "a bold font");
    for part in [
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet3.xml",
    ] {
        let xml = xlsx_part(&out, part);
        assert!(
            xml.contains("state=\"frozen\"") && xml.contains("ySplit=\"1\""),
            "{part}: frozen header"
        );
        assert!(xml.contains("<autoFilter ref=\"A1:"), "{part}: autofilter");
        assert!(xml.contains("<col "), "{part}: column widths");
    }
    assert!(
        xlsx_part(&out, "xl/worksheets/sheet1.xml").contains("<autoFilter ref=\"A1:")
            && !files_in(dir.path()).iter().any(|f| f.contains(".tmp"))
    );
}

#[test]
fn count_xlsx_has_counts_and_crosstab() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let out = dir.path().join("tall.xlsx");
    // The format follows the extension of -o.
    tema()
        .arg("count")
        .arg(&input)
        .args(["--by", "rolle", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let wb: Xlsx<_> = open_workbook(&out).unwrap();
    assert_eq!(wb.sheet_names(), ["Counts", "By rolle"]);
    let counts = sheet(&out, "Counts");
    let v = count_json(&["--by", "rolle"], &input);
    let themes = v["total"]["themes"].as_array().unwrap();
    for (row, t) in counts[1..].iter().zip(themes) {
        assert_eq!(text(&row[0]), t["theme"].as_str().unwrap());
        assert_eq!(num(&row[2]), t["answers"].as_f64().unwrap());
        assert_eq!((num(&row[4]), num(&row[5])), (6.0, 5.0), "N and missing");
    }
    // Crosstab: each group's count of a theme matches `count --format json`.
    let cross = sheet(&out, "By rolle");
    let groups = v["by"]["groups"].as_array().unwrap();
    for (row, ti) in cross[1..].iter().zip(0..themes.len()) {
        for (gi, g) in groups.iter().enumerate() {
            assert_eq!(
                num(&row[2 + 2 * gi]),
                g["themes"][ti]["answers"].as_f64().unwrap()
            );
            let share = g["themes"][ti]["share"].as_f64().unwrap();
            assert!((num(&row[3 + 2 * gi]) - share).abs() < 1e-12);
        }
    }
}

#[test]
fn excel_csv_has_bom_semicolons_decimal_comma_and_formula_guard() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let out = tema()
        .arg("tag")
        .arg(&input)
        .args(["--format", "csv", "--excel"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let body = String::from_utf8(out[3..].to_vec()).unwrap();
    assert!(
        body.starts_with("id;respondent;rolle;svar;themes;missing;"),
        "{body}"
    );
    assert!(body.contains("\r\n"));
    assert!(
        body.contains(";'=SUM(A1:A2) bolig;"),
        "formula guarded: {body}"
    );
    assert!(
        body.contains("\r\n2;2;NAV;-;;1;"),
        "a lone - is not guarded: {body}"
    );
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    assert_eq!(r.records().count(), 11);

    // Plain CSV never alters an answer.
    let plain = tema()
        .arg("tag")
        .arg(&input)
        .args(["--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(!plain.starts_with(b"\xEF\xBB\xBF"));
    let plain = String::from_utf8(plain).unwrap();
    assert!(plain.starts_with("id,respondent,rolle,svar,themes,missing,"));
    assert!(plain.contains(",=SUM(A1:A2) bolig,"), "{plain}");

    // Counts: decimal comma in --excel mode (implies --format csv), a point otherwise.
    let out = tema()
        .arg("count")
        .arg(&input)
        .arg("--excel")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    let body = String::from_utf8(out[3..].to_vec()).unwrap();
    let mut r = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    assert_eq!(
        r.headers().unwrap().iter().collect::<Vec<_>>(),
        ["theme", "label", "answers", "share", "n", "missing"]
    );
    let bolig = r
        .records()
        .map(Result::unwrap)
        .find(|row| &row[0] == "bolig")
        .unwrap();
    assert_eq!(&bolig[3], "0,3333", "2 of 6 answered answers");
    let plain = tema()
        .arg("count")
        .arg(&input)
        .args(["--format", "csv"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8(plain)
        .unwrap()
        .contains("bolig,Bolig,2,0.3333,6,5"));
}

#[test]
fn output_files_are_atomic_and_never_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture(dir.path(), "svar.csv", SURVEY);
    // Bad input on line 3: exit 3 and no output file, not even a temporary one.
    let bad = fixture(dir.path(), "bad.csv", "id;svar\n1;bolig\n2;nav;ekstra\n");
    for format in ["jsonl", "csv", "xlsx"] {
        let out = dir.path().join(format!("ut.{format}"));
        tema()
            .arg("tag")
            .arg(&bad)
            .args(["--format", format, "-o"])
            .arg(&out)
            .assert()
            .code(3)
            .stderr(predicate::str::contains("bad.csv:3"));
        assert!(!out.exists(), "{format}");
    }
    tema()
        .arg("count")
        .arg(&bad)
        .arg("-o")
        .arg(dir.path().join("ut.json"))
        .assert()
        .code(3);
    assert_eq!(files_in(dir.path()), ["bad.csv", "svar.csv"]);

    // Never over the input, whatever the command and format; the input is unchanged.
    for args in [
        &["tag"][..],
        &["tag", "--format", "xlsx"],
        &["tag", "--excel"],
        &["count"],
        &["count", "--format", "xlsx"],
    ] {
        tema()
            .args(args)
            .arg(&good)
            .arg("-o")
            .arg(&good)
            .assert()
            .code(5)
            .stderr(predicate::str::contains("same file as the input"));
        assert_eq!(fs::read_to_string(&good).unwrap(), SURVEY);
    }
    let gold = fixture(
        dir.path(),
        "gold.jsonl",
        "{\"id\":\"1\",\"text\":\"for få boliger\",\"labels\":[\"bolig\"]}\n",
    );
    tema()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("-o")
        .arg(&gold)
        .assert()
        .code(5);
    assert!(fs::read_to_string(&gold).unwrap().contains("labels"));
    assert_eq!(files_in(dir.path()), ["bad.csv", "gold.jsonl", "svar.csv"]);

    // An existing output is replaced whole.
    let out = dir.path().join("tall.json");
    fs::write(&out, "old").unwrap();
    tema()
        .arg("count")
        .arg(&good)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["total"]["n"], 6);
}

#[test]
fn explain_and_eval_write_to_o() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("forklaring.json");
    tema()
        .args(["explain", "for få boliger", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["themes"][0], "bolig");

    let gold = fixture(
        dir.path(),
        "gold.jsonl",
        "{\"id\":\"1\",\"text\":\"for få boliger\",\"labels\":[\"bolig\"]}\n",
    );
    let out = dir.path().join("eval.txt");
    tema()
        .args(["eval", "--gold"])
        .arg(&gold)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    assert!(fs::read_to_string(&out).unwrap().contains("micro"));
}

#[test]
fn usage_errors_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    for cmd in ["tag", "count"] {
        tema()
            .arg(cmd)
            .arg(&input)
            .args(["--format", "xlsx"])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("-o/--output"));
        tema()
            .arg(cmd)
            .arg(&input)
            .args(["--format", "json", "--excel"])
            .assert()
            .failure();
    }
    tema()
        .arg("count")
        .arg(&input)
        .args(["--format", "json", "--excel"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--excel"));
    tema()
        .arg("tag")
        .arg(&input)
        .args(["--format", "xlsx", "--excel", "-o", "x.xlsx"])
        .assert()
        .code(2);
    tema()
        .arg("tag")
        .arg(&input)
        .args(["--by", "rolle"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--by"));
    tema()
        .arg("tag")
        .arg(&input)
        .args(["--by", "fylke", "-o"])
        .arg(dir.path().join("x.xlsx"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("fylke"));
    assert_eq!(files_in(dir.path()), ["svar.csv"]);
}

#[test]
fn format_follows_the_output_extension() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture(dir.path(), "svar.csv", SURVEY);
    let csv = dir.path().join("kodet.csv");
    tema()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&csv)
        .assert()
        .success();
    assert!(fs::read_to_string(&csv)
        .unwrap()
        .starts_with("id,respondent,"));
    let xlsx = dir.path().join("kodet.XLSX");
    tema()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&xlsx)
        .assert()
        .success();
    assert!(fs::read(&xlsx).unwrap().starts_with(b"PK"), "a zip (xlsx)");
    let jsonl_out = dir.path().join("kodet.jsonl");
    tema()
        .arg("tag")
        .arg(&input)
        .arg("-o")
        .arg(&jsonl_out)
        .assert()
        .success();
    assert_eq!(jsonl(&fs::read(&jsonl_out).unwrap()).len(), 11);
    // An explicit --format wins over the extension.
    let odd = dir.path().join("kodet.txt.csv");
    tema()
        .arg("tag")
        .arg(&input)
        .args(["--format", "jsonl", "-o"])
        .arg(&odd)
        .assert()
        .success();
    assert!(fs::read_to_string(&odd).unwrap().starts_with('{'));
}

#[test]
fn no_progress_or_notes_on_stderr_when_it_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..10_000)
        .map(|i| format!("svar {i} om boliger\n"))
        .collect();
    let input = fixture(dir.path(), "svar.txt", &body);
    for quiet in [false, true] {
        for cmd in ["tag", "count"] {
            let mut c = tema();
            if quiet {
                c.arg("--quiet");
            }
            c.arg(cmd)
                .arg(&input)
                .arg("-o")
                .arg(dir.path().join(format!("{cmd}.out")))
                .assert()
                .success()
                .stdout("")
                .stderr("");
        }
    }
}
