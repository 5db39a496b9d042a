//! Plain CSV, or CSV that a double-click opens correctly in Norwegian Excel.
//!
//! `Excel` style (`--excel`):
//! - UTF-8 with a byte-order mark, so Excel does not read æøå as Windows-1252;
//! - `;` between fields and CRLF line ends, as Excel expects where the decimal
//!   separator is a comma (Norwegian settings);
//! - decimals with a comma (`0,2500`), so shares are numbers there, not text;
//! - a formula guard: a cell that Excel would run as a formula (starting with `=`,
//!   `+`, `-`, `@`, tab or carriage return, and not simply a number such as `-3` or
//!   a lone `-`) gets a leading apostrophe `'`. Excel shows the apostrophe, which
//!   marks the cell as guarded; answers are otherwise unchanged.
//!
//! `Plain` style writes RFC 4180 CSV with `,`, `.` decimals and every answer exactly
//! as it was (no guard), for other programs.

use std::io::{self, Write};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CsvStyle {
    #[default]
    Plain,
    Excel,
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

impl CsvStyle {
    /// A CSV writer in this style (the BOM, for Excel, is written at once).
    pub fn writer<W: Write>(self, mut w: W) -> io::Result<csv::Writer<W>> {
        let mut b = csv::WriterBuilder::new();
        if self == CsvStyle::Excel {
            w.write_all(BOM)?;
            b.delimiter(b';').terminator(csv::Terminator::CRLF);
        }
        Ok(b.from_writer(w))
    }

    /// `x` with `places` decimals, with a decimal comma in Excel style.
    pub fn decimal(self, x: f64, places: usize) -> String {
        let s = format!("{x:.places$}");
        match self {
            CsvStyle::Plain => s,
            CsvStyle::Excel => s.replace('.', ","),
        }
    }

    /// The cell text to write for `s`: guarded against formula injection in Excel
    /// style (using `buf`), unchanged otherwise.
    pub fn cell<'a>(self, s: &'a str, buf: &'a mut String) -> &'a str {
        if self == CsvStyle::Excel && needs_formula_guard(s) {
            buf.clear();
            buf.push('\'');
            buf.push_str(s);
            buf.as_str()
        } else {
            s
        }
    }
}

/// Would Excel treat this cell as a formula? (See the module docs.)
pub fn needs_formula_guard(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !matches!(first, '=' | '+' | '-' | '@' | '\t' | '\r') {
        return false;
    }
    if s == "-" || s == "+" {
        return false;
    }
    // A plain number ("-3", "+47 1234" is not one) is data, not a formula.
    let number = s.trim().replace(',', ".");
    !(number.len() > 1
        && number.parse::<f64>().is_ok_and(f64::is_finite)
        && !number.contains(['e', 'E', 'i', 'I', 'n', 'N']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_guard_catches_formulas_not_numbers() {
        for f in [
            "=1+1",
            "=HYPERLINK(\"http://x\")",
            "+47 99 99 99 99",
            "-2+3",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "=",
            "@",
            "-inf",
            "-1e5",
            "+NaN",
        ] {
            assert!(needs_formula_guard(f), "{f:?}");
        }
        for s in [
            "", "-", "+", "-3", "-3,5", "+4.25", "bolig", "a=b", "vet ikke", " =1",
        ] {
            assert!(!needs_formula_guard(s), "{s:?}");
        }
    }

    #[test]
    fn excel_style_has_bom_semicolons_decimal_comma_and_guard() {
        let mut out = Vec::new();
        {
            let style = CsvStyle::Excel;
            let mut w = style.writer(&mut out).unwrap();
            let mut buf = String::new();
            w.write_record([style.cell("=1+1", &mut buf), &style.decimal(0.25, 4), "æ;ø"])
                .unwrap();
            w.flush().unwrap();
        }
        assert_eq!(out, "\u{feff}'=1+1;0,2500;\"æ;ø\"\r\n".as_bytes());

        let mut out = Vec::new();
        {
            let style = CsvStyle::Plain;
            let mut w = style.writer(&mut out).unwrap();
            let mut buf = String::new();
            w.write_record([style.cell("=1+1", &mut buf), &style.decimal(0.25, 4)])
                .unwrap();
            w.flush().unwrap();
        }
        assert_eq!(out, b"=1+1,0.2500\n", "plain CSV never alters an answer");
    }
}
