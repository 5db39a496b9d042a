//! Reading quanteda's YAML dictionary format (`dictionary(file = "x.yml")` in R).
//!
//! ```yaml
//! bolig: [bolig*, "*bolig", "bo trangt"]
//! arbeid:
//!   jobb: [jobb, "*jobb"]
//!   praksis: [praksisplass*]
//! ```
//!
//! Each key with a list (or one string) of values is a theme; nested keys become
//! themes `parent.child` (quanteda's names for nested keys). Each value is one rule:
//! a glob (`*`, `?`) per whitespace-separated word, matched as quanteda does (see
//! `matcher::glob`). YAML errors come with serde_yaml's line and column; other
//! problems (a value that is not a string, an empty key or dictionary) with the line.

use super::pattern::parse_glob;
use super::{LexiconError, LexiconErrors, Rule, RuleKind, Theme};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A key's content: values (patterns) or nested keys, in file order.
#[derive(Debug)]
enum Node {
    Values(Vec<String>),
    Keys(Vec<(String, Node)>),
    /// `key:` with nothing after it.
    Empty,
}

/// A scalar that may stand for text: a string, or a number written without quotes.
struct Text(String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string (a pattern or key)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Err(E::custom(format!(
                    "`{v}` is not a string; put it in quotes if it is a pattern"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Err(E::custom("empty value (null) where a string was expected"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Text, A::Error> {
                Err(de::Error::custom(
                    "a list inside a list of patterns; a value must be a string",
                ))
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Text, A::Error> {
                Err(de::Error::custom(
                    "a mapping inside a list of patterns; a value must be a string",
                ))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of patterns or nested keys")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Values(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Values(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Values(vec![v.to_string()]))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Values(vec![v.to_string()]))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
                Err(E::custom(format!(
                    "`{v}` is not a string; put it in quotes if it is a pattern"
                )))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
                Ok(Node::Empty)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
                let mut out = Vec::new();
                while let Some(Text(v)) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Node::Values(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
                let mut out: Vec<(String, Node)> = Vec::new();
                while let Some(Text(k)) = map.next_key()? {
                    let k = k.trim().to_string();
                    if k.is_empty() {
                        return Err(de::Error::custom("empty key"));
                    }
                    if out.iter().any(|(o, _)| *o == k) {
                        return Err(de::Error::custom(format!("duplicate key `{k}`")));
                    }
                    let v: Node = map.next_value()?;
                    out.push((k, v));
                }
                Ok(Node::Keys(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// Parses a quanteda YAML dictionary into themes and rules.
pub fn parse(file: &str, text: &str) -> Result<(Vec<Theme>, Vec<Rule>), LexiconErrors> {
    let err = |line: usize, message: String| {
        LexiconErrors(vec![LexiconError {
            file: file.to_string(),
            line,
            rule: None,
            message,
        }])
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text
        .lines()
        .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
    {
        return Err(err(0, "empty dictionary: no keys".into()));
    }
    let root: Node = serde_yaml::from_str(text).map_err(|e| yaml_error(file, &e))?;
    let keys = match root {
        Node::Keys(keys) if !keys.is_empty() => keys,
        Node::Keys(_) | Node::Empty => return Err(err(0, "empty dictionary: no keys".into())),
        Node::Values(_) => {
            return Err(err(1, "a dictionary is a mapping of keys to lists of patterns (`theme: [word, \"a phrase\"]`), not a list".into()))
        }
    };
    let mut lines = LineFinder::new(text);
    let mut themes = Vec::new();
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    flatten(
        file,
        "",
        keys,
        &mut lines,
        &mut themes,
        &mut rules,
        &mut errors,
    );
    if errors.is_empty() {
        Ok((themes, rules))
    } else {
        Err(LexiconErrors(errors))
    }
}

fn flatten(
    file: &str,
    prefix: &str,
    keys: Vec<(String, Node)>,
    lines: &mut LineFinder,
    themes: &mut Vec<Theme>,
    rules: &mut Vec<Rule>,
    errors: &mut Vec<LexiconError>,
) {
    for (key, node) in keys {
        let id = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let line = lines.key(&key);
        let err = |message: String, rule: Option<&str>| LexiconError {
            file: file.to_string(),
            line,
            rule: rule.map(str::to_string),
            message,
        };
        if id.chars().any(char::is_control) {
            errors.push(err(
                format!("key `{}` contains a control character", id.escape_debug()),
                None,
            ));
            continue;
        }
        if is_empty(&node) {
            errors.push(err(format!("key `{id}` has no patterns"), None));
            continue;
        }
        match node {
            Node::Keys(sub) => flatten(file, &id, sub, lines, themes, rules, errors),
            Node::Values(values) => {
                if let Some(prev) = themes.iter().find(|t: &&Theme| t.id == id) {
                    errors.push(err(
                        format!(
                            "theme `{id}` is already defined at {}:{}",
                            prev.file, prev.line
                        ),
                        None,
                    ));
                    continue;
                }
                let theme = themes.len();
                themes.push(imported_theme(&id, file, line, "quanteda dictionary"));
                for v in values {
                    let source = v.trim().to_string();
                    let vline = lines.value(&source);
                    match parse_glob(&source) {
                        Ok(pattern) => rules.push(Rule {
                            theme,
                            kind: RuleKind::Term,
                            source,
                            pattern,
                            file: file.to_string(),
                            line: vline,
                        }),
                        Err(message) => errors.push(LexiconError {
                            file: file.to_string(),
                            line: vline,
                            rule: Some(v),
                            message: format!("key `{id}`: {message}"),
                        }),
                    }
                }
            }
            Node::Empty => {}
        }
    }
}

fn is_empty(node: &Node) -> bool {
    match node {
        Node::Empty => true,
        Node::Keys(k) => k.is_empty(),
        Node::Values(v) => v.is_empty(),
    }
}

/// A theme made from an imported key or category: the id is also its label.
pub(crate) fn imported_theme(id: &str, file: &str, line: usize, what: &str) -> Theme {
    Theme {
        id: id.to_string(),
        nb: id.to_string(),
        nn: id.to_string(),
        en: id.to_string(),
        about: format!("imported from the {what} {file}"),
        file: file.to_string(),
        line,
        examples: Vec::new(),
    }
}

/// serde_yaml's error as `file:line:column: message`.
fn yaml_error(file: &str, e: &serde_yaml::Error) -> LexiconErrors {
    let mut message = e.to_string();
    let line = match e.location() {
        Some(loc) => {
            // serde_yaml appends " at line L column C"; the position goes in front instead.
            let suffix = format!(" at line {} column {}", loc.line(), loc.column());
            if let Some(cut) = message.find(&suffix) {
                message.replace_range(cut..cut + suffix.len(), "");
            }
            message = format!("invalid YAML (column {}): {message}", loc.column());
            loc.line()
        }
        None => {
            message = format!("invalid YAML: {message}");
            0
        }
    };
    LexiconErrors(vec![LexiconError {
        file: file.to_string(),
        line,
        rule: None,
        message,
    }])
}

/// Finds the line of each key and value by its text, scanning forward in file order
/// (serde gives positions only for errors). Good enough to point a reader at the
/// right place; if the text is not found (unusual escapes), the last line found.
struct LineFinder<'a> {
    lines: Vec<&'a str>,
    at: usize,
}

impl<'a> LineFinder<'a> {
    fn new(text: &'a str) -> Self {
        LineFinder {
            lines: text.lines().collect(),
            at: 0,
        }
    }

    fn key(&mut self, key: &str) -> usize {
        self.find(|l| {
            l.find(key).is_some_and(|i| {
                l[i + key.len()..]
                    .trim_start_matches(['"', '\''])
                    .trim_start()
                    .starts_with(':')
            })
        })
    }

    fn value(&mut self, value: &str) -> usize {
        self.find(|l| l.contains(value))
    }

    fn find(&mut self, hit: impl Fn(&str) -> bool) -> usize {
        let content = |l: &str| l.split(" #").next().unwrap_or("").to_string();
        if let Some(i) = (self.at..self.lines.len())
            .find(|&i| !self.lines[i].trim_start().starts_with('#') && hit(&content(self.lines[i])))
        {
            self.at = i;
        }
        self.at + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        parse("d.yml", text)
            .unwrap()
            .0
            .into_iter()
            .map(|t| t.id)
            .collect()
    }

    #[test]
    fn nested_keys_become_dotted_themes() {
        let y = "bolig: [bolig*, \"bo trangt\"]\narbeid:\n  jobb:\n    - jobb\n    - \"*jobb\"\n  praksis: praksisplass*\n";
        assert_eq!(ids(y), vec!["bolig", "arbeid.jobb", "arbeid.praksis"]);
        let (_, rules) = parse("d.yml", y).unwrap();
        let lines: Vec<(String, usize)> =
            rules.iter().map(|r| (r.source.clone(), r.line)).collect();
        assert_eq!(lines[1], ("bo trangt".to_string(), 1));
        assert_eq!(lines[3], ("*jobb".to_string(), 5));
        assert_eq!(lines[4], ("praksisplass*".to_string(), 6));
    }

    #[test]
    fn errors_have_lines() {
        let e = parse("d.yml", "bolig: [bolig*\narbeid: [jobb]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("d.yml:"), "{e}");
        let e = parse("d.yml", "bolig:\n  - bolig\n  - true\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("d.yml:3:") && e.contains("not a string"),
            "{e}"
        );
        let e = parse("d.yml", "bolig:\n  - [a, b]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("d.yml:2:") && e.contains("list inside a list"),
            "{e}"
        );
        let e = parse("d.yml", "# nothing\n").unwrap_err().to_string();
        assert!(e.contains("empty dictionary"), "{e}");
        let e = parse("d.yml", "a: [x]\nbolig: []\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("d.yml:2:") && e.contains("no patterns"),
            "{e}"
        );
        let e = parse("d.yml", "- a\n- b\n").unwrap_err().to_string();
        assert!(e.contains("mapping of keys"), "{e}");
    }

    #[test]
    fn numbers_are_text() {
        let (_, r) = parse("d.yml", "ukraina: [6a, 2022]\n").unwrap();
        assert_eq!(r[1].source, "2022");
    }
}
