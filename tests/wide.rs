//! Wide exports (several open questions per row) and long exports (a question column),
//! end to end through the binary: counts, tag output and the report are per question.

use assert_cmd::Command;
use std::path::Path;

const WIDE: &str = "id;rolle;q1;q2\n\
1;leder;Mangel på boliger;Bedre samarbeid med NAV\n\
2;leder;For få tolkar;vet ikke\n\
3;rådgiver;;Mer kartlegging av kompetanse\n\
4;rådgiver;Boligmangel og lite tolk;-\n\
5;rådgiver;Vi har ingen store utfordringar;Bustader til store familiar\n";

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

fn write(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

/// Parses `count --format csv` rows into (question, theme, answers, n, missing).
fn count_rows(csv: &str) -> Vec<(String, String, usize, usize, usize)> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    let (q, t, a, n, m) = (col("question"), col("theme"), col("answers"), col("n"), col("missing"));
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[q].to_string(), f[t].to_string(), f[a].parse().unwrap(), f[n].parse().unwrap(), f[m].parse().unwrap())
        })
        .collect()
}

fn get(rows: &[(String, String, usize, usize, usize)], q: &str, theme: &str) -> (usize, usize, usize) {
    let r = rows.iter().find(|r| r.0 == q && r.1 == theme).unwrap_or_else(|| panic!("no row {q}/{theme}"));
    (r.2, r.3, r.4)
}

#[test]
fn wide_export_counts_per_question() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "wide.csv", WIDE);
    let out = tema().args(["count", &input, "--text-column", "q*", "--format", "csv"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = count_rows(&String::from_utf8(out.stdout).unwrap());
    // q1: 4 answered (row 3 empty), bolig in rows 1 and 4, tolk in rows 2 and 4, row 5 uncoded.
    assert_eq!(get(&rows, "q1", "bolig"), (2, 4, 1));
    assert_eq!(get(&rows, "q1", "tolk"), (2, 4, 1));
    assert_eq!(get(&rows, "q1", "(no theme)").0, 1);
    // q2: "vet ikke" and "-" are missing; NAV, kartlegging, bustader (Nynorsk) answered.
    assert_eq!(get(&rows, "q2", "nav"), (1, 3, 2));
    assert_eq!(get(&rows, "q2", "kartlegging"), (1, 3, 2));
    assert_eq!(get(&rows, "q2", "bolig"), (1, 3, 2));
    assert_eq!(get(&rows, "q2", "tolk").0, 0);
}

#[test]
fn wide_export_listed_columns_and_tag_carries_question() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "wide.csv", WIDE);
    let out = tema().args(["tag", &input, "--text-column", "q2,q1"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 10, "one record per row and question");
    // Order: per row, the questions in the order given.
    assert_eq!(lines[0]["question"], "q2");
    assert_eq!(lines[1]["question"], "q1");
    assert_eq!(lines[1]["answer"], "Mangel på boliger");
    assert_eq!(lines[1]["themes"], serde_json::json!(["bolig"]));
    assert_eq!(lines[2]["missing"], true, "\"vet ikke\" is a missing answer");
}

#[test]
fn wide_glob_matching_nothing_lists_columns() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "wide.csv", WIDE);
    let out = tema().args(["count", &input, "--text-column", "spm*"]).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wide.csv") && err.contains("q1") && err.contains("rolle"), "{err}");
}

#[test]
fn long_export_counts_per_question_column_value() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "long.csv",
        "respondent,spm,svar\n1,q12,Mangel på boliger\n1,q14,Mer tolking\n2,q12,Lite kartlegging\n2,q14,nei\n3,q12,Bustadmangel\n",
    );
    let out = tema()
        .args(["count", &input, "--text-column", "svar", "--question-column", "spm", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = count_rows(&String::from_utf8(out.stdout).unwrap());
    assert_eq!(get(&rows, "q12", "bolig"), (2, 3, 0));
    assert_eq!(get(&rows, "q12", "kartlegging"), (1, 3, 0));
    assert_eq!(get(&rows, "q14", "tolk"), (1, 1, 1));
}

#[test]
fn report_on_wide_export_has_a_section_per_question() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "wide.csv", WIDE);
    let out_dir = dir.path().join("rapport");
    let out = tema()
        .args(["report", &input, "--text-column", "q*", "--by", "rolle", "--lang", "en", "--date", "2026-01-31", "-o"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    let q1 = md.find("q1").expect("q1 section");
    let q2 = md.find("q2").expect("q2 section");
    assert!(q1 < q2, "questions in input order");
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(html.contains("q1") && html.contains("q2") && html.contains("<svg"));
}

#[test]
fn bundled_workbook_codes_both_questions() {
    let out = tema()
        .args(["count", "examples/undersokelse.xlsx", "--text-column", "q1*", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows = count_rows(&String::from_utf8(out.stdout).unwrap());
    let questions: std::collections::BTreeSet<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(questions.len(), 2, "{questions:?}");
    for q in questions {
        // Per question: answered + missing = rows in the sheet (40 respondents).
        let (_, n, missing) = get(&rows, q, "bolig");
        assert_eq!(n + missing, 40, "{q}");
    }
}
