//! Input formats end to end: fixture files built in a temp dir (xlsx, CSV in
//! several encodings, wide and long exports), read through the binary as a
//! process and through the library's streaming reader.

use std::path::{Path, PathBuf};
use std::time::Instant;

use assert_cmd::Command;
use predicates::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use tema::io::{read_bytes, read_path, Answer, AnswerReader, EncodingSource, ReadOptions};

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

/// `tema tag FILE ARGS --format jsonl`: (id, themes) per answer.
fn tag(file: &Path, args: &[&str]) -> Vec<(String, Vec<String>)> {
    let out = tema()
        .arg("tag")
        .arg(file)
        .args(args)
        .args(["--format", "jsonl"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let themes = v["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect();
            (v["id"].as_str().unwrap().to_string(), themes)
        })
        .collect()
}

/// How many answers have `theme`.
fn count(tagged: &[(String, Vec<String>)], theme: &str) -> usize {
    tagged
        .iter()
        .filter(|(_, t)| t.iter().any(|x| x == theme))
        .count()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn with_text(spec: &str) -> ReadOptions {
    ReadOptions {
        text_column: Some(spec.into()),
        ..opts()
    }
}

fn utf16(s: &str, big_endian: bool) -> Vec<u8> {
    let mut b = if big_endian {
        vec![0xFE, 0xFF]
    } else {
        vec![0xFF, 0xFE]
    };
    for u in s.encode_utf16() {
        b.extend_from_slice(&if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    b
}

/// Three answers: bolig, tolk, and an empty one.
const SURVEY: &str =
    "id;kommune;svar\r\n1;Bodø;Mangel på boliger\r\n2;Ås;Vi trenger flere tolker\r\n3;Vågå;\r\n";

// ---------- text encodings ----------

#[test]
fn csv_in_utf8_with_and_without_bom() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("plain.csv", SURVEY.as_bytes().to_vec()),
        (
            "bom.csv",
            [b"\xEF\xBB\xBF".as_slice(), SURVEY.as_bytes()].concat(),
        ),
    ] {
        let f = write(dir.path(), name, &bytes);
        let t = tag(&f, &[]);
        assert_eq!(t.len(), 3, "{name}");
        assert_eq!((count(&t, "bolig"), count(&t, "tolk")), (1, 1), "{name}");
        let ds = read_path(f.to_str().unwrap(), &opts()).unwrap();
        assert_eq!(
            ds.columns,
            vec!["id", "kommune", "svar"],
            "{name}: BOM not in the first column name"
        );
        assert_eq!(ds.answers[0].fields[1], "Bodø");
    }
}

#[test]
fn utf16_le_and_be_with_bom_excel_unicode_text() {
    let dir = tempfile::tempdir().unwrap();
    let tsv = SURVEY.replace(';', "\t");
    for (name, be) in [("le.txt", false), ("be.csv", true)] {
        let f = write(dir.path(), name, &utf16(&tsv, be));
        let opts_csv = ReadOptions {
            format: Some(tema::io::InputFormat::Csv),
            ..opts()
        };
        let ds = read_path(f.to_str().unwrap(), &opts_csv).unwrap();
        assert_eq!(ds.delimiter, Some(b'\t'), "{name}");
        assert_eq!(ds.answers[1].fields[1], "Ås", "{name}");
        let r = AnswerReader::open(f.to_str().unwrap(), &opts_csv).unwrap();
        assert_eq!(r.encoding(), Some(if be { "UTF-16BE" } else { "UTF-16LE" }));
        assert_eq!(r.encoding_source(), Some(EncodingSource::Bom));
        let t = tag(&f, &["--input-format", "csv"]);
        assert_eq!(
            (t.len(), count(&t, "bolig"), count(&t, "tolk")),
            (3, 1, 1),
            "{name}"
        );
    }
}

#[test]
fn windows_1252_is_detected_with_a_note_or_forced() {
    let dir = tempfile::tempdir().unwrap();
    let bytes =
        b"id;svar\r\n1;Mangel p\xE5 boliger\r\n2;For f\xE5 tolker i B\xF8 og \xC5s\r\n".to_vec();
    let f = write(dir.path(), "latin.csv", &bytes);
    let out = tema().arg("tag").arg(&f).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("not UTF-8") && err.contains("windows-1252"),
        "{err}"
    );
    let t = tag(&f, &["--quiet"]);
    assert_eq!((count(&t, "bolig"), count(&t, "tolk")), (1, 1));
    // --quiet silences the note.
    tema()
        .arg("tag")
        .arg(&f)
        .arg("--quiet")
        .assert()
        .success()
        .stderr("");
    let ds = read_path(f.to_str().unwrap(), &opts()).unwrap();
    assert_eq!(ds.answers[1].text, "For få tolker i Bø og Ås");

    // Forced: a file with no letters outside ASCII in its first bytes.
    let f = write(dir.path(), "forced.csv", b"id;svar\n1;\xABbolig\xBB\n");
    tema()
        .arg("tag")
        .arg(&f)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("forced.csv:2:3"));
    let out = tema()
        .arg("tag")
        .arg(&f)
        .args(["--encoding", "latin1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8(out.stdout).unwrap().contains("«bolig»"));
    assert!(out.stderr.is_empty(), "no note when the encoding is given");
    tema()
        .arg("tag")
        .arg(&f)
        .args(["--encoding", "ebcdic-42"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("unknown encoding"));
}

#[test]
fn mixed_utf8_and_latin1_stays_an_error_at_the_byte() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = "id,svar\n1,blåbær\n".as_bytes().to_vec();
    // Far past the detection prefix, so the error comes mid-stream.
    for i in 2..20_000 {
        bytes.extend_from_slice(format!("{i},bolig i Bodø\n").as_bytes());
    }
    bytes.extend_from_slice(b"20000,bolig p\xE5 \n");
    let f = write(dir.path(), "mixed.csv", &bytes);
    let mut r = AnswerReader::open(f.to_str().unwrap(), &opts()).unwrap();
    let mut got = Vec::new();
    let e = loop {
        match r.next_batch(1000, &mut got) {
            Ok(0) => panic!("no error"),
            Ok(_) => {}
            Err(e) => break e,
        }
    };
    assert_eq!(
        got.len(),
        19_999,
        "answers before the bad line are handed out first"
    );
    assert_eq!((e.line, e.column), (Some(20_001), Some(14)), "{e}");
    assert!(
        e.to_string()
            .contains("mixed.csv:20001:14: invalid UTF-8 (byte 0xE5"),
        "{e}"
    );
    assert!(e.message.contains("--encoding windows-1252"), "{e}");
    tema()
        .arg("count")
        .arg(&f)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("mixed.csv:20001:14"));
}

// ---------- CSV dialects ----------

#[test]
fn semicolon_excel_csv_with_sep_line_and_embedded_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let text = "sep=;\r\nRespId;Kommentar\r\nA1;\"Mangel på boliger;\r\nog for få \"\"tolker\"\"\"\r\n\r\nA2;Samarbeid med NAV, stort sett greit\r\n";
    let f = write(dir.path(), "excel.csv", text.as_bytes());
    let ds = read_path(
        f.to_str().unwrap(),
        &ReadOptions {
            id_column: Some("respid".into()),
            ..opts()
        },
    )
    .unwrap();
    assert_eq!(ds.delimiter, Some(b';'));
    let got: Vec<(&str, &str, u64)> = ds
        .answers
        .iter()
        .map(|a| (a.id.as_str(), a.text.as_str(), a.line))
        .collect();
    assert_eq!(
        got,
        vec![
            ("A1", "Mangel på boliger;\r\nog for få \"tolker\"", 3),
            ("A2", "Samarbeid med NAV, stort sett greit", 6)
        ]
    );
    let t = tag(&f, &["--id-column", "RespId"]);
    assert_eq!(t[0].0, "A1");
    assert!(
        t[0].1.contains(&"bolig".to_string()) && t[0].1.contains(&"tolk".to_string()),
        "{t:?}"
    );
    assert_eq!(t[1].1, vec!["nav"]);
}

#[test]
fn unclosed_quote_far_into_a_file_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,svar\n");
    for i in 1..5000 {
        text.push_str(&format!("{i},\"bolig, og\nmer\"\n"));
    }
    text.push_str("5000,\"aldri lukket\n5001,x\n");
    let f = write(dir.path(), "open.csv", text.as_bytes());
    tema().arg("count").arg(&f).assert().code(3).stderr(
        predicate::str::contains("open.csv:10000:6").and(predicate::str::contains("never closed")),
    );
}

// ---------- Excel ----------

/// A workbook with a "Svar" sheet (text, number, date, datetime, boolean,
/// float and empty cells, and a number in the answer column) and an "Info" sheet.
fn workbook(dir: &Path) -> PathBuf {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let ws = wb.add_worksheet();
    ws.set_name("Svar").unwrap();
    for (c, h) in [
        "respondent_id",
        "dato",
        "tid",
        "antall",
        "andel",
        "aktiv",
        "svar",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_number(1, 0, 101).unwrap();
    ws.write_datetime_with_format(1, 1, ExcelDateTime::from_ymd(2024, 3, 1).unwrap(), &date)
        .unwrap();
    let dt = ExcelDateTime::from_ymd(2024, 3, 1)
        .unwrap()
        .and_hms(13, 45, 0)
        .unwrap();
    ws.write_datetime_with_format(1, 2, &dt, &Format::new().set_num_format("yyyy-mm-dd hh:mm"))
        .unwrap();
    ws.write_number(1, 3, 12).unwrap();
    ws.write_number(1, 4, 0.25).unwrap();
    ws.write_boolean(1, 5, true).unwrap();
    ws.write_string(1, 6, "Mangel på boliger").unwrap();
    ws.write_number(2, 0, 102).unwrap();
    ws.write_number(2, 6, 42).unwrap(); // a number where text is expected
                                        // Row 4 (index 3) left blank: skipped like a blank CSV line.
    ws.write_number(4, 0, 103).unwrap();
    ws.write_string(4, 6, "For få tolker").unwrap();
    let info = wb.add_worksheet();
    info.set_name("Info").unwrap();
    info.write_string(0, 0, "tekst").unwrap();
    info.write_string(1, 0, "Samarbeid med NAV").unwrap();
    let p = dir.join("svar.xlsx");
    wb.save(&p).unwrap();
    p
}

#[test]
fn xlsx_cells_of_any_type_read_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let f = workbook(dir.path());
    let ds = read_path(f.to_str().unwrap(), &opts()).unwrap();
    assert_eq!(ds.format, tema::io::InputFormat::Xlsx);
    assert_eq!(
        ds.columns,
        vec![
            "respondent_id",
            "dato",
            "tid",
            "antall",
            "andel",
            "aktiv",
            "svar"
        ]
    );
    let rows: Vec<(&[String], u64)> = ds
        .answers
        .iter()
        .map(|a| (a.fields.as_slice(), a.line))
        .collect();
    assert_eq!(
        rows[0].0,
        [
            "101",
            "2024-03-01",
            "2024-03-01 13:45:00",
            "12",
            "0.25",
            "TRUE",
            "Mangel på boliger"
        ]
    );
    assert_eq!(rows[1].0, ["102", "", "", "", "", "", "42"]);
    // Lines are sheet rows: the blank row 4 is skipped.
    assert_eq!(rows.iter().map(|r| r.1).collect::<Vec<_>>(), vec![2, 3, 5]);
    assert_eq!(ds.answers[1].text, "42");

    let t = tag(&f, &["--id-column", "respondent_id"]);
    let ids: Vec<&str> = t.iter().map(|(i, _)| i.as_str()).collect();
    assert_eq!(ids, vec!["101", "102", "103"]);
    assert_eq!((count(&t, "bolig"), count(&t, "tolk")), (1, 1));
}

#[test]
fn xlsx_sheet_by_name_or_index_and_missing_sheet_lists_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let f = workbook(dir.path());
    for sheet in ["Info", "info", "1"] {
        let t = tag(&f, &["--sheet", sheet]);
        assert_eq!(t.len(), 1, "{sheet}");
        assert_eq!(t[0].1, vec!["nav"], "{sheet}");
    }
    tema()
        .arg("tag")
        .arg(&f)
        .args(["--sheet", "Ark3"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::contains("sheet \"Ark3\" not found")
                .and(predicate::str::contains("0: Svar, 1: Info")),
        );
    // --sheet on a text input is a mistake worth reporting.
    let csv = write(dir.path(), "a.csv", SURVEY.as_bytes());
    tema()
        .arg("tag")
        .arg(&csv)
        .args(["--sheet", "1"])
        .assert()
        .code(3);
    // A missing column names the sheet.
    tema()
        .arg("tag")
        .arg(&f)
        .args(["--text-column", "q9"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("svar.xlsx:1: column \"q9\" not found")
                .and(predicate::str::contains("Svar")),
        );
}

// ---------- wide and long exports ----------

const WIDE: &str = "respondent_id,kommune,q12_utfordringer,q14_forbedringer\n\
R1,Bodø,Mangel på boliger,Flere tolker\n\
R2,Ås,,Bedre samarbeid med NAV\n";

#[test]
fn wide_export_gives_one_answer_per_text_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(dir.path(), "wide.csv", WIDE.as_bytes());
    for spec in ["q1*", "Q12_UTFORDRINGER,q14_forbedringer", "q1?_*"] {
        let ds = read_path(
            f.to_str().unwrap(),
            &ReadOptions {
                text_column: Some(spec.into()),
                id_column: Some("respondent_id".into()),
                ..opts()
            },
        )
        .unwrap();
        let got: Vec<(&str, &str, &str, u64)> = ds
            .answers
            .iter()
            .map(|a| (a.id.as_str(), a.question.as_str(), a.text.as_str(), a.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("R1", "q12_utfordringer", "Mangel på boliger", 2),
                ("R1", "q14_forbedringer", "Flere tolker", 2),
                ("R2", "q12_utfordringer", "", 3),
                ("R2", "q14_forbedringer", "Bedre samarbeid med NAV", 3),
            ],
            "{spec}"
        );
        assert_eq!(ds.answers[1].fields, ds.answers[0].fields);
    }
    let t = tag(
        &f,
        &["--text-column", "q1*", "--id-column", "respondent_id"],
    );
    assert_eq!(t.len(), 4);
    assert_eq!(
        (count(&t, "bolig"), count(&t, "tolk"), count(&t, "nav")),
        (1, 1, 1)
    );
    tema()
        .arg("tag")
        .arg(&f)
        .args(["--text-column", "x*"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::contains("no column matches \"x*\"")
                .and(predicate::str::contains("q14_forbedringer")),
        );
}

#[test]
fn long_export_takes_the_question_from_a_column() {
    let dir = tempfile::tempdir().unwrap();
    let text = "respondent_id,question_id,answer\nR1,Q12,Mangel på boliger\nR1,Q14,Flere tolker\nR2,Q12,vet ikke\n";
    let f = write(dir.path(), "long.csv", text.as_bytes());
    let o = ReadOptions {
        question_column: Some("question_id".into()),
        ..opts()
    };
    let ds = read_path(f.to_str().unwrap(), &o).unwrap();
    let q: Vec<&str> = ds.answers.iter().map(|a| a.question.as_str()).collect();
    assert_eq!(q, vec!["Q12", "Q14", "Q12"]);
    let r = AnswerReader::open(f.to_str().unwrap(), &o).unwrap();
    assert_eq!(r.question_column(), Some(1));
    // Default: the question is the text column's name.
    let ds = read_path(f.to_str().unwrap(), &opts()).unwrap();
    assert!(ds.answers.iter().all(|a| a.question == "answer"));
    let t = tag(&f, &["--question-column", "question_id"]);
    assert_eq!(t.len(), 3);
    tema()
        .arg("tag")
        .arg(&f)
        .args(["--question-column", "spørsmål"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("\"spørsmål\" not found"));
}

// ---------- streaming ----------

#[test]
fn progress_reaches_the_file_size() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("id,svar\n");
    for i in 0..30_000 {
        text.push_str(&format!("{i},Mangel på boliger nr {i}\n"));
    }
    let f = write(dir.path(), "big.csv", text.as_bytes());
    let mut r = AnswerReader::open(f.to_str().unwrap(), &opts()).unwrap();
    assert_eq!(r.progress().1, Some(text.len() as u64));
    let mut all = Vec::new();
    while r.next_batch(777, &mut all).unwrap() > 0 {}
    assert_eq!(all.len(), 30_000);
    assert_eq!(r.progress(), (text.len() as u64, Some(text.len() as u64)));
    assert_eq!(r.next_batch(10, &mut all).unwrap(), 0, "stays at the end");
}

/// Reads every answer with the streaming reader in batches of `max`.
fn stream_all(path: &str, opts: &ReadOptions, max: usize) -> Vec<Answer> {
    let mut r = AnswerReader::open(path, opts).unwrap();
    let mut all = Vec::new();
    loop {
        let mut batch = Vec::new();
        let n = r.next_batch(max, &mut batch).unwrap();
        assert!(n <= max && n == batch.len());
        if n == 0 {
            break;
        }
        all.extend(batch);
    }
    all
}

/// Timing harness: `cargo test --release --test inputs -- --ignored --nocapture read_speed`.
/// Reads `TEMA_READ_CORPUS` (default /tmp/corpus200k.csv, made by
/// `python3 /work/shared/bench/gen_corpus.py --answers 200000 --seed 1 --out /tmp/corpus200k.csv`).
#[test]
#[ignore]
fn read_speed() {
    let path = std::env::var("TEMA_READ_CORPUS").unwrap_or_else(|_| "/tmp/corpus200k.csv".into());
    let size = std::fs::metadata(&path).expect("corpus file").len() as f64;
    let opts = ReadOptions {
        text_column: Some("answer".into()),
        ..Default::default()
    };
    let max: usize = std::env::var("TEMA_READ_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4096);
    println!("batches of {max} answers");
    for round in 0..5 {
        let t = Instant::now();
        let cpu = cpu_seconds();
        let mut r = AnswerReader::open(&path, &opts).unwrap();
        let mut batch = Vec::with_capacity(max);
        let (mut n, mut bytes) = (0usize, 0usize);
        loop {
            batch.clear();
            if r.next_batch(max, &mut batch).unwrap() == 0 {
                break;
            }
            n += batch.len();
            bytes += batch.iter().map(|a| a.text.len()).sum::<usize>();
        }
        let s = t.elapsed().as_secs_f64();
        let c = cpu_seconds() - cpu;
        println!(
            "round {round}: {n} answers ({bytes} text bytes) from {:.1} MB: {s:.3} s wall, \
             {c:.2} s CPU (all threads) = {:.0} MB/s per CPU second",
            size / 1e6,
            size / 1e6 / c
        );
    }
    // Peak memory so far, while only streaming (read_path below keeps everything).
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(hwm) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS while streaming: {}", hwm.trim_start_matches("VmHWM:").trim());
    }
    let (t, cpu) = (Instant::now(), cpu_seconds());
    let ds = read_path(&path, &opts).unwrap();
    println!(
        "read_path (one thread): {} answers in {:.3} s wall, {:.2} s CPU",
        ds.answers.len(),
        t.elapsed().as_secs_f64(),
        cpu_seconds() - cpu
    );
}

/// CPU time (user + system) of this process, all threads, from /proc (Linux;
/// 0 elsewhere). Resolution is one clock tick (10 ms).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the ")".
    (ticks(11) + ticks(12)) / 100.0
}

fn csv_field() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::string::string_regex("[a-zæøå ,;\"\r\n]{0,12}").unwrap()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    /// Batches of any size never exceed `max`, and together are exactly what
    /// `read_path` gives, for wide and single-column reads alike.
    #[test]
    fn batches_concatenate_to_read_path(
        rows in proptest::collection::vec(proptest::collection::vec(csv_field(), 3), 1..300),
        max in 1usize..50,
        wide in proptest::bool::ANY,
        pad in 0usize..70_000,
    ) {
        let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
        w.write_record(["id", "q1", "q2"]).unwrap();
        for r in &rows { w.write_record(r).unwrap(); }
        let mut bytes = w.into_inner().unwrap();
        // Padding rows push records past the 64 KB detection prefix.
        for i in 0..pad / 20 { bytes.extend_from_slice(format!("p{i},pad,pad\n").as_bytes()); }
        let dir = tempfile::tempdir().unwrap();
        let f = write(dir.path(), "p.csv", &bytes);
        let path = f.to_str().unwrap();
        let o = if wide { with_text("q*") } else { with_text("q1") };
        let streamed = stream_all(path, &o, max);
        let whole = read_path(path, &o).unwrap().answers;
        proptest::prop_assert_eq!(streamed.len(), whole.len());
        proptest::prop_assert!(streamed == whole);
        let in_memory = read_bytes(path, &bytes, &o).unwrap().answers;
        proptest::prop_assert!(in_memory == whole);
        let per_row = if wide { 2 } else { 1 };
        proptest::prop_assert_eq!(whole.len(), (rows.len() + pad / 20) * per_row);
        for (a, r) in whole.iter().step_by(per_row).zip(&rows) {
            proptest::prop_assert_eq!(&a.fields, r);
        }
    }
}

/// The bundled example workbook (made by `cargo run --example make_example_xlsx`).
#[test]
fn bundled_example_workbook_reads_as_a_wide_export() {
    let ds = read_path("examples/undersokelse.xlsx", &with_text("q1*")).unwrap();
    assert_eq!(ds.answers.len(), 80);
    assert_eq!(ds.columns[3..5], ["dato", "antall_bosatte"]);
    let first = &ds.answers[0];
    assert_eq!(
        (
            first.line,
            first.fields[3].as_str(),
            first.fields[4].as_str()
        ),
        (2, "2024-09-02", "61")
    );
    assert_eq!(ds.answers[1].question, "q14_forbedringer");
    let t = tag(
        Path::new("examples/undersokelse.xlsx"),
        &["--text-column", "q1*"],
    );
    assert_eq!(t.len(), 80);
    assert!(count(&t, "bolig") >= 5 && count(&t, "tolk") >= 3, "{t:?}");
}
