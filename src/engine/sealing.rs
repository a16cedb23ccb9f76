//! Reporters' names on their way into and out of the document: a command carrying a typed name
//! is sealed before it runs, and names are opened only for a member who gave the passphrase.
//! The key lives in the engine's memory only, never in the document, storage or a message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AnyForm, Command};
use crate::doc::DocError;
use crate::model::{Id, Register};
use crate::rules::{Invalid, Reason, ReporterInput, reporter_of};
use crate::seal::{SealKey, open, seal};

/// A reporter as a member who gave the passphrase sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    /// 姓名
    pub name: String,
    /// 联系方式
    pub contact: String,
}

/// `command` with any typed reporter sealed with `key` for register `register`. Without a key
/// a typed reporter is refused (it would otherwise be written in the clear), and so is removing
/// a recorded one: only a member who gave the passphrase handles reporters.
pub fn seal_command(command: Command, key: Option<&SealKey>, register: &str) -> Result<Command, DocError> {
    let locked = || DocError::Invalid(vec![Invalid { field: "reporter_name", reason: Reason::Locked }]);
    let seal_form = |mut form: crate::rules::ComplaintForm, update: bool| {
        if let Some(text) = form.reporter_text() {
            let key = key.ok_or_else(locked)?;
            let sealed = seal(key, register, text.as_bytes())
                .map_err(|e| DocError::Remote { key: e.label_key(), detail: e.to_string() })?;
            form.reporter = ReporterInput::Sealed(sealed);
        } else if matches!(form.reporter, ReporterInput::Plain { .. }) {
            // Both fields left empty: a new complaint is anonymous, an edited one keeps its reporter.
            form.reporter = if update { ReporterInput::Keep } else { ReporterInput::Anonymous };
        }
        if update && form.reporter == ReporterInput::Anonymous && key.is_none() {
            return Err(locked());
        }
        Ok(AnyForm::Complaint(form))
    };
    Ok(match command {
        Command::Create(AnyForm::Complaint(form)) => Command::Create(seal_form(form, false)?),
        // The base is the stored record's form: its reporter is `Keep`, never a typed name.
        Command::Update { id, base, form: AnyForm::Complaint(form) } => {
            Command::Update { id, base, form: seal_form(form, true)? }
        }
        other => other,
    })
}

/// The reporters of `register`'s complaints that `key` opens, by complaint id.
pub fn reporters(register: &Register, key: &SealKey) -> BTreeMap<Id, Reporter> {
    register
        .complaints
        .iter()
        .filter_map(|(id, complaint)| {
            let bytes = open(key, &register.id, complaint.reporter.as_ref()?).ok()?;
            let (name, contact) = reporter_of(std::str::from_utf8(&bytes).ok()?)?;
            Some((id.clone(), Reporter { name, contact }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{RegisterDoc, Stamp};
    use crate::model::Template;
    use crate::rules::{ComplaintForm, Form, UnitForm};

    const NAME: &str = "欧阳举报人";
    const CONTACT: &str = "13912345678";

    fn complaint() -> Command {
        Command::Create(AnyForm::Complaint(ComplaintForm {
            channel: "hotline".into(),
            received: "2026-11-20".into(),
            content: "食堂采购价格明显偏高".into(),
            reporter: ReporterInput::Plain { name: NAME.into(), contact: CONTACT.into() },
            ..ComplaintForm::default()
        }))
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn utf16(text: &str) -> [Vec<u8>; 2] {
        let units: Vec<u16> = text.encode_utf16().collect();
        [units.iter().flat_map(|u| u.to_le_bytes()).collect(), units.iter().flat_map(|u| u.to_be_bytes()).collect()]
    }

    #[test]
    fn a_typed_reporter_is_refused_without_the_key_and_sealed_with_it() {
        let unit = UnitForm { name: "一中".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        let register = doc.register().id.clone();
        let refused = seal_command(complaint(), None, &register);
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].reason == Reason::Locked));
        // Were a plain form to reach the document anyway, the form itself refuses it.
        assert!(doc.run(&Stamp::default(), complaint()).is_err());

        let (lock, key) = crate::seal::new_lock("廉政举报信息密码", &register).unwrap();
        doc.run(&Stamp::default(), Command::SetReporterLock(lock)).unwrap();
        let sealed = seal_command(complaint(), Some(&key), &register).unwrap();
        let (outcome, _) = doc.run(&Stamp::default(), sealed).unwrap();
        let crate::engine::Outcome::Created(id) = outcome else { panic!("{outcome:?}") };
        let shown = reporters(doc.register(), &key);
        assert_eq!(shown[&id], Reporter { name: NAME.into(), contact: CONTACT.into() });

        // Nowhere in what leaves the engine: the saved document, the file, the JSON export.
        let saved = doc.save();
        let file = doc.export_file();
        let json = crate::report::register_json(doc.register());
        for text in [NAME, CONTACT] {
            for bytes in [&saved, &file, &json.clone().into_bytes()] {
                assert!(!contains(bytes, text.as_bytes()), "{text} in UTF-8");
                for encoded in utf16(text) {
                    assert!(!contains(bytes, &encoded), "{text} in UTF-16");
                }
            }
        }
        // Debug output (a log line) never shows a typed name or a passphrase.
        let shown = format!("{:?} {:?}", complaint(), crate::seal::Passphrase("廉政举报信息密码".into()));
        assert!(!shown.contains(NAME) && !shown.contains(CONTACT) && !shown.contains("廉政举报信息密码"), "{shown}");
        // A wrong passphrase opens nothing.
        let lock = doc.register().settings.reporter_lock.clone().unwrap();
        assert!(crate::seal::unlock(&lock, "别的密码别的密码", &register).is_err());
        // An anonymous complaint needs no key.
        let anonymous = Command::Create(AnyForm::Complaint(ComplaintForm {
            channel: "letter".into(),
            received: "2026-11-21".into(),
            content: "匿名来信".into(),
            reporter: ReporterInput::Plain { name: " ".into(), contact: String::new() },
            ..ComplaintForm::default()
        }));
        doc.run(&Stamp::default(), seal_command(anonymous, None, &register).unwrap()).unwrap();

        // Removing the recorded reporter takes the passphrase too; empty fields in an edit keep it.
        let stored = ComplaintForm::from_target(&doc.register().complaints[&id]);
        let edit = |reporter| Command::Update {
            id: id.clone(),
            base: None,
            form: AnyForm::Complaint(ComplaintForm { reporter, ..stored.clone() }),
        };
        let refused = seal_command(edit(ReporterInput::Anonymous), None, &register);
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].reason == Reason::Locked));
        let blank = ReporterInput::Plain { name: String::new(), contact: String::new() };
        doc.run(&Stamp::default(), seal_command(edit(blank), None, &register).unwrap()).unwrap();
        assert!(doc.register().complaints[&id].reporter.is_some());
        doc.run(&Stamp::default(), seal_command(edit(ReporterInput::Anonymous), Some(&key), &register).unwrap())
            .unwrap();
        assert_eq!(doc.register().complaints[&id].reporter, None);
        assert!(reporters(doc.register(), &key).is_empty());
    }
}
