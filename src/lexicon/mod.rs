//! Lexicons: the rules an analyst reads and edits (format: docs/lexicon-format.md).
//!
//! `Lexicon` is the parsed, validated source form; `crate::matcher::Matcher` compiles it.
//! Loading never stops at the first problem: all errors come back, each with its
//! file:line and the rule, so one `tema lexicon check` run shows everything to fix.

pub mod check;
pub mod export;
pub mod inflect;
pub mod liwc;
pub mod parse;
pub mod pattern;
pub mod quanteda;

use std::fmt;
use std::path::Path;

pub use pattern::{Elem, ElemKind, Pattern, Step};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_lexicon.rs"));
}

/// A parsed lexicon: themes in order, and all their rules.
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub name: String,
    /// Hash of the files' names and contents: same version, same rules.
    pub version: String,
    pub themes: Vec<Theme>,
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug)]
pub struct Theme {
    pub id: String,
    pub nb: String,
    pub nn: String,
    pub en: String,
    pub about: String,
    pub file: String,
    pub line: usize,
    pub examples: Vec<Example>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleKind {
    Term,
    Except,
}

#[derive(Clone, Debug)]
pub struct Rule {
    /// Index into `Lexicon::themes`.
    pub theme: usize,
    pub kind: RuleKind,
    /// The pattern as written: the rule id shown in evidence.
    pub source: String,
    pub pattern: Pattern,
    pub file: String,
    pub line: usize,
}

/// A `must` / `mustnot` example line.
#[derive(Clone, Debug)]
pub struct Example {
    pub text: String,
    pub must: bool,
    pub file: String,
    pub line: usize,
}

/// A problem in a lexicon file, at a line, possibly in a rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexiconError {
    pub file: String,
    pub line: usize,
    pub rule: Option<String>,
    pub message: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file, self.line, self.message)?;
        } else {
            write!(f, "{}: {}", self.file, self.message)?;
        }
        if let Some(rule) = &self.rule {
            write!(f, " (rule `{rule}`)")?;
        }
        Ok(())
    }
}

impl std::error::Error for LexiconError {}

/// All errors of one load, rendered one per line.
#[derive(Clone, Debug)]
pub struct LexiconErrors(pub Vec<LexiconError>);

impl fmt::Display for LexiconErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for LexiconErrors {}

impl Lexicon {
    /// The default lexicon embedded in the binary (lexicons/default at build time).
    /// The test suite checks it, so an error here means a lexicon edit was built
    /// without running the tests.
    pub fn default_lexicon() -> Result<Self, LexiconErrors> {
        let files: Vec<(String, String)> =
            embedded::DEFAULT_FILES.iter().map(|(n, t)| (format!("lexicons/default/{n}"), t.to_string())).collect();
        Self::from_texts("default", &files)
    }

    /// Loads a lexicon from a `.tema` file or a folder of them, or imports a quanteda
    /// YAML dictionary (`.yml`, `.yaml`) or a LIWC dictionary (`.dic`).
    pub fn load(path: &Path) -> Result<Self, LexiconErrors> {
        let shown = path.display().to_string();
        let one = |message: String| LexiconErrors(vec![LexiconError { file: shown.clone(), line: 0, rule: None, message }]);
        let meta = std::fs::metadata(path).map_err(|e| one(format!("cannot read lexicon: {e}")))?;
        let mut paths = Vec::new();
        if meta.is_dir() {
            let rd = std::fs::read_dir(path).map_err(|e| one(format!("cannot read lexicon folder: {e}")))?;
            for entry in rd.flatten() {
                let p = entry.path();
                if p.extension().is_some_and(|x| x == "tema") {
                    paths.push(p);
                }
            }
            paths.sort();
            if paths.is_empty() {
                return Err(one("no .tema files in this folder".into()));
            }
        } else {
            match path.extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase).as_deref() {
                Some("tema") | Some("txt") | None => {}
                Some("yml") | Some("yaml") => return Self::import(path, quanteda::parse),
                Some("dic") => return Self::import(path, liwc::parse),
                Some(other) => {
                    return Err(one(format!(
                        "unsupported lexicon file type `.{other}` (expected a .tema file or a folder of them, a quanteda .yml or a LIWC .dic dictionary)"
                    )))
                }
            }
            paths.push(path.to_path_buf());
        }
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for p in paths {
            match read_text(&p) {
                Ok(text) => files.push((p.display().to_string(), text)),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Err(LexiconErrors(errors));
        }
        let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| shown.clone());
        Self::from_texts(&name, &files)
    }

    /// Parses lexicon files given as (file name, text), in the order given.
    pub fn from_texts(name: &str, files: &[(String, String)]) -> Result<Self, LexiconErrors> {
        let mut themes = Vec::new();
        let mut rule_lines = Vec::new();
        let mut errors = Vec::new();
        let mut hash = Fnv::new();
        for (file, text) in files {
            let base = Path::new(file).file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            hash.write(base.as_bytes());
            hash.write(&[0]);
            hash.write(text.as_bytes());
            parse::parse_file(file, text, &mut themes, &mut rule_lines, &mut errors);
        }
        let (rules, pattern_errors) = parse::parse_patterns(rule_lines);
        if !pattern_errors.is_empty() {
            // In file and line order, as if each pattern had been parsed with its line.
            errors.extend(pattern_errors);
            let file_no = |e: &LexiconError| files.iter().position(|(f, _)| *f == e.file);
            errors.sort_by_key(|e| (file_no(e), e.line));
        }
        for (i, t) in themes.iter().enumerate() {
            if !rules.iter().any(|r| r.theme == i && r.kind == RuleKind::Term) {
                errors.push(LexiconError { file: t.file.clone(), line: t.line, rule: None, message: format!("theme `{}` has no `term` lines", t.id) });
            }
        }
        if themes.is_empty() && errors.is_empty() {
            let file = files.first().map(|f| f.0.clone()).unwrap_or_else(|| name.to_string());
            errors.push(LexiconError { file, line: 0, rule: None, message: "no themes (a theme starts with a `theme ID` line)".into() });
        }
        if !errors.is_empty() {
            return Err(LexiconErrors(errors));
        }
        Ok(Lexicon { name: name.to_string(), version: format!("{:016x}", hash.0), themes, rules })
    }

    /// Imports a dictionary of another tool with its parser (themes and rules).
    fn import(path: &Path, parse: ImportParser) -> Result<Self, LexiconErrors> {
        let file = path.display().to_string();
        let text = read_text(path).map_err(|e| LexiconErrors(vec![e]))?;
        let (themes, rules) = parse(&file, &text)?;
        let mut hash = Fnv::new();
        let base = path.file_name().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        hash.write(base.as_bytes());
        hash.write(&[0]);
        hash.write(text.as_bytes());
        let name = path.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or(file);
        Ok(Lexicon { name, version: format!("{:016x}", hash.0), themes, rules })
    }

    pub fn theme_index(&self, id: &str) -> Option<usize> {
        self.themes.iter().position(|t| t.id == id)
    }
}

/// Reads a dictionary of another tool: (file name, text) -> themes and rules.
type ImportParser = fn(&str, &str) -> Result<(Vec<Theme>, Vec<Rule>), LexiconErrors>;

/// A lexicon file's text; invalid UTF-8 is an error at the line where it starts.
fn read_text(path: &Path) -> Result<String, LexiconError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LexiconError { file: name.clone(), line: 0, rule: None, message: format!("cannot read: {e}") })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        LexiconError { file: name, line, rule: None, message: "invalid UTF-8; save the file as UTF-8".into() }
    })
}

/// FNV-1a: a small, stable hash for the lexicon version (not for security).
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf29ce484222325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Patterns are parsed apart from their lines (in parallel); their errors still come
    /// in file and line order among the others, with every file's rules in order.
    #[test]
    fn errors_of_all_kinds_come_in_file_and_line_order() {
        let files = [
            ("b.tema".to_string(), "theme bolig\nterm bolig*\nfoo bar\nterm bo*lig\nterm /(/\nnb Bolig\nterm ~2 hus\n".to_string()),
            ("a.tema".to_string(), "term utenfor\ntheme nav\nterm nav ~0 kontor\ntheme nav\nterm nav*\n".to_string()),
        ];
        let errors = Lexicon::from_texts("test", &files).unwrap_err();
        let at: Vec<(String, usize)> = errors.0.iter().map(|e| (e.file.clone(), e.line)).collect();
        let expected = [("b.tema", 3), ("b.tema", 4), ("b.tema", 5), ("b.tema", 7), ("a.tema", 1), ("a.tema", 3), ("a.tema", 4), ("a.tema", 5), ("a.tema", 2)];
        assert_eq!(at, expected.map(|(f, l)| (f.to_string(), l)), "{errors}");
        assert_eq!(errors.0[1].rule.as_deref(), Some("bo*lig"));
        assert!(errors.0[8].message.contains("no `term` lines"), "{errors}");

        let good = [("x.tema".to_string(), "theme bolig\nterm bolig*\nexcept bor i\nterm /hus(et)?/\ntheme nav\nterm nav\n".to_string())];
        let lex = Lexicon::from_texts("test", &good).unwrap();
        let rules: Vec<(&str, usize, usize)> = lex.rules.iter().map(|r| (r.source.as_str(), r.theme, r.line)).collect();
        assert_eq!(rules, [("bolig*", 0, 2), ("bor i", 0, 3), ("/hus(et)?/", 0, 4), ("nav", 1, 6)]);
    }
}
