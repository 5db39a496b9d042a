//! Dictionaries from other tools: quanteda YAML and LIWC `.dic` imports (`--lexicon`),
//! their matching semantics, their errors, and `tema lexicon export`.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

fn tema() -> Command {
    Command::cargo_bin("tema").unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

/// Theme ids per answer line, tagged with `lexicon`.
fn themes(lexicon: &Path, answers: &[&str]) -> Vec<Vec<String>> {
    let input = answers.join("\n") + "\n";
    let out = tema()
        .arg("--lexicon")
        .arg(lexicon)
        .args(["tag", "-", "--input-format", "text"])
        .write_stdin(input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["themes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

fn has(themes: &[String], id: &str) -> bool {
    themes.iter().any(|t| t == id)
}

const DICT: &str = r#"# a small quanteda dictionary
prefix: [bolig*]
suffix: ["*bustad"]
infix: ["*tolk*"]
one_char: ["t?lk"]
exact: [nav]
phrase: ["bo trangt", "kvalifisert* tolk*"]
hyphen: ["nav-*"]
nested:
  child:
    - jobb
  other: [praksisplass*]
"#;

#[test]
fn yaml_nested_keys_become_dotted_theme_ids_in_file_order() {
    let dir = tempfile::tempdir().unwrap();
    let dict = write(dir.path(), "d.yml", DICT);
    let out = tema()
        .arg("--lexicon")
        .arg(&dict)
        .args(["count", "-", "--input-format", "text", "--format", "csv"])
        .write_stdin("jobb\n")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let ids: Vec<String> = String::from_utf8(out)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "prefix",
            "suffix",
            "infix",
            "one_char",
            "exact",
            "phrase",
            "hyphen",
            "nested.child",
            "nested.other",
            "(no theme)"
        ]
    );
}

#[test]
fn glob_semantics_follow_quanteda() {
    let dir = tempfile::tempdir().unwrap();
    let dict = write(dir.path(), "d.yml", DICT);
    let t = themes(
        &dict,
        &[
            "Boligmangel og BOLIG",  // 0 prefix, case-insensitive, zero chars after *
            "ny kommunebustad",      // 1 suffix
            "kommunebustaden",       // 2 suffix does not match with an ending
            "telefontolketjenesten", // 3 infix
            "talk",                  // 4 ? = one character
            "tlk",                   // 5 ? is not zero characters
            "navn og navet",         // 6 exact: no other forms
            "NAV-kontoret",          // 7 hyphenated word is one token: not `nav`, but `nav-*`
            "mange bor trangt, men bo trangt", // 8 phrase of consecutive tokens
            "bo, trangt",            // 9 punctuation breaks a phrase
            "kvalifiserte tolkar",   // 10 globs inside a phrase
            "praksisplassen og jobb", // 11 nested keys
            "https://www.nav.no/bolig", // 12 a URL is one token
        ],
    );
    assert!(has(&t[0], "prefix"));
    assert!(has(&t[1], "suffix") && !has(&t[2], "suffix"));
    assert!(has(&t[3], "infix"));
    assert!(has(&t[4], "one_char") && !has(&t[5], "one_char"));
    assert!(t[6].is_empty(), "{:?}", t[6]);
    assert!(!has(&t[7], "exact") && has(&t[7], "hyphen"), "{:?}", t[7]);
    assert!(has(&t[8], "phrase") && !has(&t[9], "phrase"));
    assert!(has(&t[10], "phrase") && has(&t[10], "infix"));
    assert!(has(&t[11], "nested.child") && has(&t[11], "nested.other"));
    assert!(t[12].is_empty(), "{:?}", t[12]);
}

#[test]
fn folding_also_applies_to_imported_globs() {
    let dir = tempfile::tempdir().unwrap();
    let dict = write(dir.path(), "d.yml", "bolig: [bostøtte*, \"lære norsk\"]\n");
    let t = themes(&dict, &["bostoette", "BOSTØTTE-ordningen", "LAERE NORSK"]);
    assert!(
        has(&t[0], "bolig") && has(&t[1], "bolig") && has(&t[2], "bolig"),
        "{t:?}"
    );
}

#[test]
fn explain_names_the_dictionary_value_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let dict = write(dir.path(), "d.yml", DICT);
    tema()
        .arg("--lexicon")
        .arg(&dict)
        .args(["explain", "Mange bo trangt"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("rule `bo trangt`").and(predicate::str::contains("d.yml:7")),
        );
}

#[test]
fn yaml_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "broken.yml",
            "bolig: [bolig*\narbeid: [jobb]\n",
            "broken.yml:2:",
            "invalid YAML",
        ),
        (
            "bool.yml",
            "bolig:\n  - bolig\n  - true\n",
            "bool.yml:3:",
            "not a string",
        ),
        (
            "map.yml",
            "bolig:\n  - {a: b}\n",
            "map.yml:2:",
            "a value must be a string",
        ),
        (
            "empty.yml",
            "# nothing here\n",
            "empty.yml",
            "empty dictionary",
        ),
        (
            "nokey.yml",
            "bolig: [bolig]\narbeid: []\n",
            "nokey.yml:2:",
            "no patterns",
        ),
        (
            "list.yml",
            "- bolig\n- arbeid\n",
            "list.yml:1:",
            "mapping of keys",
        ),
        (
            "dup.yml",
            "bolig: [a]\nbolig: [b]\n",
            "dup.yml:",
            "duplicate key `bolig`",
        ),
    ];
    for (name, text, at, what) in cases {
        let p = write(dir.path(), name, text);
        tema()
            .arg("--lexicon")
            .arg(&p)
            .args(["lexicon", "check"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(at).and(predicate::str::contains(what)));
    }
}

#[test]
fn liwc_dictionary_categories_words_and_wildcards() {
    let dir = tempfile::tempdir().unwrap();
    let dic = write(
        dir.path(),
        "d.dic",
        "%\n1\tbolig\n2\tarbeid\n%\nbolig*\t1\njobb\t2\nboligjobb\t1\t2\nbo trangt\t1\n",
    );
    let t = themes(
        &dic,
        &["boligene", "jobb", "boligjobb", "vi bo trangt", "jobben"],
    );
    assert_eq!(t[0], ["bolig"]);
    assert_eq!(t[1], ["arbeid"]);
    assert_eq!(t[2], ["arbeid", "bolig"]);
    assert_eq!(t[3], ["bolig"]);
    assert!(t[4].is_empty(), "no `*`: the exact word only");
}

#[test]
fn liwc_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "nohead.dic",
            "bolig\t1\n",
            "nohead.dic:1:",
            "starts with a `%`",
        ),
        (
            "unknown.dic",
            "%\n1\tbolig\n%\nbolig\t1\njobb\t9\n",
            "unknown.dic:5:",
            "category `9`",
        ),
        (
            "star.dic",
            "%\n1\tbolig\n%\n*bolig\t1\n",
            "star.dic:4:",
            "may only end",
        ),
        (
            "open.dic",
            "%\n1\tbolig\nbolig\t1\n",
            "open.dic",
            "not closed",
        ),
    ];
    for (name, text, at, what) in cases {
        let p = write(dir.path(), name, text);
        tema()
            .arg("--lexicon")
            .arg(&p)
            .args(["lexicon", "check"])
            .assert()
            .code(4)
            .stderr(predicate::str::contains(at).and(predicate::str::contains(what)));
    }
}

#[test]
fn unknown_lexicon_extension_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "d.json", "{}");
    tema()
        .arg("--lexicon")
        .arg(&p)
        .args(["lexicon", "check"])
        .assert()
        .code(4)
        .stderr(predicate::str::contains(".yml").and(predicate::str::contains(".dic")));
}

const TEMA: &str = "theme bolig
term bolig
term bustad*
term *husvære
term bo|bu trangt|trongt
term /start-?lån/
term sted ~2 bo
except bor i
theme nav
term =NAV
term nav{,s}
";

#[test]
fn export_yaml_expands_forms_and_lists_what_it_cannot_say() {
    let dir = tempfile::tempdir().unwrap();
    let lex = write(dir.path(), "x.tema", TEMA);
    let out = dir.path().join("x.yml");
    let a = tema()
        .arg("--lexicon")
        .arg(&lex)
        .args(["lexicon", "export", "--to", "yaml", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    let y = fs::read_to_string(&out).unwrap();
    for v in [
        "\"boligen\"",
        "\"boligene\"",
        "\"bustad*\"",
        "\"*husvære\"",
        "\"*husværet\"",
        "\"bo trangt\"",
        "\"bu trongt\"",
        "\"navs\"",
    ] {
        assert!(y.contains(&format!("  - {v}\n")), "{v} missing:\n{y}");
    }
    let listed = [
        ("x.tema:6 `/start-?lån/`", "regular expression"),
        ("x.tema:7 `sted ~2 bo`", "gap"),
        ("x.tema:8 `bor i`", "veto"),
        ("x.tema:10 `=NAV`", "case-sensitive"),
    ];
    for (rule, why) in listed {
        let line = stderr
            .lines()
            .find(|l| l.contains(rule))
            .unwrap_or_else(|| panic!("{rule} not listed:\n{stderr}"));
        assert!(
            line.starts_with("not exported: ") && line.contains(why),
            "{line}"
        );
        assert!(
            y.contains(&format!("#   {line}")),
            "{line} not in the YAML header"
        );
    }
    assert!(stderr.contains("typo rule"), "{stderr}");
    // What was written loads as a dictionary and codes like it should.
    let t = themes(
        &out,
        &[
            "Mangel på boliger",
            "vi bu trongt",
            "NAVs kontor",
            "ingenting",
        ],
    );
    assert_eq!(t, [vec!["bolig"], vec!["bolig"], vec!["nav"], vec![]]);
}

#[test]
fn export_dic_keeps_final_stars_only_and_reimports() {
    let dir = tempfile::tempdir().unwrap();
    let lex = write(dir.path(), "x.tema", TEMA);
    let out = dir.path().join("x.dic");
    let a = tema()
        .arg("--lexicon")
        .arg(&lex)
        .args(["lexicon", "export", "--to", "dic", "-o"])
        .arg(&out)
        .assert()
        .success();
    let stderr = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    let d = fs::read_to_string(&out).unwrap();
    assert!(d.starts_with("%\n1\tbolig\n2\tnav\n%\n"), "{d}");
    assert!(
        d.contains("\nbustad*\t1\n")
            && d.contains("\nhusværet\t1\n")
            && d.contains("\nbo trangt\t1\n"),
        "{d}"
    );
    assert!(!d.lines().skip(4).any(|l| l.starts_with('*')), "{d}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("partly exported: ") && l.contains("`*husvære`")),
        "{stderr}"
    );
    let t = themes(&out, &["husværet", "kommunehusvære", "navs"]);
    assert_eq!(t, [vec!["bolig"], vec![], vec!["nav"]]);
}

#[test]
fn default_lexicon_round_trips_through_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("default.yml");
    tema()
        .args(["lexicon", "export", "--to", "yaml", "-o"])
        .arg(&out)
        .assert()
        .success();
    tema()
        .arg("--lexicon")
        .arg(&out)
        .args(["lexicon", "check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("18 themes"));
    let t = themes(
        &out,
        &[
            "Det er stor mangel på egnede boliger",
            "For få kvalifiserte tolkar",
            "Vi treng betre kartlegging av kompetanse",
            "Flere må ut i arbeid etter introduksjonsprogrammet",
        ],
    );
    assert!(
        has(&t[0], "bolig") && has(&t[1], "tolk") && has(&t[2], "kartlegging"),
        "{t:?}"
    );
    assert!(
        has(&t[3], "arbeid") && has(&t[3], "introduksjonsprogram"),
        "{t:?}"
    );
}

#[test]
fn export_never_writes_over_its_lexicon_and_rejects_unknown_formats() {
    let dir = tempfile::tempdir().unwrap();
    let dict = write(dir.path(), "d.yml", DICT);
    tema()
        .arg("--lexicon")
        .arg(&dict)
        .args(["lexicon", "export", "--to", "yaml", "-o"])
        .arg(&dict)
        .assert()
        .code(5);
    assert_eq!(fs::read_to_string(&dict).unwrap(), DICT);
    tema()
        .args(["lexicon", "export", "--to", "csv"])
        .assert()
        .code(2);
    // An imported dictionary exports its values as they were.
    let a = tema()
        .arg("--lexicon")
        .arg(&dict)
        .args(["lexicon", "export", "--to", "yaml"])
        .assert()
        .success();
    let y = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert!(
        y.contains("\"nested.child\":\n  - \"jobb\"\n")
            && y.contains("  - \"kvalifisert* tolk*\"\n"),
        "{y}"
    );
}
