//! Embeds lexicons/default/*.tema into the binary (the default lexicon), in name order.
use std::{env, fs, path::Path};

fn main() {
    let dir = Path::new("lexicons/default");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "tema")).collect())
        .unwrap_or_default();
    files.sort();
    let mut code = String::from("/// (file name, contents) of the embedded default lexicon.\npub static DEFAULT_FILES: &[(&str, &str)] = &[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let abs = fs::canonicalize(f).expect("lexicon path");
        code.push_str(&format!(
            "    ({:?}, include_str!({:?})),\n",
            f.file_name().unwrap().to_string_lossy(),
            abs.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out = Path::new(&env::var("OUT_DIR").unwrap()).join("default_lexicon.rs");
    fs::write(out, code).expect("write default_lexicon.rs");
}
