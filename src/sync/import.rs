//! Reading a file another member exported: is it a register, and which one.

use super::file::{FileError, RegisterFile};
use crate::doc::{DocError, MergeReport, RegisterDoc};

/// Why an imported file was refused. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file itself is unusable.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is whole but its document is not a register this build can read.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// The header names another register than the document inside.
    #[error("the file's header and its document disagree")]
    Mismatch,
    /// The register could not be stored.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

impl ImportError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            ImportError::File(e) => e.label_key(),
            ImportError::Doc(e) => e.label_key(),
            ImportError::Mismatch => "file.damaged",
            ImportError::Storage(e) => e.label_key(),
        }
    }
}

impl From<ImportError> for DocError {
    /// A file merged into an open register by a command: the same reasons, as a document error.
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::File(f) => DocError::File(f),
            ImportError::Doc(d) => d,
            ImportError::Mismatch => DocError::File(FileError::Damaged),
            ImportError::Storage(s) => DocError::Write(s.to_string()),
        }
    }
}

/// What importing a file did.
#[derive(Debug)]
pub enum ImportOutcome {
    /// The file held the open register: its changes were merged (maybe none were new).
    Merged(MergeReport),
    /// The file held another register, returned whole to be kept beside the others.
    Other(Box<RegisterDoc>),
}

/// The register in a file, checked through and through before anything is merged.
pub fn read_file(bytes: &[u8]) -> Result<RegisterDoc, ImportError> {
    let file = RegisterFile::decode(bytes)?;
    let doc = RegisterDoc::load(&file.document)?;
    if doc.id() != file.register_id {
        return Err(ImportError::Mismatch);
    }
    Ok(doc)
}

/// Imports a file: merges it into `open` when it is a copy of the same register, otherwise
/// hands back the other register. On any error `open` is left exactly as it was.
pub fn import_into(bytes: &[u8], open: Option<&mut RegisterDoc>) -> Result<ImportOutcome, ImportError> {
    let mut incoming = read_file(bytes)?;
    match open {
        Some(open) if open.id() == incoming.id() => Ok(ImportOutcome::Merged(open.merge(&mut incoming)?)),
        _ => Ok(ImportOutcome::Other(Box::new(incoming))),
    }
}

impl RegisterDoc {
    /// The register as a `.qingfeng` file. Does not disturb incremental saving.
    pub fn export_file(&mut self) -> Vec<u8> {
        RegisterFile {
            register_id: self.id().to_string(),
            register_name: self.register().unit.name.clone(),
            document: self.save_snapshot_copy(),
        }
        .encode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Stamp;
    use crate::model::Template;
    use crate::rules::{PersonForm, UnitForm};

    fn register(name: &str) -> RegisterDoc {
        let unit = UnitForm { name: name.into(), ..UnitForm::default() };
        RegisterDoc::create(&unit, &Template::school(), "2026-11-27".parse().unwrap(), &Stamp::default()).unwrap()
    }

    #[test]
    fn a_copy_of_the_open_register_merges_and_a_second_import_changes_nothing() {
        let mut mine = register("高桥小学");
        let mut theirs = mine.fork();
        theirs
            .create_entity(&Stamp::new("bob", 5), &PersonForm { name: "朱忠云".into(), ..PersonForm::default() })
            .unwrap();
        let file = theirs.export_file();
        let ImportOutcome::Merged(report) = import_into(&file, Some(&mut mine)).unwrap() else {
            panic!("expected a merge")
        };
        assert_eq!(report.changes, 1);
        assert!(report.authors.contains("bob"));
        let ImportOutcome::Merged(again) = import_into(&file, Some(&mut mine)).unwrap() else {
            panic!("expected a merge")
        };
        assert_eq!(again.changes, 0);
    }

    #[test]
    fn another_register_comes_back_whole() {
        let mut mine = register("高桥小学");
        let mut other = register("王场小学");
        let ImportOutcome::Other(doc) = import_into(&other.export_file(), Some(&mut mine)).unwrap() else {
            panic!("expected another register")
        };
        assert_eq!(doc.register().unit.name, "王场小学");
        assert_eq!(mine.register().unit.name, "高桥小学");
    }

    #[test]
    fn exporting_does_not_disturb_incremental_saving() {
        let mut doc = register("高桥小学");
        let snapshot = doc.save();
        doc.create_entity(&Stamp::default(), &PersonForm { name: "王家福".into(), ..PersonForm::default() }).unwrap();
        doc.export_file();
        let chunk = doc.save_incremental();
        let reloaded = RegisterDoc::load(&[snapshot, chunk].concat()).unwrap();
        assert_eq!(reloaded.register(), doc.register());
    }

    #[test]
    fn a_file_whose_document_is_not_a_register_is_refused() {
        let mut plain = automerge::AutoCommit::new();
        let file = RegisterFile { register_id: "x".into(), register_name: "x".into(), document: plain.save() }.encode();
        assert!(matches!(read_file(&file), Err(ImportError::Doc(DocError::NotARegister(_)))));
        let file =
            RegisterFile { register_id: "x".into(), register_name: "x".into(), document: b"garbage".to_vec() }.encode();
        assert!(matches!(read_file(&file), Err(ImportError::Doc(DocError::NotAutomerge(_)))));
        let mut doc = register("高桥小学");
        let file = RegisterFile { register_id: "someone-else".into(), register_name: "x".into(), document: doc.save() }
            .encode();
        assert!(matches!(read_file(&file), Err(ImportError::Mismatch)));
    }
}
