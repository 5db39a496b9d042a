//! Criterion micro-benchmarks of the coding engine's stages:
//! - `tokenize/*`: the tokenizer alone (fast path vs the unicode-segmentation reference);
//! - `tag/*`: `Engine::tag` on one short and one long answer (default lexicon);
//! - `compile/*`: lexicon compile (`Engine::new`), default and, if present, the
//!   synthetic 20,000-rule lexicon from `scripts/synth_lexicon.py`
//!   (`TEMA_SYNTH_LEXICON`, default /tmp/bench/synth_20000.tema).
//!
//!     cargo bench --bench micro [-- FILTER]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::hint::black_box;
use std::path::PathBuf;
use tema::text::tokenize::{tokenize, tokenize_reference, Tokens};
use tema::{Engine, Lexicon};

const SHORT: &str = "Mangel på tolk og lang ventetid hos NAV.";

/// A long answer (about 1.4 KB) in the style of the bench corpus: several sentences,
/// compounds, Nynorsk, a typo and a URL.
fn long_answer() -> String {
    [
        "Formålet med undersøkelsen er å innhente kunnskap om kommunenes erfaringer i integreringsarbeidet, herunder bosetting, kvalifisering og mangfold i arbeidslivet.",
        "Det er stor mangel på kommunale boliger, og husleia i sentrum er altfor høg for einslege på introduksjonsstønad.",
        "Samarbeidet med NAV-kontoret fungerer godt, men deltakerne venter lenge på norskopplæring og kvalifisreing.",
        "Vi treng fleire tolkar med godkjenning; tolkeportalen.no er lite brukt, sjå https://www.imdi.no/tolk for meir.",
        "Frivillige lag og organisasjoner hjelper barn og unge med leksehjelp og fritidsaktiviteter etter skoletid.",
        "Helsestasjonen og fastlegen melder om behov for traumebehandling, og kapasiteten i flyktningtjenesten er sprengt.",
        "Ukrainske flyktninger med kollektiv beskyttelse bosettes raskere enn før, men boligmarkedet er stramt.",
        "Kommunen har søkt om tilskudd til kvalifisering, og arbeidsgivere i regionen ønsker flere språkpraksisplasser.",
        "Mange opplever diskriminering på leiemarkedet og i arbeidslivet.",
    ]
    .join(" ")
}

fn tokenizer(c: &mut Criterion) {
    let long = long_answer();
    let mut g = c.benchmark_group("tokenize");
    for (name, text) in [("short", SHORT), ("long", long.as_str())] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        let mut out = Tokens::new();
        g.bench_function(format!("fast/{name}"), |b| b.iter(|| tokenize(black_box(text), &mut out)));
        g.bench_function(format!("reference/{name}"), |b| b.iter(|| tokenize_reference(black_box(text), &mut out)));
    }
    g.finish();
}

fn tag(c: &mut Criterion) {
    let engine = Engine::default_engine();
    let long = long_answer();
    let mut g = c.benchmark_group("tag");
    for (name, text) in [("short", SHORT), ("long", long.as_str())] {
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| b.iter(|| engine.tag(black_box(text))));
    }
    g.finish();
}

fn compile(c: &mut Criterion) {
    let mut g = c.benchmark_group("compile");
    g.sample_size(10);
    g.bench_function("default", |b| {
        b.iter_batched(|| Lexicon::default_lexicon().expect("default lexicon"), |lex| Engine::new(lex).expect("compiles"), BatchSize::LargeInput)
    });
    let synth = std::env::var_os("TEMA_SYNTH_LEXICON").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/tmp/bench/synth_20000.tema"));
    match Lexicon::load(&synth) {
        Ok(lex) => {
            let rules = lex.rules.len();
            g.bench_function(format!("synthetic_{rules}"), |b| {
                b.iter_batched(|| lex.clone(), |lex| Engine::new(lex).expect("compiles"), BatchSize::LargeInput)
            });
        }
        Err(_) => eprintln!("compile/synthetic skipped: no {} (run scripts/synth_lexicon.py)", synth.display()),
    }
    g.finish();
}

criterion_group!(benches, tokenizer, tag, compile);
criterion_main!(benches);
