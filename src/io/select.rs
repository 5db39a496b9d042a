//! Choosing the text column(s): one name, a comma-separated list, or `*`/`?`
//! globs for wide exports with one column per open question.

use super::read::{choose_text_column, find_column, list_columns};

/// The text columns for `spec` (`None` = the usual default single column).
///
/// A spec that names a column exactly (even one containing a comma or `*`)
/// is that column. Otherwise it is split at commas; each part is a column
/// name (same rules as `find_column`) or a glob matched against every column
/// name ignoring case, giving the matches in column order. Duplicates are
/// dropped; a glob that matches nothing is an error listing the columns.
pub(crate) fn text_columns(columns: &[String], spec: Option<&str>) -> Result<Vec<usize>, String> {
    let Some(spec) = spec else {
        return choose_text_column(columns, None).map(|c| vec![c]);
    };
    if let Ok(c) = find_column(columns, spec) {
        return Ok(vec![c]);
    }
    let mut out: Vec<usize> = Vec::new();
    for part in spec.split(',').map(str::trim) {
        if part.is_empty() {
            continue;
        }
        let found = if part.contains(['*', '?']) {
            let matched: Vec<usize> = (0..columns.len())
                .filter(|&i| glob_match(part, &columns[i]))
                .collect();
            if matched.is_empty() {
                return Err(format!(
                    "no column matches \"{part}\"; the columns are: {}",
                    list_columns(columns)
                ));
            }
            matched
        } else {
            vec![find_column(columns, part)?]
        };
        for c in found {
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    if out.is_empty() {
        return find_column(columns, spec).map(|c| vec![c]);
    }
    Ok(out)
}

/// `*` = any run of characters, `?` = one character; case and surrounding
/// spaces of the name are ignored, as in column lookup.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.trim().to_lowercase().chars().collect();
    let n: Vec<char> = name.trim().to_lowercase().chars().collect();
    // Iterative matcher with backtracking to the last `*`.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn globs() {
        assert!(glob_match("q1*", "Q12_utfordringer"));
        assert!(glob_match("q1?", "q14"));
        assert!(!glob_match("q1?", "q140"));
        assert!(glob_match("*ring*", "q12_utfordringer"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("q1*", "aq1"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }

    #[test]
    fn specs() {
        let c = cols(&["id", "q12", "kommune", "q14", "Q15 annet"]);
        assert_eq!(text_columns(&c, Some("q12,q14")), Ok(vec![1, 3]));
        assert_eq!(text_columns(&c, Some("q1*")), Ok(vec![1, 3, 4]));
        assert_eq!(text_columns(&c, Some("q14, q1*")), Ok(vec![3, 1, 4]));
        assert_eq!(text_columns(&c, Some("Q12")), Ok(vec![1]));
        let e = text_columns(&c, Some("x*")).unwrap_err();
        assert!(
            e.contains("no column matches \"x*\"") && e.contains("kommune"),
            "{e}"
        );
        let e = text_columns(&c, Some("q12,q99")).unwrap_err();
        assert!(e.contains("\"q99\" not found"), "{e}");
        // A real column name with a comma is taken whole.
        let c = cols(&["id", "Bra, eller dårlig?"]);
        assert_eq!(text_columns(&c, Some("Bra, eller dårlig?")), Ok(vec![1]));
    }
}
