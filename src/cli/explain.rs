//! `tema explain "TEXT"`: everything the engine saw and decided for one text.

use super::{emit, CliResult};
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use tema::text::TokenKind;
use tema::Engine;

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// The answer text to explain
    pub text: String,
    #[arg(long, value_enum, default_value = "text")]
    pub format: ExplainFormat,
    /// Write to this file (atomically) instead of standard output
    #[arg(short, long, value_name = "PATH")]
    pub output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExplainFormat {
    Text,
    Json,
}

pub fn run(engine: &Engine, a: ExplainArgs) -> CliResult {
    let text = a.text.as_str();
    let coded = engine.explain(text);
    let tokens = engine.matcher().tokens(text);
    let lex = engine.lexicon();
    let rule_at = |r: usize| format!("{}:{}", lex.rules[r].file, lex.rules[r].line);
    emit(a.output.as_deref(), &[], |w: &mut dyn Write| {
        if a.format == ExplainFormat::Json {
            let v = serde_json::json!({
                "text": text,
                "themes": engine.theme_ids(&coded),
                "tokens": tokens.tokens.iter().map(|t| serde_json::json!({
                    "text": &text[t.start..t.end], "kind": kind_name(t.kind), "start": t.start, "end": t.end, "sentence": t.sentence,
                })).collect::<Vec<_>>(),
                "hits": coded.hits.iter().map(|h| {
                    let mut j = serde_json::to_value(engine.hit_json(text, h)).unwrap_or_default();
                    j["at"] = rule_at(h.rule).into();
                    j
                }).collect::<Vec<_>>(),
                "vetoed": coded.vetoed.iter().map(|v| serde_json::json!({
                    "hit": engine.hit_json(text, &v.hit),
                    "except": engine.rule_label(&v.by),
                    "except_text": &text[v.by.start..v.by.end],
                    "at": rule_at(v.by.rule),
                })).collect::<Vec<_>>(),
            });
            serde_json::to_writer_pretty(&mut *w, &v)?;
            return writeln!(w);
        }
        writeln!(w, "lexicon: {} ({})", lex.name, lex.version)?;
        writeln!(w, "tokens:")?;
        for t in &tokens.tokens {
            writeln!(
                w,
                "  [{}] {:>4}..{:<4} {:<6} {}",
                t.sentence,
                t.start,
                t.end,
                kind_name(t.kind),
                &text[t.start..t.end]
            )?;
        }
        writeln!(w, "hits:")?;
        if coded.hits.is_empty() {
            writeln!(w, "  (none)")?;
        }
        for h in &coded.hits {
            writeln!(
                w,
                "  {:<20} \"{}\" {}..{}  rule `{}` ({})",
                lex.themes[h.theme].id,
                &text[h.start..h.end],
                h.start,
                h.end,
                engine.rule_label(h),
                rule_at(h.rule)
            )?;
        }
        if !coded.vetoed.is_empty() {
            writeln!(w, "vetoed (near-misses):")?;
            for v in &coded.vetoed {
                writeln!(
                    w,
                    "  {:<20} \"{}\" rule `{}` vetoed by `except {}` on \"{}\" ({})",
                    lex.themes[v.hit.theme].id,
                    &text[v.hit.start..v.hit.end],
                    engine.rule_label(&v.hit),
                    engine.rule_label(&v.by),
                    &text[v.by.start..v.by.end],
                    rule_at(v.by.rule)
                )?;
            }
        }
        let ids = engine.theme_ids(&coded);
        writeln!(
            w,
            "themes: {}",
            if ids.is_empty() {
                "(none)".to_string()
            } else {
                ids.join(", ")
            }
        )
    })?;
    Ok(ExitCode::SUCCESS)
}

fn kind_name(k: TokenKind) -> &'static str {
    match k {
        TokenKind::Word => "word",
        TokenKind::Number => "number",
        TokenKind::Url => "url",
        TokenKind::Email => "email",
        TokenKind::Symbol => "symbol",
    }
}
