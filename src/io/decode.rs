//! Turning input bytes into checked UTF-8, whatever encoding the file is in.
//!
//! [`detect`] decides the encoding from a bounded prefix (byte-order mark,
//! `--encoding`, or a Windows-1252 guess); [`TextStream`] then hands out the
//! text in chunks, transcoding if needed, and stops at the first byte it cannot
//! read faithfully with an error that names the line and column. Positions are
//! counted in the decoded text, which is what the user sees in an editor.

use std::io::Read;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

use super::read::InputError;

/// Size of the chunks read from the input.
const CHUNK: usize = 256 * 1024;

/// How the encoding of an input was decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingSource {
    /// No byte-order mark, no `--encoding`, and the text is UTF-8 (the default).
    Default,
    /// A byte-order mark at the start of the file.
    Bom,
    /// Given with `--encoding`.
    Option,
    /// Guessed from the content: not UTF-8, but typical Windows-1252 letters.
    Guessed,
}

/// The encoding chosen for an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Detected {
    pub encoding: &'static Encoding,
    /// Length of the byte-order mark to skip.
    pub bom_len: usize,
    pub source: EncodingSource,
}

/// Decide the encoding from the first bytes of the input. A BOM wins over
/// `label`; without either, UTF-8 is assumed unless the prefix is clearly
/// Windows-1252 (see [`looks_like_windows_1252`]).
pub(crate) fn detect(prefix: &[u8], label: Option<&str>) -> Result<Detected, String> {
    let bom = |encoding, bom_len| Detected {
        encoding,
        bom_len,
        source: EncodingSource::Bom,
    };
    if prefix.starts_with(b"\xEF\xBB\xBF") {
        return Ok(bom(UTF_8, 3));
    }
    if prefix.starts_with(b"\xFF\xFE") {
        return Ok(bom(UTF_16LE, 2));
    }
    if prefix.starts_with(b"\xFE\xFF") {
        return Ok(bom(UTF_16BE, 2));
    }
    if let Some(label) = label {
        let encoding =
            Encoding::for_label_no_replacement(label.trim().as_bytes()).ok_or_else(|| {
                format!(
                    "unknown encoding \"{label}\"; use e.g. utf-8, windows-1252, iso-8859-1, \
                 utf-16le or utf-16be"
                )
            })?;
        return Ok(Detected {
            encoding,
            bom_len: 0,
            source: EncodingSource::Option,
        });
    }
    if looks_like_windows_1252(prefix) {
        return Ok(Detected {
            encoding: WINDOWS_1252,
            bom_len: 0,
            source: EncodingSource::Guessed,
        });
    }
    Ok(Detected {
        encoding: UTF_8,
        bom_len: 0,
        source: EncodingSource::Default,
    })
}

/// True when `bytes` are not UTF-8, hold no multi-byte UTF-8 character at all
/// (so they are not UTF-8 with a stray bad byte), and every non-ASCII byte is
/// a letter or common punctuation in Windows-1252, with at least one letter
/// (æøå, é, ü, ...). Mixed files stay errors: guessing there would mangle text.
pub(crate) fn looks_like_windows_1252(bytes: &[u8]) -> bool {
    if std::str::from_utf8(bytes).is_ok() || bytes.contains(&0) {
        return false;
    }
    let mut letters = 0usize;
    for chunk in bytes.utf8_chunks() {
        if !chunk.valid().is_ascii() {
            return false;
        }
        for &b in chunk.invalid() {
            match b {
                0xC0..=0xFF if b != 0xD7 && b != 0xF7 => letters += 1,
                // € … ‘ ’ “ ” – — nbsp § « ° ´ ½ » × ÷
                0x80
                | 0x85
                | 0x91..=0x94
                | 0x96
                | 0x97
                | 0xA0
                | 0xA7
                | 0xAB
                | 0xB0
                | 0xB4
                | 0xBD
                | 0xBB
                | 0xD7
                | 0xF7 => {}
                _ => return false,
            }
        }
    }
    letters > 0
}

/// Counts the raw bytes read, for progress bars.
pub(crate) struct CountingReader<R> {
    pub inner: R,
    pub count: Arc<AtomicU64>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Checked UTF-8 text from an input, in chunks (a `BufRead`-like interface
/// whose errors carry the position of the offending byte).
pub(crate) struct TextStream {
    source: String,
    inner: Box<dyn Read + Send>,
    /// `None`: the input is UTF-8 and is only checked, not copied.
    decoder: Option<encoding_rs::Decoder>,
    /// Raw bytes waiting to be transcoded (only with a decoder).
    raw: Vec<u8>,
    raw_len: usize,
    /// Text: `buf[start..valid]` is checked and not yet consumed;
    /// `buf[valid..end]` is an incomplete UTF-8 sequence awaiting more bytes.
    buf: Vec<u8>,
    start: usize,
    valid: usize,
    end: usize,
    eof: bool,
    /// The first problem found; handed out once the text before it is consumed.
    failed: Option<InputError>,
    /// Line (1-based) and characters since the last newline, at `buf[valid]`.
    line: u64,
    col: u64,
    /// Whether to suggest `--encoding windows-1252` for a bad byte.
    suggest_encoding: bool,
}

impl TextStream {
    /// `inner` must start right after any byte-order mark.
    pub fn new(source: &str, inner: Box<dyn Read + Send>, detected: Detected) -> TextStream {
        let decoder = (detected.encoding != UTF_8)
            .then(|| detected.encoding.new_decoder_without_bom_handling());
        TextStream {
            source: source.to_string(),
            inner,
            raw: if decoder.is_some() {
                vec![0; CHUNK]
            } else {
                Vec::new()
            },
            decoder,
            raw_len: 0,
            buf: vec![0; CHUNK],
            start: 0,
            valid: 0,
            end: 0,
            eof: false,
            failed: None,
            line: 1,
            col: 0,
            suggest_encoding: detected.source == EncodingSource::Default,
        }
    }

    /// The next checked text, or an empty slice at the end of the input.
    pub fn fill_buf(&mut self) -> Result<&[u8], InputError> {
        while self.start == self.valid {
            if let Some(e) = &self.failed {
                return Err(e.clone());
            }
            if self.eof && self.end == self.valid {
                return Ok(&[]);
            }
            self.refill()?;
        }
        Ok(&self.buf[self.start..self.valid])
    }

    pub fn consume(&mut self, n: usize) {
        self.start = (self.start + n).min(self.valid);
    }

    /// Appends the next line (with its `\n`, if any) to `out`; false at the end.
    pub fn read_line(&mut self, out: &mut Vec<u8>) -> Result<bool, InputError> {
        let mut any = false;
        loop {
            let avail = self.fill_buf()?;
            if avail.is_empty() {
                return Ok(any);
            }
            any = true;
            match memchr::memchr(b'\n', avail) {
                Some(i) => {
                    out.extend_from_slice(&avail[..=i]);
                    self.consume(i + 1);
                    return Ok(true);
                }
                None => {
                    let n = avail.len();
                    out.extend_from_slice(avail);
                    self.consume(n);
                }
            }
        }
    }

    /// Reads more input into `buf` and checks it; sets `failed` at a bad byte.
    fn refill(&mut self) -> Result<(), InputError> {
        // Keep only the incomplete tail.
        self.buf.copy_within(self.valid..self.end, 0);
        self.end -= self.valid;
        self.start = 0;
        self.valid = 0;
        let decode_error = match self.decoder.is_some() {
            true => self.read_transcoded()?,
            false => {
                self.read_raw()?;
                None
            }
        };
        let new = &self.buf[..self.end];
        let mut problem: Option<String> = None;
        let mut v = match utf8_end(new) {
            None => self.end,
            Some((at, None)) if !self.eof => at,
            Some((at, _)) => {
                problem = Some(self.bad_byte_message(new[at]));
                at
            }
        };
        if let Some(k) = memchr::memchr(0, &self.buf[..v]) {
            v = k;
            problem = Some(
                "the file contains a NUL byte; it is probably UTF-16 or binary; \
                 save it as UTF-8 text (or pass --encoding utf-16le)"
                    .into(),
            );
        }
        self.advance(v);
        self.valid = v;
        if let Some(msg) = problem.or(if v == self.end { decode_error } else { None }) {
            self.failed = Some(InputError::new(
                &self.source,
                Some(self.line),
                Some(self.col + 1),
                msg,
            ));
        }
        Ok(())
    }

    fn bad_byte_message(&self, b: u8) -> String {
        let hint = if b >= 0xA0 {
            let c = char::from(b);
            let alt = if self.suggest_encoding {
                "; if the whole file is in that encoding, pass --encoding windows-1252"
            } else {
                ""
            };
            format!(", which is \"{c}\" in Windows-1252/Latin-1{alt}")
        } else {
            String::new()
        };
        format!("invalid UTF-8 (byte 0x{b:02X}{hint}); save the file as UTF-8 (in Excel: \"CSV UTF-8\")")
    }

    /// Moves the line/column position over `buf[..v]`.
    fn advance(&mut self, v: usize) {
        let text = &self.buf[..v];
        let chars = |s: &[u8]| s.iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64;
        match memchr::memrchr(b'\n', text) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', text).count() as u64;
                self.col = chars(&text[last + 1..]);
            }
            None => self.col += chars(text),
        }
    }

    fn read_into(&mut self, to_raw: bool) -> Result<usize, InputError> {
        let (buf, from) = if to_raw {
            (&mut self.raw, self.raw_len)
        } else {
            (&mut self.buf, self.end)
        };
        loop {
            match self.inner.read(&mut buf[from..]) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(InputError::new(
                        &self.source,
                        None,
                        None,
                        format!("cannot read: {e}"),
                    ))
                }
            }
        }
    }

    fn read_raw(&mut self) -> Result<(), InputError> {
        if self.eof {
            return Ok(());
        }
        let n = self.read_into(false)?;
        self.end += n;
        self.eof = n == 0;
        Ok(())
    }

    /// Transcodes more input into `buf`; returns the message of a malformed
    /// sequence found right after the text decoded so far.
    fn read_transcoded(&mut self) -> Result<Option<String>, InputError> {
        loop {
            if !self.eof && self.raw_len < self.raw.len() {
                let n = self.read_into(true)?;
                self.raw_len += n;
                self.eof = n == 0;
            }
            let decoder = self
                .decoder
                .as_mut()
                .expect("transcoding stream has a decoder");
            let (res, read, written) = decoder.decode_to_utf8_without_replacement(
                &self.raw[..self.raw_len],
                &mut self.buf[self.end..],
                self.eof,
            );
            self.raw.copy_within(read..self.raw_len, 0);
            self.raw_len -= read;
            self.end += written;
            if let DecoderResult::Malformed(..) = res {
                let name = decoder.encoding().name();
                self.eof = true;
                self.raw_len = 0;
                return Ok(Some(format!(
                    "this is not valid {name} (a broken or unpaired character); \
                     check the file's encoding"
                )));
            }
            if written > 0 || self.eof {
                return Ok(None);
            }
        }
    }
}

/// Where `bytes` stop being UTF-8, as std's [`std::str::Utf8Error`] tells it:
/// `None` if they are all valid, else `(valid_up_to, error_len)` (`error_len`
/// `None` for a character cut off at the end). Checking every input byte with
/// `std::str::from_utf8` costs about 2 instructions a byte; simdutf8 checks
/// the text up to its last character far faster, and std then looks only at
/// that character, or at the whole text when simdutf8 finds a problem (so
/// error positions are std's exactly).
fn utf8_end(bytes: &[u8]) -> Option<(usize, Option<usize>)> {
    let std_end = |b: &[u8]| std::str::from_utf8(b).err().map(|e| (e.valid_up_to(), e.error_len()));
    // The last character starts at the last non-continuation byte (at most 3
    // continuation bytes follow it); it may be cut off by the end of a read.
    let from = bytes.len().saturating_sub(4);
    let cut = (from..bytes.len()).rev().find(|&i| bytes[i] & 0xC0 != 0x80).unwrap_or(from);
    if simdutf8::basic::from_utf8(&bytes[..cut]).is_err() {
        return std_end(bytes);
    }
    // `bytes[..cut]` is valid, so `cut` is a character boundary and std's
    // verdict on the rest, shifted by `cut`, is its verdict on the whole.
    std_end(&bytes[cut..]).map(|(at, len)| (cut + at, len))
}

/// The prefix of the text as a string, for sniffing the format and delimiter,
/// and whether it is all of the prefix (false if it stops at a bad byte).
/// Only complete lines are kept unless the prefix is the whole input.
pub(crate) fn prefix_text(prefix: &[u8], detected: Detected, whole: bool) -> (String, bool) {
    let bytes = &prefix[detected.bom_len..];
    let (text, complete) = if detected.encoding == UTF_8 {
        match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), true),
            Err(e) => (
                String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(),
                false,
            ),
        }
    } else {
        (
            detected
                .encoding
                .decode_without_bom_handling(bytes)
                .0
                .into_owned(),
            true,
        )
    };
    if whole {
        return (text, complete);
    }
    match text.rfind('\n') {
        Some(i) => (text[..=i].to_string(), complete),
        None => (text, complete),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(bytes: &[u8], label: Option<&str>) -> (TextStream, Detected) {
        let d = detect(bytes, label).unwrap();
        let inner = Box::new(std::io::Cursor::new(bytes[d.bom_len..].to_vec()));
        (TextStream::new("f", inner, d), d)
    }

    fn read_all(s: &mut TextStream) -> Result<String, InputError> {
        let mut out = Vec::new();
        loop {
            let b = s.fill_buf()?;
            if b.is_empty() {
                return Ok(String::from_utf8(out).unwrap());
            }
            let n = b.len();
            out.extend_from_slice(b);
            s.consume(n);
        }
    }

    #[test]
    fn detection_rules() {
        assert_eq!(detect(b"\xEF\xBB\xBFa", None).unwrap().bom_len, 3);
        assert_eq!(detect(b"\xFF\xFEa\0", None).unwrap().encoding, UTF_16LE);
        assert_eq!(detect(b"\xFE\xFF\0a", None).unwrap().encoding, UTF_16BE);
        let d = detect(b"Mangel p\xE5 boliger", None).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (WINDOWS_1252, EncodingSource::Guessed)
        );
        // Valid UTF-8 elsewhere: a stray byte is an error, not a guess.
        assert_eq!(
            detect(b"bl\xC3\xA5 og bl\xE5", None).unwrap().encoding,
            UTF_8
        );
        // Control-range bytes are not typical Latin-1 text.
        assert_eq!(detect(b"a\x81b", None).unwrap().encoding, UTF_8);
        let d = detect(b"abc", Some("latin1")).unwrap();
        assert_eq!(
            (d.encoding, d.source),
            (WINDOWS_1252, EncodingSource::Option)
        );
        assert!(detect(b"abc", Some("klingon"))
            .unwrap_err()
            .contains("unknown encoding"));
        // A BOM wins over the option.
        assert_eq!(
            detect(b"\xEF\xBB\xBFa", Some("latin1")).unwrap().encoding,
            UTF_8
        );
    }

    #[test]
    fn transcodes_utf16_and_windows_1252() {
        let mut b = vec![0xFF, 0xFE];
        for u in "id\tsvar\r\n1\tblå\n".encode_utf16() {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let (mut s, _) = stream(&b, None);
        assert_eq!(read_all(&mut s).unwrap(), "id\tsvar\r\n1\tblå\n");
        let (mut s, _) = stream(b"Mangel p\xE5 boliger \x96 \x80", None);
        assert_eq!(read_all(&mut s).unwrap(), "Mangel på boliger – €");
    }

    #[test]
    fn error_positions_across_chunks() {
        // A bad byte far past the first chunk, after multi-byte characters.
        let mut b = "æ\n".repeat(CHUNK).into_bytes();
        b.extend_from_slice(b"ab\xE5");
        let (mut s, _) = stream(&b, None);
        let e = read_all(&mut s).unwrap_err();
        assert_eq!((e.line, e.column), (Some(CHUNK as u64 + 1), Some(3)), "{e}");
        assert!(e.message.contains("--encoding windows-1252"), "{e}");
        // A multi-byte character split across chunks is fine.
        let mut b = vec![b'a'; CHUNK - 1];
        b.extend_from_slice("øx".as_bytes());
        let (mut s, _) = stream(&b, None);
        assert!(read_all(&mut s).unwrap().ends_with("øx"));
    }

    #[test]
    fn unpaired_surrogate_is_an_error() {
        let mut b = vec![0xFF, 0xFE];
        for u in [b'a' as u16, b'\n' as u16, b'b' as u16, 0xD800, b'c' as u16] {
            b.extend_from_slice(&u.to_le_bytes());
        }
        let (mut s, _) = stream(&b, None);
        let e = read_all(&mut s).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(2)), "{e}");
        assert!(e.message.contains("UTF-16LE"), "{e}");
    }

    proptest::proptest! {
        /// The fast check finds exactly what std finds, wherever the bad or
        /// cut-off bytes are (simdutf8 works in 64-byte blocks).
        #[test]
        fn utf8_end_is_std_from_utf8(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                &b"a"[..], b"\n", "\u{f8}".as_bytes(), "\u{20ac}".as_bytes(), "\u{1f641}".as_bytes(),
                b"\xE5", b"\xC3", b"\xF0\x9F", b"\x80", b"\xED\xA0\x80", b"\xC0\xAF", b"\xFF",
            ]), 0..80),
            filler in 0usize..200,
            cut in 0usize..4,
        ) {
            let mut bytes = b"x".repeat(filler);
            for p in &parts {
                bytes.extend_from_slice(p);
            }
            // Also as a read would end: in the middle of the last character.
            bytes.truncate(bytes.len() - cut.min(bytes.len()));
            let want = std::str::from_utf8(&bytes).err().map(|e| (e.valid_up_to(), e.error_len()));
            proptest::prop_assert_eq!(utf8_end(&bytes), want);
        }
    }

    #[test]
    fn utf8_end_known_cases() {
        assert_eq!(utf8_end(b""), None);
        assert_eq!(utf8_end("blå".as_bytes()), None);
        assert_eq!(utf8_end(b"bl\xC3"), Some((2, None)));
        assert_eq!(utf8_end(b"bl\xE5 x"), Some((2, Some(1))));
        let mut long = "\u{1f641}".repeat(100).into_bytes();
        assert_eq!(utf8_end(&long), None);
        long.pop();
        assert_eq!(utf8_end(&long), Some((396, None)));
    }

    #[test]
    fn read_line_splits_on_newline() {
        let (mut s, _) = stream(b"a\r\nb\n\nc", None);
        let mut lines = Vec::new();
        let mut l = Vec::new();
        while s.read_line(&mut l).unwrap() {
            lines.push(String::from_utf8(std::mem::take(&mut l)).unwrap());
        }
        assert_eq!(lines, vec!["a\r\n", "b\n", "\n", "c"]);
    }
}
