//! `tema report` run as a process: files, numbers (counted by hand), labels, crosstab,
//! quotes, escaping, redaction and atomic output.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

fn tema() -> Command {
    let mut c = Command::cargo_bin("tema").unwrap();
    c.env("SOURCE_DATE_EPOCH", "1735689600"); // 2025-01-01
    c
}

/// Themes listed helse, tolk, bolig, so frequency order differs from lexicon order.
const LEXICON: &str = "theme helse\nnb Helse\nnn Helse\nen Health\nterm helse*\n\n\
                       theme tolk\nnb Tolk\nnn Tolk\nen Interpreters\nterm tolk*\n\n\
                       theme bolig\nnb Bolig\nnn Bustad\nen Housing\nterm bolig*\n";

/// A fødselsnummer for 01.01.90 with both check digits computed here.
fn valid_fnr() -> String {
    let weights1 = [3, 7, 6, 1, 8, 9, 4, 5, 2];
    let weights2 = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
    let check =
        |d: &[u32], w: &[u32]| match 11 - d.iter().zip(w).map(|(a, b)| a * b).sum::<u32>() % 11 {
            11 => Some(0),
            10 => None,
            k => Some(k),
        };
    (100..1000)
        .find_map(|i: u32| {
            let mut d: Vec<u32> = format!("010190{i}")
                .chars()
                .map(|c| c.to_digit(10).unwrap())
                .collect();
            d.push(check(&d, &weights1)?);
            d.push(check(&d, &weights2)?);
            Some(d.iter().map(|x| x.to_string()).collect())
        })
        .unwrap()
}

/// The same number with the last check digit wrong.
fn invalid_fnr() -> String {
    let mut f = valid_fnr();
    let last = f.pop().unwrap().to_digit(10).unwrap();
    f.push(char::from_digit((last + 1) % 10, 10).unwrap());
    f
}

/// Hand counts: N = 8 (ids 1,2,3,6,7,8,9,10), missing 2 (4, 5);
/// bolig 4 (1,3,7,10) = 50,0 %, tolk 3 (2,3,8) = 37,5 %, helse 0, no theme 2 (6, 9) = 25,0 %.
/// rolle NAV: N 5 (1,2,6,8,10), bolig 2, tolk 2, no theme 1, missing 0;
/// rolle skole: N 3 (3,7,9), bolig 2, tolk 1, no theme 1, missing 2.
fn fixture(dir: &Path) -> (PathBuf, PathBuf) {
    let lex = dir.join("test.tema");
    fs::write(&lex, LEXICON).unwrap();
    let csv = format!(
        "id,rolle,svar\n\
         1,NAV,\"Det er stor mangel på boliger i kommunen, og ventetiden er lang.\"\n\
         2,NAV,\"Vi har for få tolker, og det går ut over samtalene med familiene.\"\n\
         3,skole,Bolig og tolk er de to største utfordringene for oss i år.\n\
         4,skole,vet ikke\n\
         5,skole,\n\
         6,NAV,<script>alert('x')</script> Helt greit egentlig.\n\
         7,skole,\"Mangel på boliger. Ring meg på 22 33 44 55 eller ola@nav.no, fnr {}.\"\n\
         8,NAV,\"Tolken kom ikke, saksnummer {} står i brevet vi fikk.\"\n\
         9,skole,Vi har ingen særlige problemer å melde om.\n\
         10,NAV,Boligene er for små for store familier.\n",
        valid_fnr(),
        invalid_fnr()
    );
    let input = dir.join("svar.csv");
    fs::write(&input, csv).unwrap();
    (lex, input)
}

/// Runs `tema report` on the fixture and returns (report.md, report.html).
fn report(extra: &[&str]) -> (String, String) {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("rapport");
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    (
        fs::read_to_string(out.join("report.md")).unwrap(),
        fs::read_to_string(out.join("report.html")).unwrap(),
    )
}

#[test]
fn markdown_has_hand_counted_numbers_sorted_by_frequency() {
    let (md, _) = report(&[]);
    let bolig = md.find("| Bolig | 4 | 50,0 % |").expect(&md);
    let tolk = md.find("| Tolk | 3 | 37,5 % |").expect(&md);
    let helse = md.find("| Helse | 0 | 0,0 % |").expect(&md);
    assert!(
        bolig < tolk && tolk < helse,
        "sorted by frequency, not lexicon order:\n{md}"
    );
    assert!(md.contains("| (uten tema) | 2 | 25,0 % |"), "{md}");
    assert!(md.contains("| N | 8 | |"), "{md}");
    assert!(md.contains("| Manglende svar | 2 | |"), "{md}");
    assert!(
        md.contains("N = 8 svar med tekst. 2 manglende svar"),
        "{md}"
    );
    assert!(md.contains("## Spørsmål: svar"), "{md}");
}

#[test]
fn html_has_the_same_numbers_bars_and_marks() {
    let (_, html) = report(&[]);
    assert!(
        html.contains(
            "<td title=\"bolig\">Bolig</td><td class=\"num\">4</td><td class=\"num\">50,0 %</td>"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<td title=\"tolk\">Tolk</td><td class=\"num\">3</td><td class=\"num\">37,5 %</td>"
    ));
    // Bars: one per theme plus "no theme", with count and share as text.
    assert_eq!(html.matches("<rect class=\"bar\"").count(), 3);
    assert_eq!(html.matches("<rect class=\"bar none\"").count(), 1);
    assert!(html.contains(">4 (50,0 %)</text>") && html.contains(">2 (25,0 %)</text>"));
    // Quotes highlight the matched words.
    assert!(
        html.contains("stor mangel på <mark>boliger</mark> i kommunen"),
        "{html}"
    );
    assert!(html.contains("Vi har for få <mark>tolker</mark>, og"));
    assert!(
        html.contains("<mark>Bolig</mark> og tolk er"),
        "only the theme's own words are marked in its quotes"
    );
}

#[test]
fn html_escapes_answers_and_is_self_contained() {
    let (md, html) = report(&[]);
    assert!(
        !html.contains("<script"),
        "an answer's <script> is text, not markup"
    );
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Helt greit egentlig."));
    assert!(
        md.contains("\\<script\\>alert('x')\\</script\\> Helt greit egentlig."),
        "{md}"
    );
    for external in [
        "src=\"http",
        "href=\"http",
        "src='http",
        "href='http",
        "<link",
        "@import",
        "url(",
    ] {
        assert!(!html.contains(external), "{external}");
    }
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("<meta charset=\"utf-8\">")
            && html.contains("<style>")
    );
}

#[test]
fn uncoded_answers_are_listed_and_missing_ones_counted_apart() {
    let (md, html) = report(&[]);
    assert!(md.contains("### Svar uten tema\n\nViser 2 av 2."), "{md}");
    assert!(
        md.contains("- *id 6*:")
            && md.contains("- *id 9*: Vi har ingen særlige problemer å melde om."),
        "{md}"
    );
    assert!(
        !md.contains("*id 4*") && !md.contains("*id 5*"),
        "missing answers are not uncoded:\n{md}"
    );
    assert!(html.contains(
        "<li><span class=\"id\">id 9</span> Vi har ingen særlige problemer å melde om.</li>"
    ));
    let (md, _) = report(&["--max-uncoded", "1"]);
    assert!(
        md.contains("Viser 1 av 2.") && md.contains("*id 6*") && !md.contains("*id 9*"),
        "{md}"
    );
}

#[test]
fn crosstab_by_column() {
    let (md, html) = report(&["--by", "rolle"]);
    assert!(md.contains("### Krysstabell etter rolle"), "{md}");
    assert!(md.contains("| Tema | Totalt | NAV | skole |"), "{md}");
    assert!(
        md.contains("| Bolig | 4 (50,0 %) | 2 (40,0 %) | 2 (66,7 %) |"),
        "{md}"
    );
    assert!(
        md.contains("| Tolk | 3 (37,5 %) | 2 (40,0 %) | 1 (33,3 %) |"),
        "{md}"
    );
    assert!(
        md.contains("| Helse | 0 (0,0 %) | 0 (0,0 %) | 0 (0,0 %) |"),
        "{md}"
    );
    assert!(
        md.contains("| (uten tema) | 2 (25,0 %) | 1 (20,0 %) | 1 (33,3 %) |"),
        "{md}"
    );
    assert!(
        md.contains("| N | 8 | 5 | 3 |") && md.contains("| Manglende svar | 2 | 0 | 2 |"),
        "{md}"
    );
    assert!(
        html.contains("<h3>Krysstabell etter rolle</h3>")
            && html.contains("<table class=\"crosstab heat\">")
    );
    assert!(html.contains("<svg class=\"grouped\""), "grouped bar chart");
    // Without --by there is no crosstab.
    let (md, html) = report(&[]);
    assert!(!md.contains("Krysstabell") && !html.contains("crosstab"));
}

#[test]
fn unknown_by_column_is_an_input_error() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("rapport");
    let a = tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--by", "kommune"])
        .assert()
        .code(3);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("kommune") && err.contains("svar.csv:1"),
        "{err}"
    );
    assert!(!out.exists(), "nothing is created on an input error");
}

#[test]
fn labels_in_nynorsk_and_english() {
    let (md, html) = report(&["--lang", "nn", "--by", "rolle"]);
    assert!(
        md.contains("# Temarapport")
            && md.contains("| Bustad | 4 | 50,0 % |")
            && md.contains("(utan tema)"),
        "{md}"
    );
    assert!(
        md.contains("Manglande svar")
            && md.contains("Døme på svar")
            && md.contains("laga med tema"),
        "{md}"
    );
    assert!(html.contains("<html lang=\"nn\">") && html.contains("Svar utan tema"));
    let (md, html) = report(&["--lang", "en", "--by", "rolle"]);
    assert!(
        md.contains("# Theme report")
            && md.contains("| Housing | 4 | 50.0 % |")
            && md.contains("| (no theme) | 2 | 25.0 % |"),
        "{md}"
    );
    assert!(
        md.contains("### Crosstab by rolle")
            && md.contains("| Theme | Total | NAV | skole |")
            && md.contains("Missing answers"),
        "{md}"
    );
    assert!(
        html.contains("<html lang=\"en\">")
            && html.contains("Answers with no theme")
            && html.contains("made with tema")
    );
    assert!(!html.contains("Manglende"));
}

#[test]
fn footer_names_lexicon_version_tema_and_date() {
    let (md, html) = report(&[]);
    let version = env!("CARGO_PKG_VERSION");
    let footer = md.lines().last().unwrap();
    assert!(
        footer.starts_with("Leksikon: test (versjon ")
            && footer.ends_with(&format!("· laget med tema {version} · dato 2025-01-01")),
        "{footer}"
    );
    let hash = footer
        .split("versjon ")
        .nth(1)
        .unwrap()
        .split(')')
        .next()
        .unwrap();
    assert_eq!(hash.len(), 16, "{hash}");
    assert!(
        html.contains(&format!("<code>{hash}</code>")) && html.contains("dato 2025-01-01</footer>")
    );
    let (md, _) = report(&["--date", "2024-02-29"]);
    assert!(md.trim_end().ends_with("dato 2024-02-29"));
}

#[test]
fn output_is_reproducible_and_bad_dates_are_usage_errors() {
    let (md1, html1) = report(&["--by", "rolle"]);
    let (md2, html2) = report(&["--by", "rolle"]);
    assert_eq!((md1, html1), (md2, html2));
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(d.path().join("x"))
        .args(["--date", "2025-02-30"])
        .assert()
        .code(2);
    tema()
        .env("SOURCE_DATE_EPOCH", "soon")
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(d.path().join("x"))
        .assert()
        .code(2);
    assert!(!d.path().join("x").exists());
}

#[test]
fn redact_replaces_personal_data_in_quotes_only_when_asked() {
    let (fnr, wrong) = (valid_fnr(), invalid_fnr());
    let (md, html) = report(&[]);
    assert!(
        md.contains("22 33 44 55") && md.contains(&fnr),
        "without --redact quotes are verbatim"
    );
    let (md, html_r) = report(&["--redact"]);
    for doc in [&md, &html_r] {
        assert!(
            !doc.contains("22 33 44 55") && !doc.contains("ola@nav.no") && !doc.contains(&fnr),
            "{doc}"
        );
        assert!(
            doc.contains("[TLF]") && doc.contains("[EPOST]") && doc.contains("[FNR]"),
            "{doc}"
        );
        assert!(
            doc.contains(&wrong),
            "a number failing the check digits is not a fødselsnummer"
        );
    }
    // Highlights survive redaction.
    assert!(
        html_r.contains(
            "Mangel på <mark>boliger</mark>. Ring meg på [TLF] eller [EPOST], fnr [FNR]."
        ),
        "{html_r}"
    );
    assert!(
        html_r.contains("[FNR], [TLF] og [EPOST]"),
        "the report says it was redacted"
    );
    assert!(!html.contains("[FNR], [TLF] og [EPOST]"));
}

#[test]
fn refuses_to_overwrite_the_input_and_leaves_no_temp_files() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("rapport");
    fs::create_dir(&out).unwrap();
    let sneaky = out.join("report.md");
    fs::copy(&input, &sneaky).unwrap();
    let before = fs::read(&sneaky).unwrap();
    let a = tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&sneaky)
        .args(["--input-format", "csv", "-o"])
        .arg(&out)
        .assert()
        .code(5);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("same file as the input"), "{err}");
    assert_eq!(fs::read(&sneaky).unwrap(), before);
    let names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec!["report.md"],
        "no report.html and no temporary files"
    );
}

#[test]
fn output_that_is_a_file_is_an_output_error() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let file = d.path().join("plain.txt");
    fs::write(&file, "x").unwrap();
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(&file)
        .assert()
        .code(5);
    assert_eq!(fs::read_to_string(&file).unwrap(), "x");
}

#[test]
fn replaces_an_old_report_completely() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("rapport");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("report.html"), "old").unwrap();
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .arg("report")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["report.html", "report.md"]);
}

#[test]
fn example_file_with_the_default_lexicon() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("r");
    tema()
        .args(["report", "examples/svar.csv", "--by", "rolle", "-o"])
        .arg(&out)
        .assert()
        .success();
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    // examples/svar.csv: 20 rows, id 5 "Ingen kommentar." and id 14 blank are missing.
    assert!(
        md.contains("N = 18 svar med tekst. 2 manglende svar"),
        "{md}"
    );
    assert!(
        md.contains("| N | 18 | 7 | 3 | 3 | 2 | 1 | 1 | 1 |"),
        "{md}"
    );
    assert!(md.contains("Leksikon: default (versjon "), "{md}");
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(
        html.matches("<rect class=\"bar\" x=\"300\"").count()
            - html.matches("style=\"fill:").count(),
        18,
        "one bar per theme of the default lexicon"
    );
}

#[test]
fn reads_standard_input() {
    let d = tempfile::tempdir().unwrap();
    let (lex, input) = fixture(d.path());
    let out = d.path().join("r");
    tema()
        .arg("--lexicon")
        .arg(&lex)
        .args(["report", "-", "--input-format", "csv", "-o"])
        .arg(&out)
        .write_stdin(fs::read(&input).unwrap())
        .assert()
        .success();
    let md = fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| Bolig | 4 | 50,0 % |"), "{md}");
}
