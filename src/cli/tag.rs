//! `tema tag`: one coded record per answer, JSONL or CSV.

use super::{emit, read_input, CliResult, InputArgs};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tema::io::Dataset;
use tema::{Coded, Engine};

#[derive(Args, Debug)]
pub struct TagArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Output format
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: TagFormat,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TagFormat {
    Jsonl,
    Csv,
}

pub fn run(engine: &Engine, a: TagArgs) -> CliResult {
    let data = read_input(&a.input)?;
    let texts: Vec<&str> = data.answers.iter().map(|x| x.text.as_str()).collect();
    let coded = engine.tag_batch(&texts);
    emit(a.output.as_deref(), &[&a.input.input], |w| match a.format {
        TagFormat::Jsonl => write_jsonl(w, engine, &data, &coded),
        TagFormat::Csv => write_csv(w, engine, &data, &coded),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Names that the output object uses itself; an input column with one of these names
/// is written as `input_NAME` instead of being overwritten.
const RESERVED: &[&str] = &["id", "themes", "hits"];

fn write_jsonl(w: &mut dyn Write, engine: &Engine, data: &Dataset, coded: &[Coded]) -> std::io::Result<()> {
    let keys: Vec<String> = data
        .columns
        .iter()
        .map(|c| if RESERVED.contains(&c.as_str()) { format!("input_{c}") } else { c.clone() })
        .collect();
    for (ans, c) in data.answers.iter().zip(coded) {
        w.write_all(b"{\"id\":")?;
        serde_json::to_writer(&mut *w, &ans.id)?;
        for (ci, key) in keys.iter().enumerate() {
            if Some(ci) == data.id_column {
                continue;
            }
            w.write_all(b",")?;
            serde_json::to_writer(&mut *w, key)?;
            w.write_all(b":")?;
            serde_json::to_writer(&mut *w, ans.fields.get(ci).map(String::as_str).unwrap_or(""))?;
        }
        w.write_all(b",\"themes\":")?;
        serde_json::to_writer(&mut *w, &engine.theme_ids(c))?;
        w.write_all(b",\"hits\":")?;
        let hits: Vec<_> = c.hits.iter().map(|h| engine.hit_json(&ans.text, h)).collect();
        serde_json::to_writer(&mut *w, &hits)?;
        w.write_all(b"}\n")?;
    }
    Ok(())
}

fn write_csv(w: &mut dyn Write, engine: &Engine, data: &Dataset, coded: &[Coded]) -> std::io::Result<()> {
    let lex = engine.lexicon();
    let mut out = csv::Writer::from_writer(w);
    let own_id = data.id_column.is_none();
    let mut header: Vec<String> = Vec::new();
    if own_id {
        header.push(if data.columns.iter().any(|c| c == "id") { "row".into() } else { "id".into() });
    }
    header.extend(data.columns.iter().cloned());
    header.push("themes".into());
    header.extend(lex.themes.iter().map(|t| t.id.clone()));
    out.write_record(&header)?;
    let mut row: Vec<String> = Vec::with_capacity(header.len());
    for (ans, c) in data.answers.iter().zip(coded) {
        row.clear();
        if own_id {
            row.push(ans.id.clone());
        }
        row.extend(ans.fields.iter().cloned());
        row.push(engine.theme_ids(c).join(";"));
        for ti in 0..lex.themes.len() {
            row.push(if c.themes.contains(&ti) { "1".into() } else { "0".into() });
        }
        out.write_record(&row)?;
    }
    out.flush()?;
    Ok(())
}
