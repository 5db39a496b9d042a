//! Atomic output files.
//!
//! Results are written to a temporary file next to the target and renamed
//! over it only once everything has been written and synced. So a reader of
//! the target sees either the old file or the complete new one, never a
//! half-written file, and an error or panic halfway leaves the old file as it
//! was. The temporary file lives in the target's directory because a rename is
//! only atomic within one file system.
//!
//! `create` also refuses to write over one of the inputs: with a rename the
//! input would survive the read, but silently replacing the analyst's source
//! data with coded output is never what they meant.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A file being written atomically; see the module docs.
///
/// Write to it with [`std::io::Write`] (writes are buffered), then call
/// [`AtomicOutput::commit`]. Dropping it without committing removes the
/// temporary file and leaves the target untouched.
#[derive(Debug)]
pub struct AtomicOutput {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
    committed: bool,
}

/// Whether `a` and `b` name the same existing file (following symlinks, and
/// on Unix also catching hard links via device and inode).
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(ma), Ok(mb)) = (fs::metadata(a), fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if ma.dev() == mb.dev() && ma.ino() == mb.ino() {
            return true;
        }
    }
    let _ = (ma, mb);
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(ca), Ok(cb)) => ca == cb,
        _ => false,
    }
}

impl AtomicOutput {
    /// Start writing `path`. Fails with [`io::ErrorKind::InvalidInput`] if
    /// `path` is a directory or the same file as one of `inputs`, and with the
    /// underlying error (naming the directory) if the temporary file cannot be
    /// created. Nothing is written to `path` until [`commit`](Self::commit).
    pub fn create(path: &Path, inputs: &[&Path]) -> io::Result<Self> {
        if path.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "cannot write output to {}: it is a directory",
                    path.display()
                ),
            ));
        }
        for input in inputs {
            if same_file(path, input) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "refusing to write output to {}: it is the same file as the input {}; \
                         choose a different output path",
                        path.display(),
                        input.display()
                    ),
                ));
            }
        }
        // Write through a symlink to the file it points at, rather than
        // replacing the link itself with a regular file.
        let target = match fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_symlink() => {
                fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
            }
            _ => path.to_path_buf(),
        };
        let Some(name) = target.file_name() else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("cannot write output to {}: not a file name", path.display()),
            ));
        };
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let existing_perms = fs::metadata(&target).ok().map(|m| m.permissions());

        let pid = std::process::id();
        let mut attempt = 0;
        let (file, temp) = loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let mut tmp_name = std::ffi::OsString::from(".");
            tmp_name.push(name);
            tmp_name.push(format!(".tmp-{pid}-{n}"));
            let temp = dir.join(tmp_name);
            match OpenOptions::new().write(true).create_new(true).open(&temp) {
                Ok(f) => break (f, temp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => attempt += 1,
                Err(e) => {
                    return Err(io::Error::new(
                        e.kind(),
                        format!(
                            "cannot write output to {}: cannot create a temporary file in {}: {e}",
                            path.display(),
                            dir.display()
                        ),
                    ))
                }
            }
        };
        if let Some(p) = existing_perms {
            // Best effort: keep the mode of the file we are replacing.
            let _ = file.set_permissions(p);
        }
        Ok(AtomicOutput {
            target,
            temp,
            writer: Some(BufWriter::new(file)),
            committed: false,
        })
    }

    /// The file that [`commit`](Self::commit) will replace.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flush, fsync and rename the temporary file over the target. On error
    /// the target is untouched and the temporary file is removed.
    pub fn commit(mut self) -> io::Result<()> {
        let named = |e: io::Error, what: &str| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot write output to {}: {what}: {e}",
                    self.target.display()
                ),
            )
        };
        let writer = self
            .writer
            .take()
            .ok_or_else(|| io::Error::other("output already committed"))?;
        let file = writer
            .into_inner()
            .map_err(|e| named(e.into_error(), "write failed"))?;
        file.sync_all().map_err(|e| named(e, "sync failed"))?;
        drop(file);
        fs::rename(&self.temp, &self.target).map_err(|e| named(e, "rename failed"))?;
        self.committed = true;
        // Make the rename itself durable; failure here is not worth an error.
        #[cfg(unix)]
        if let Some(dir) = self.target.parent() {
            let dir = if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            };
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }

    fn writer(&mut self) -> io::Result<&mut BufWriter<File>> {
        self.writer
            .as_mut()
            .ok_or_else(|| io::Error::other("output already committed"))
    }
}

impl Write for AtomicOutput {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer()?.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer()?.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer()?.flush()
    }
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if !self.committed {
            // Close before removing (matters on Windows).
            drop(self.writer.take());
            let _ = fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn commit_creates_file() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("ut.csv");
        let mut out = AtomicOutput::create(&target, &[]).unwrap();
        assert_eq!(out.path(), target.as_path());
        out.write_all(b"id,tema\n").unwrap();
        writeln!(out, "1,pris").unwrap();
        // Nothing visible at the target before commit.
        assert!(!target.exists());
        out.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "id,tema\n1,pris\n");
        assert_eq!(entries(d.path()), vec!["ut.csv"]);
    }

    #[test]
    fn commit_replaces_existing_file() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("ut.csv");
        fs::write(&target, "gammel").unwrap();
        let mut out = AtomicOutput::create(&target, &[]).unwrap();
        out.write_all(b"ny").unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "gammel");
        out.commit().unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "ny");
        assert_eq!(entries(d.path()), vec!["ut.csv"]);
    }

    #[test]
    fn drop_without_commit_removes_temp_and_keeps_target() {
        let d = tempfile::tempdir().unwrap();
        let target = d.path().join("ut.csv");
        fs::write(&target, "gammel").unwrap();
        {
            let mut out = AtomicOutput::create(&target, &[]).unwrap();
            out.write_all(&vec![b'x'; 100_000]).unwrap();
            assert_eq!(entries(d.path()).len(), 2);
        }
        assert_eq!(fs::read_to_string(&target).unwrap(), "gammel");
        assert_eq!(entries(d.path()), vec!["ut.csv"]);
        {
            let _out = AtomicOutput::create(&d.path().join("ny.csv"), &[]).unwrap();
        }
        assert_eq!(entries(d.path()), vec!["ut.csv"]);
    }

    #[test]
    fn refuses_same_file_as_input() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("svar.csv");
        fs::write(&input, "id,text\n1,x\n").unwrap();
        let other = d.path().join("annet.csv");
        fs::write(&other, "x").unwrap();
        // Same path spelled differently.
        let sneaky = d.path().join(".").join("svar.csv");
        let e = AtomicOutput::create(&sneaky, &[other.as_path(), input.as_path()]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("same file as the input"), "{e}");
        assert_eq!(fs::read_to_string(&input).unwrap(), "id,text\n1,x\n");
        assert_eq!(entries(d.path()), vec!["annet.csv", "svar.csv"]);
        // A different, existing output is fine.
        assert!(AtomicOutput::create(&other, &[input.as_path()]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlink_and_hard_link_to_input() {
        let d = tempfile::tempdir().unwrap();
        let input = d.path().join("svar.csv");
        fs::write(&input, "data").unwrap();
        let link = d.path().join("lenke.csv");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let e = AtomicOutput::create(&link, &[input.as_path()]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let hard = d.path().join("hard.csv");
        fs::hard_link(&input, &hard).unwrap();
        let e = AtomicOutput::create(&hard, &[input.as_path()]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_symlink() {
        let d = tempfile::tempdir().unwrap();
        let real = d.path().join("real.csv");
        fs::write(&real, "old").unwrap();
        let link = d.path().join("link.csv");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut out = AtomicOutput::create(&link, &[]).unwrap();
        out.write_all(b"new").unwrap();
        out.commit().unwrap();
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn errors_name_the_path() {
        let d = tempfile::tempdir().unwrap();
        let e = AtomicOutput::create(d.path(), &[]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        let missing = d.path().join("finnes-ikke").join("ut.csv");
        let e = AtomicOutput::create(&missing, &[]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(e.to_string().contains("finnes-ikke"), "{e}");
    }

    #[test]
    fn relative_path_in_current_dir_has_a_parent() {
        // A bare file name must put the temp file in "." — just check that
        // the directory computation does not fail for such a path.
        let p = Path::new("bare-name-that-is-never-created.csv");
        let out = AtomicOutput::create(p, &[]).unwrap();
        drop(out);
        assert!(!p.exists());
    }
}
