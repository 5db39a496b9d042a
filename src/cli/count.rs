//! `tema count`: answers per theme, share of non-empty answers, N, and a crosstab.

use super::{emit, read_input, CliError, CliResult, InputArgs};
use clap::{Args, ValueEnum};
use serde::Serialize;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tema::report::{Counts, Tally};
use tema::Engine;

#[derive(Args, Debug)]
pub struct CountArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Also count per value of this column (a crosstab, e.g. per rolle)
    #[arg(long, value_name = "COLUMN")]
    pub by: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "table")]
    pub format: CountFormat,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum CountFormat {
    Table,
    Csv,
    Json,
}

pub fn run(engine: &Engine, a: CountArgs) -> CliResult {
    let data = read_input(&a.input)?;
    let by = match &a.by {
        Some(col) => Some(data.column_index(col).map_err(CliError::input)?),
        None => None,
    };
    let texts: Vec<&str> = data.answers.iter().map(|x| x.text.as_str()).collect();
    let coded = engine.tag_batch(&texts);
    let mut counts = Counts::new(engine.lexicon().themes.len());
    for (ans, c) in data.answers.iter().zip(&coded) {
        counts.add(&ans.text, c, by.map(|b| ans.fields[b].as_str()));
    }
    let by_name = a.by.as_deref();
    emit(a.output.as_deref(), &[&a.input.input], |w| match a.format {
        CountFormat::Table => write_table(w, engine, &counts, by_name),
        CountFormat::Csv => write_csv(w, engine, &counts, by_name),
        CountFormat::Json => write_json(w, engine, &counts, by_name),
    })?;
    Ok(ExitCode::SUCCESS)
}

fn pct(t: &Tally, n: usize) -> String {
    format!("{:.1} %", 100.0 * t.share(n))
}

fn write_table(w: &mut dyn Write, engine: &Engine, c: &Counts, by: Option<&str>) -> std::io::Result<()> {
    let lex = engine.lexicon();
    let label_w = lex.themes.iter().map(|t| t.id.chars().count()).max().unwrap_or(5).max(10);
    let mut cols: Vec<(&str, &Tally)> = c.groups.iter().map(|(g, t)| (g.as_str(), t)).collect();
    cols.push(("total", &c.total));
    if let Some(col) = by {
        writeln!(w, "answers per theme by {col} (count and share of non-empty answers)")?;
    }
    let cell_w = cols.iter().map(|(g, _)| g.chars().count()).max().unwrap_or(5).max(15);
    write!(w, "{:<label_w$}", "theme")?;
    for (g, _) in &cols {
        write!(w, "  {:>cell_w$}", if by.is_some() { *g } else { "answers    share" })?;
    }
    writeln!(w)?;
    let cell = |t: &Tally, n: usize| format!("{n:>6}  {:>7}", pct(t, n));
    for (ti, theme) in lex.themes.iter().enumerate() {
        write!(w, "{:<label_w$}", theme.id)?;
        for (_, t) in &cols {
            write!(w, "  {:>cell_w$}", cell(t, t.themes[ti]))?;
        }
        writeln!(w)?;
    }
    write!(w, "{:<label_w$}", "(no theme)")?;
    for (_, t) in &cols {
        write!(w, "  {:>cell_w$}", cell(t, t.no_theme))?;
    }
    writeln!(w)?;
    write!(w, "{:<label_w$}", "N")?;
    for (_, t) in &cols {
        write!(w, "  {:>cell_w$}", format!("{:>6}  {:>7}", t.n, ""))?;
    }
    writeln!(w)?;
    write!(w, "{:<label_w$}", "(empty)")?;
    for (_, t) in &cols {
        write!(w, "  {:>cell_w$}", format!("{:>6}  {:>7}", t.empty, ""))?;
    }
    writeln!(w)?;
    writeln!(w, "N = non-empty answers; an answer can have several themes, so shares add up to more than 100 %.")?;
    Ok(())
}

fn write_csv(w: &mut dyn Write, engine: &Engine, c: &Counts, by: Option<&str>) -> std::io::Result<()> {
    let lex = engine.lexicon();
    let mut out = csv::Writer::from_writer(w);
    let mut groups: Vec<(&str, &Tally)> = c.groups.iter().map(|(g, t)| (g.as_str(), t)).collect();
    groups.push(("", &c.total));
    let mut header = vec!["theme", "answers", "share", "n"];
    if let Some(col) = by {
        header.insert(0, col);
    }
    out.write_record(&header)?;
    for (g, t) in groups {
        if by.is_none() && !g.is_empty() {
            continue;
        }
        let group = if g.is_empty() { "(total)" } else { g };
        let mut rows: Vec<(String, usize)> = lex.themes.iter().enumerate().map(|(i, th)| (th.id.clone(), t.themes[i])).collect();
        rows.push(("(no theme)".into(), t.no_theme));
        for (theme, count) in rows {
            let mut rec = vec![theme, count.to_string(), format!("{:.4}", t.share(count)), t.n.to_string()];
            if by.is_some() {
                rec.insert(0, group.to_string());
            }
            out.write_record(&rec)?;
        }
    }
    out.flush()?;
    Ok(())
}

#[derive(Serialize)]
struct ThemeCount<'a> {
    theme: &'a str,
    label: &'a str,
    answers: usize,
    share: f64,
}

#[derive(Serialize)]
struct TallyJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    n: usize,
    empty: usize,
    no_theme: usize,
    themes: Vec<ThemeCount<'a>>,
}

fn tally_json<'a>(engine: &'a Engine, t: &Tally, group: Option<&'a str>) -> TallyJson<'a> {
    let lex = engine.lexicon();
    TallyJson {
        group,
        n: t.n,
        empty: t.empty,
        no_theme: t.no_theme,
        themes: lex
            .themes
            .iter()
            .enumerate()
            .map(|(i, th)| ThemeCount { theme: &th.id, label: &th.nb, answers: t.themes[i], share: t.share(t.themes[i]) })
            .collect(),
    }
}

fn write_json(w: &mut dyn Write, engine: &Engine, c: &Counts, by: Option<&str>) -> std::io::Result<()> {
    let lex = engine.lexicon();
    let mut v = serde_json::json!({
        "lexicon": {"name": lex.name, "version": lex.version},
        "total": tally_json(engine, &c.total, None),
    });
    if let Some(col) = by {
        v["by"] = serde_json::json!({
            "column": col,
            "groups": c.groups.iter().map(|(g, t)| tally_json(engine, t, Some(g))).collect::<Vec<_>>(),
        });
    }
    serde_json::to_writer_pretty(&mut *w, &v)?;
    writeln!(w)?;
    Ok(())
}
