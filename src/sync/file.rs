//! The `.qingfeng` file: a register's Automerge bytes behind a small versioned header, so a
//! file can be recognised, named and refused with a precise reason before anything is merged.
//!
//! Layout (integers big-endian):
//! ```text
//! "QINGFENG"            8 bytes of magic
//! format version        u16
//! register id length    u16, then that many bytes of UTF-8
//! register name length  u16, then that many bytes of UTF-8
//! payload length        u64, then the Automerge document (`save()` output)
//! ```

use crate::model::Date;

/// The first bytes of every Qingfeng file.
const MAGIC: &[u8; 8] = b"QINGFENG";

/// The file format this build writes and the newest it reads.
pub const FORMAT_VERSION: u16 = 1;

/// The file name extension, without the dot.
pub const FILE_EXTENSION: &str = "qingfeng";

/// A decoded file: which register it holds, and the document bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterFile {
    /// The register's id.
    pub register_id: String,
    /// The unit name when the file was written.
    pub register_name: String,
    /// The Automerge document.
    pub document: Vec<u8>,
}

/// Why bytes are not a usable Qingfeng file. Each case is told apart, so the user hears which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// It does not start with the Qingfeng magic: some other kind of file.
    #[error("not a Qingfeng file")]
    NotQingfeng,
    /// It ends before the header or the document it announces is complete.
    #[error("the file is truncated")]
    Truncated,
    /// Written by a newer Qingfeng, in a format this build does not know.
    #[error("file format {0} is newer than this Qingfeng reads ({FORMAT_VERSION})")]
    NewerFormat(u16),
    /// The header is damaged (bad text, trailing bytes).
    #[error("the file header is damaged")]
    Damaged,
}

impl FileError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            FileError::NotQingfeng => "file.not_qingfeng",
            FileError::Truncated => "file.truncated",
            FileError::NewerFormat(_) => "file.newer_format",
            FileError::Damaged => "file.damaged",
        }
    }
}

impl RegisterFile {
    /// The file's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.document.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_be_bytes());
        for text in [&self.register_id, &self.register_name] {
            let bytes = truncate_utf8(text, u16::MAX as usize);
            out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(&(self.document.len() as u64).to_be_bytes());
        out.extend_from_slice(&self.document);
        out
    }

    /// Reads a file, or says precisely why it cannot. Never panics, whatever the bytes.
    pub fn decode(bytes: &[u8]) -> Result<Self, FileError> {
        let mut reader = Reader { bytes };
        let magic = reader.take(MAGIC.len()).map_err(|_| {
            if MAGIC.starts_with(bytes) && !bytes.is_empty() { FileError::Truncated } else { FileError::NotQingfeng }
        })?;
        if magic != MAGIC {
            return Err(FileError::NotQingfeng);
        }
        let version = u16::from_be_bytes(reader.array()?);
        if version > FORMAT_VERSION {
            return Err(FileError::NewerFormat(version));
        }
        if version == 0 {
            return Err(FileError::Damaged);
        }
        let register_id = reader.text()?;
        let register_name = reader.text()?;
        let length = u64::from_be_bytes(reader.array()?);
        let length = usize::try_from(length).map_err(|_| FileError::Damaged)?;
        let document = reader.take(length)?.to_vec();
        if !reader.bytes.is_empty() {
            return Err(FileError::Damaged);
        }
        if register_id.is_empty() {
            return Err(FileError::Damaged);
        }
        Ok(Self { register_id, register_name, document })
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FileError> {
        if self.bytes.len() < n {
            return Err(FileError::Truncated);
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], FileError> {
        Ok(self.take(N)?.try_into().expect("take returns exactly N bytes"))
    }

    fn text(&mut self) -> Result<String, FileError> {
        let len = u16::from_be_bytes(self.array()?) as usize;
        String::from_utf8(self.take(len)?.to_vec()).map_err(|_| FileError::Damaged)
    }
}

/// The longest prefix of `text` of at most `max` bytes that ends on a character boundary.
fn truncate_utf8(text: &str, max: usize) -> &[u8] {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text.as_bytes()[..end]
}

/// `<单位名称>-<YYYYMMDD>.qingfeng`, with characters file systems refuse replaced.
pub fn export_file_name(unit_name: &str, day: Date) -> String {
    let safe: String =
        unit_name.trim().chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).collect();
    let safe = if safe.is_empty() { "register".to_string() } else { safe };
    format!("{safe}-{:04}{:02}{:02}.{FILE_EXTENSION}", day.year(), day.month(), day.day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sample() -> RegisterFile {
        RegisterFile {
            register_id: "4f7e6a1c-0000-4000-8000-000000000001".into(),
            register_name: "高桥小学".into(),
            document: vec![0x85, 0x6f, 0x4a, 0x83, 1, 2, 3],
        }
    }

    #[test]
    fn round_trips() {
        let file = sample();
        assert_eq!(RegisterFile::decode(&file.encode()).unwrap(), file);
    }

    #[test]
    fn every_kind_of_bad_file_has_its_own_error() {
        let bytes = sample().encode();
        assert_eq!(RegisterFile::decode(b"PK\x03\x04zip file"), Err(FileError::NotQingfeng));
        assert_eq!(RegisterFile::decode(b""), Err(FileError::NotQingfeng));
        assert_eq!(RegisterFile::decode(b"QING"), Err(FileError::Truncated));
        assert_eq!(RegisterFile::decode(&bytes[..bytes.len() - 1]), Err(FileError::Truncated));
        assert_eq!(RegisterFile::decode(&bytes[..12]), Err(FileError::Truncated));
        let mut newer = bytes.clone();
        newer[8..10].copy_from_slice(&2u16.to_be_bytes());
        assert_eq!(RegisterFile::decode(&newer), Err(FileError::NewerFormat(2)));
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert_eq!(RegisterFile::decode(&trailing), Err(FileError::Damaged));
        let mut bad_text = bytes;
        bad_text[12] = 0xff;
        assert_eq!(RegisterFile::decode(&bad_text), Err(FileError::Damaged));
    }

    #[test]
    fn file_names_carry_the_unit_and_the_day() {
        let day = "2026-11-27".parse().unwrap();
        assert_eq!(export_file_name("高桥小学", day), "高桥小学-20261127.qingfeng");
        assert_eq!(export_file_name("A/B:C", day), "A_B_C-20261127.qingfeng");
        assert_eq!(export_file_name("  ", day), "register-20261127.qingfeng");
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = RegisterFile::decode(&bytes);
        }

        #[test]
        fn random_bytes_after_the_magic_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..200)) {
            let mut bytes = MAGIC.to_vec();
            bytes.extend(tail);
            let _ = RegisterFile::decode(&bytes);
        }

        #[test]
        fn every_truncation_is_reported_as_such(cut in 1usize..60) {
            let bytes = sample().encode();
            let cut = cut.min(bytes.len() - 1);
            prop_assert_eq!(RegisterFile::decode(&bytes[..cut]), Err(FileError::Truncated));
        }
    }
}
