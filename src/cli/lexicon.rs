//! `tema lexicon check [PATH]`: errors (file:line, rule), warnings, and the examples.
//! `tema lexicon export --to yaml|dic`: the lexicon as a quanteda or LIWC dictionary.

use super::{emit, load_lexicon, CliError, CliResult, EXIT_FAILED, EXIT_LEXICON};
use clap::{Subcommand, ValueEnum};
use tema::lexicon::export::{export, Format};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tema::lexicon::check::{run_examples, warnings};
use tema::Engine;

#[derive(Subcommand, Debug)]
pub enum LexiconCommand {
    /// Validate a lexicon, warn about redundant or dead rules, run its examples
    Check {
        /// A .tema file or a folder of them (default: --lexicon, else the embedded default)
        path: Option<PathBuf>,
    },
    /// Write the lexicon out as a quanteda YAML dictionary or a LIWC .dic file; rules
    /// with no equivalent there are listed on stderr (and in the YAML's header)
    Export {
        /// Target format
        #[arg(long, value_enum, value_name = "FORMAT")]
        to: ExportFormat,
        /// Write to this file (atomically) instead of standard output
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
    },
}

pub fn run(global: Option<&Path>, cmd: LexiconCommand) -> CliResult {
    match cmd {
        LexiconCommand::Check { path } => check(path.as_deref().or(global)),
        LexiconCommand::Export { to, output } => export_cmd(global, to, output.as_deref()),
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// quanteda YAML dictionary (R: quanteda::dictionary(file = ...))
    Yaml,
    /// LIWC dictionary (.dic)
    Dic,
}

fn export_cmd(lexicon: Option<&Path>, to: ExportFormat, output: Option<&Path>) -> CliResult {
    let lex = load_lexicon(lexicon)?;
    let format = match to {
        ExportFormat::Yaml => Format::Yaml,
        ExportFormat::Dic => Format::Dic,
    };
    let e = export(&lex, format);
    // The lexicon is an input: never write the export over it.
    let lexicon_path = lexicon.map(|p| p.to_string_lossy().to_string());
    let inputs: Vec<&str> = lexicon_path.iter().map(String::as_str).collect();
    emit(output, &inputs, |w| w.write_all(e.text.as_bytes()))?;
    for s in &e.skipped {
        eprintln!("{s}");
    }
    Ok(ExitCode::SUCCESS)
}

fn check(path: Option<&Path>) -> CliResult {
    let lex = load_lexicon(path)?;
    let warns = warnings(&lex);
    for w in &warns {
        eprintln!("warning: {w}");
    }
    let (themes, rules) = (lex.themes.len(), lex.rules.len());
    let (name, version) = (lex.name.clone(), lex.version.clone());
    let engine = Engine::new(lex).map_err(|e| CliError::new(EXIT_LEXICON, format!("invalid lexicon:\n{e}")))?;
    let (n, failures) = run_examples(&engine);
    for f in &failures {
        let what = if f.must { "must be coded" } else { "must not be coded" };
        eprintln!("{}:{}: example {what} `{}`: \"{}\" (got: {})", f.file, f.line, f.theme, f.text, if f.got.is_empty() { "no theme".into() } else { f.got.join(", ") });
        for e in &f.evidence {
            eprintln!("    {e}");
        }
    }
    println!(
        "lexicon {name} ({version}): {themes} themes, {rules} rules, {} warnings, {n} examples, {} failed",
        warns.len(),
        failures.len()
    );
    if failures.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(EXIT_FAILED))
    }
}
