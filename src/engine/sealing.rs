//! Reporters' names on their way into and out of the document: a command carrying a typed name
//! is sealed before it runs, and names are opened only for a member who gave the passphrase.
//! The keys live in the engine's memory only, never in the document, storage or a message.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{AnyForm, Command};
use crate::doc::DocError;
use crate::model::{Id, LockRecord, Register, Sealed};
use crate::rules::{Invalid, Reason, ReporterInput, reporter_of};
use crate::seal::{Kdf, SealError, SealKey, check_opens, open, seal, unlock_legacy};

/// The most locks a passphrase is tried against: each try is an Argon2id run of about a second,
/// and a hostile writer could add locks by the hundred.
const MAX_TRIED: usize = 8;

/// A reporter as a member who gave the passphrase sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    /// 姓名
    pub name: String,
    /// 联系方式
    pub contact: String,
}

/// The keys a member's passphrase opened in one register, by lock id (empty for the legacy
/// lock), and the lock new names are sealed under.
#[derive(Debug, Clone)]
pub struct Keyring {
    /// The register.
    pub register: Id,
    keys: BTreeMap<String, SealKey>,
}

impl Keyring {
    /// A keyring holding the key of the lock just made.
    pub fn new(register: &str, lock: String, key: SealKey) -> Keyring {
        Keyring { register: register.to_string(), keys: BTreeMap::from([(lock, key)]) }
    }

    /// The keys `passphrase` opens among `register`'s locks: the legacy lock by its check
    /// value; a lock by its record's check value or, where a writer removed or changed the
    /// record, by a value sealed under it. [`SealError::WrongPassphrase`] when it opens none.
    pub fn unlock(register: &Register, passphrase: &str) -> Result<Keyring, SealError> {
        let settings = &register.settings;
        let mut keys = BTreeMap::new();
        if let Some(key) = settings.reporter_lock.as_ref().and_then(|l| unlock_legacy(l, passphrase, &register.id).ok())
        {
            keys.insert(String::new(), key);
        }
        for lock in locks_to_try(register) {
            let Some(kdf) = Kdf::of(&lock) else { continue };
            let key = kdf.derive(passphrase)?;
            let by_record =
                settings.reporter_locks.get(&lock).is_some_and(|r| check_opens(&key, &register.id, &lock, &r.check));
            let by_value =
                || sealed_values(register).any(|(id, s)| s.lock == lock && open(&key, &register.id, id, s).is_ok());
            if by_record || by_value() {
                keys.insert(lock, key);
            }
        }
        if keys.is_empty() {
            return Err(SealError::WrongPassphrase);
        }
        Ok(Keyring { register: register.id.clone(), keys })
    }

    /// The lock, and its key, new names are sealed under: of the locks this passphrase opened,
    /// the first set (by its record's time, then id); `None` when it opened the legacy lock only.
    pub fn sealing(&self, register: &Register) -> Option<(&str, &SealKey)> {
        let records = &register.settings.reporter_locks;
        self.keys
            .iter()
            .filter(|(lock, _)| !lock.is_empty())
            .min_by_key(|(lock, _)| (records.get(*lock).map_or(i64::MAX, |r| r.at), lock.to_string()))
            .map(|(lock, key)| (lock.as_str(), key))
    }

    fn add(&mut self, lock: String, key: SealKey) {
        self.keys.insert(lock, key);
    }

    fn key(&self, lock: &str) -> Option<&SealKey> {
        self.keys.get(lock)
    }

    fn has_legacy(&self) -> bool {
        self.keys.contains_key("")
    }
}

fn sealed_values(register: &Register) -> impl Iterator<Item = (&Id, &Sealed)> {
    register.complaints.iter().filter_map(|(id, c)| Some((id, c.reporter.as_ref()?)))
}

/// The locks a passphrase is tried against, at most [`MAX_TRIED`]: those most values are
/// sealed under first, then the recorded ones by time.
fn locks_to_try(register: &Register) -> Vec<String> {
    let mut uses: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, sealed) in sealed_values(register).filter(|(_, s)| !s.lock.is_empty()) {
        *uses.entry(&sealed.lock).or_default() += 1;
    }
    let records = &register.settings.reporter_locks;
    let mut locks: Vec<&str> = uses.keys().copied().chain(records.keys().map(String::as_str)).collect();
    locks.sort_by_key(|lock| {
        (std::cmp::Reverse(uses.get(lock).copied().unwrap_or(0)), records.get(*lock).map_or(i64::MAX, |r| r.at))
    });
    let mut seen = BTreeSet::new();
    locks.into_iter().filter(|lock| seen.insert(*lock)).take(MAX_TRIED).map(str::to_string).collect()
}

/// What a member sees of the register's locks: each lock with its record (`None` where values
/// name a lock whose record is missing), and how many values are still sealed under the
/// legacy lock.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Locks {
    /// Every lock, recorded or named by a sealed value, by id.
    pub locks: BTreeMap<String, Option<LockRecord>>,
    /// Whether the legacy lock is set.
    pub legacy: bool,
    /// Values sealed under the legacy lock, not yet sealed again.
    pub legacy_values: usize,
}

impl Locks {
    /// The locks of `register`.
    pub fn of(register: &Register) -> Locks {
        let settings = &register.settings;
        let mut locks: BTreeMap<String, Option<LockRecord>> =
            settings.reporter_locks.iter().map(|(id, r)| (id.clone(), Some(r.clone()))).collect();
        let mut legacy_values = 0;
        for (_, sealed) in sealed_values(register) {
            if sealed.lock.is_empty() {
                legacy_values += 1;
            } else {
                locks.entry(sealed.lock.clone()).or_insert(None);
            }
        }
        Locks { locks, legacy: settings.reporter_lock.is_some(), legacy_values }
    }

    /// Whether a passphrase was ever set: a new one is then refused.
    pub fn any(&self) -> bool {
        self.legacy || !self.locks.is_empty()
    }

    /// How many passphrases seal names here: more than one after two members each set one
    /// offline, or a merged file brought another.
    pub fn passphrases(&self) -> usize {
        self.locks.len().max(usize::from(self.legacy))
    }

    /// Locks that values name but whose record is missing (removed by a writer).
    pub fn unrecorded(&self) -> usize {
        self.locks.values().filter(|r| r.is_none()).count()
    }
}

/// The legacy lock's values that `keys` opens, sealed again under lock `lock` with `key` and
/// bound to their complaints: what [`Command::Reseal`] writes after a member gave the
/// passphrase of a register sealed before lock ids.
fn reseal_legacy(
    register: &Register,
    keys: &Keyring,
    lock: &str,
    key: &SealKey,
) -> Result<BTreeMap<Id, Sealed>, SealError> {
    let Some(legacy) = keys.key("") else { return Ok(BTreeMap::new()) };
    sealed_values(register)
        .filter(|(_, s)| s.lock.is_empty())
        .filter_map(|(id, s)| open(legacy, &register.id, id, s).ok().map(|plain| (id, plain)))
        .map(|(id, plain)| Ok((id.clone(), seal(key, lock, &register.id, id, &plain)?)))
        .collect()
}

/// What giving `passphrase` in `register` does: the keys it opens, and the commands that seal
/// the names still sealed under the legacy lock again under a lock of today's cost (bound to
/// their complaints), made from the same passphrase where it opens no other lock. The legacy
/// ciphertexts stay in the document's history; only new copies are stronger.
pub fn unlock(register: &Register, passphrase: &str) -> Result<(Keyring, Vec<Command>), SealError> {
    let mut keys = Keyring::unlock(register, passphrase)?;
    let mut commands = Vec::new();
    if !keys.has_legacy() {
        return Ok((keys, commands));
    }
    // New names are sealed under a lock of today's cost: made now, unless another member's
    // passphrase already set one (a second lock is refused; the names stay readable).
    if keys.sealing(register).is_none() && register.settings.reporter_locks.is_empty() {
        let (lock, check, key) = crate::seal::fresh_lock(passphrase, &register.id)?;
        commands.push(Command::AddReporterLock { id: lock.clone(), check });
        keys.add(lock, key);
    }
    if let Some((lock, key)) = keys.sealing(register) {
        let resealed = reseal_legacy(register, &keys, lock, key)?;
        if !resealed.is_empty() {
            commands.push(Command::Reseal(resealed));
        }
    }
    Ok((keys, commands))
}

/// `command` with any typed reporter sealed under the keyring's sealing lock, for its complaint
/// of register `register` (a new complaint gets its id here). Without a key a typed reporter
/// is refused (it would otherwise be written in the clear), and so is removing a recorded one:
/// only a member who gave the passphrase handles reporters.
pub fn seal_command(command: Command, keys: Option<&Keyring>, register: &Register) -> Result<Command, DocError> {
    let locked = || DocError::Invalid(vec![Invalid { field: "reporter_name", reason: Reason::Locked }]);
    let sealing = keys.and_then(|k| k.sealing(register));
    let seal_form = |mut form: crate::rules::ComplaintForm, id: &str, update: bool| {
        if let Some(text) = form.reporter_text() {
            let (lock, key) = sealing.ok_or_else(locked)?;
            let sealed = seal(key, lock, &register.id, id, text.as_bytes())
                .map_err(|e| DocError::Remote { key: e.label_key(), detail: e.to_string() })?;
            form.reporter = ReporterInput::Sealed(sealed);
        } else if matches!(form.reporter, ReporterInput::Plain { .. }) {
            // Both fields left empty: a new complaint is anonymous, an edited one keeps its reporter.
            form.reporter = if update { ReporterInput::Keep } else { ReporterInput::Anonymous };
        }
        if update && form.reporter == ReporterInput::Anonymous && keys.is_none() {
            return Err(locked());
        }
        Ok(form)
    };
    Ok(match command {
        Command::Create(AnyForm::Complaint(form)) if form.reporter_text().is_some() => {
            let id = crate::model::new_id();
            Command::CreateComplaint { form: seal_form(form, &id, false)?, id }
        }
        Command::Create(AnyForm::Complaint(form)) => Command::Create(AnyForm::Complaint(seal_form(form, "", false)?)),
        // The base is the stored record's form: its reporter is `Keep`, never a typed name.
        Command::Update { id, base, form: AnyForm::Complaint(form) } => {
            let form = AnyForm::Complaint(seal_form(form, &id, true)?);
            Command::Update { id, base, form }
        }
        other => other,
    })
}

/// The reporters of `register`'s complaints that `keys` opens, by complaint id.
pub fn reporters(register: &Register, keys: &Keyring) -> BTreeMap<Id, Reporter> {
    sealed_values(register)
        .filter_map(|(id, sealed)| {
            let bytes = open(keys.key(&sealed.lock)?, &register.id, id, sealed).ok()?;
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
    const PASSPHRASE: &str = "廉政举报信息密码";

    fn register() -> RegisterDoc {
        let unit = UnitForm { name: "一中".into(), ..UnitForm::default() };
        RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap()
    }

    /// Sets `passphrase` as the engine does; the keys it opens.
    fn set(doc: &mut RegisterDoc, passphrase: &str) -> Keyring {
        let (lock, check, key) = crate::seal::new_lock(passphrase, &doc.register().id).unwrap();
        doc.run(&Stamp::new("wang", 5), Command::AddReporterLock { id: lock.clone(), check }).unwrap();
        Keyring::new(&doc.register().id, lock, key)
    }

    /// Records a complaint whose reporter is `name`, sealed with `keys`; its id.
    fn report(doc: &mut RegisterDoc, keys: Option<&Keyring>, name: &str) -> Id {
        let form = ComplaintForm {
            channel: "letter".into(),
            received: "2026-11-20".into(),
            content: "反映食堂问题".into(),
            reporter: ReporterInput::Plain { name: name.into(), contact: String::new() },
            ..ComplaintForm::default()
        };
        let command = seal_command(Command::Create(AnyForm::Complaint(form)), keys, doc.register()).unwrap();
        match doc.run(&Stamp::default(), command).unwrap().0 {
            crate::engine::Outcome::Created(id) => id,
            other => panic!("{other:?}"),
        }
    }

    fn names(doc: &RegisterDoc, keys: &Keyring) -> Vec<String> {
        reporters(doc.register(), keys).into_values().map(|r| r.name).collect()
    }

    /// Writes `value` at `path` (under the root) behind the engine's back, as any writer of a
    /// copy can.
    fn write_raw<T: autosurgeon::Reconcile>(doc: &mut RegisterDoc, path: &[&str], value: T) -> RegisterDoc {
        use automerge::ReadDoc as _;
        let mut raw = automerge::AutoCommit::load(&doc.save()).unwrap();
        let mut obj = automerge::ROOT;
        for key in &path[..path.len() - 1] {
            obj = raw.get(&obj, *key).unwrap().unwrap().1;
        }
        autosurgeon::reconcile_prop(&mut raw, &obj, path[path.len() - 1], value).unwrap();
        raw.commit();
        RegisterDoc::load(&raw.save()).unwrap()
    }

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
        let refused = seal_command(complaint(), None, doc.register());
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].reason == Reason::Locked));
        // Were a plain form to reach the document anyway, the form itself refuses it.
        assert!(doc.run(&Stamp::default(), complaint()).is_err());

        let keys = set(&mut doc, PASSPHRASE);
        let sealed = seal_command(complaint(), Some(&keys), doc.register()).unwrap();
        let (outcome, _) = doc.run(&Stamp::default(), sealed).unwrap();
        let crate::engine::Outcome::Created(id) = outcome else { panic!("{outcome:?}") };
        let shown = reporters(doc.register(), &keys);
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
        let shown = format!("{:?} {:?}", complaint(), crate::seal::Passphrase(PASSPHRASE.into()));
        assert!(!shown.contains(NAME) && !shown.contains(CONTACT) && !shown.contains(PASSPHRASE), "{shown}");
        // A wrong passphrase opens nothing; the right one opens the name again.
        assert_eq!(unlock(doc.register(), "别的密码别的密码").unwrap_err(), SealError::WrongPassphrase);
        let (again, commands) = unlock(doc.register(), PASSPHRASE).unwrap();
        assert!(commands.is_empty());
        assert_eq!(reporters(doc.register(), &again)[&id].name, NAME);
        // An anonymous complaint needs no key.
        let anonymous = Command::Create(AnyForm::Complaint(ComplaintForm {
            channel: "letter".into(),
            received: "2026-11-21".into(),
            content: "匿名来信".into(),
            reporter: ReporterInput::Plain { name: " ".into(), contact: String::new() },
            ..ComplaintForm::default()
        }));
        doc.run(&Stamp::default(), seal_command(anonymous, None, doc.register()).unwrap()).unwrap();

        // Removing the recorded reporter takes the passphrase too; empty fields in an edit keep it.
        let stored = ComplaintForm::from_target(&doc.register().complaints[&id]);
        let edit = |reporter| Command::Update {
            id: id.clone(),
            base: None,
            form: AnyForm::Complaint(ComplaintForm { reporter, ..stored.clone() }),
        };
        let refused = seal_command(edit(ReporterInput::Anonymous), None, doc.register());
        assert!(matches!(refused, Err(DocError::Invalid(ref i)) if i[0].reason == Reason::Locked));
        let blank = ReporterInput::Plain { name: String::new(), contact: String::new() };
        let blank_edit = seal_command(edit(blank), None, doc.register()).unwrap();
        doc.run(&Stamp::default(), blank_edit).unwrap();
        assert!(doc.register().complaints[&id].reporter.is_some());
        let removal = seal_command(edit(ReporterInput::Anonymous), Some(&keys), doc.register()).unwrap();
        doc.run(&Stamp::default(), removal).unwrap();
        assert_eq!(doc.register().complaints[&id].reporter, None);
        assert!(reporters(doc.register(), &keys).is_empty());
    }

    #[test]
    fn a_sealed_name_moved_onto_another_complaint_does_not_open() {
        let mut doc = register();
        let keys = set(&mut doc, PASSPHRASE);
        let first = report(&mut doc, Some(&keys), NAME);
        let second = report(&mut doc, Some(&keys), "另一位举报人");
        let moved = doc.register().complaints[&first].reporter.clone();
        let doc = write_raw(&mut doc, &["complaints", &second, "reporter"], moved);
        let shown = reporters(doc.register(), &keys);
        assert_eq!(shown.len(), 1, "only the complaint it was sealed for: {shown:?}");
        assert_eq!(shown[&first].name, NAME);
    }

    #[test]
    fn names_sealed_under_the_legacy_lock_are_sealed_again_when_the_passphrase_is_given() {
        let mut doc = register();
        let id = doc.register().id.clone();
        let anonymous = report(&mut doc, None, "");
        // The register as the previous version sealed it: the legacy lock, a value bound to the
        // register only.
        let (lock, key) = crate::seal::legacy_lock("旧密码12345678", &id);
        let old = crate::seal::seal_legacy(
            &key,
            &id,
            serde_json::json!({"name": NAME, "contact": CONTACT}).to_string().as_bytes(),
        );
        let mut doc = write_raw(&mut doc, &["settings", "reporter_lock"], Some(lock));
        let mut doc = write_raw(&mut doc, &["complaints", &anonymous, "reporter"], Some(old));
        assert_eq!(Locks::of(doc.register()).legacy_values, 1);

        let (keys, commands) = unlock(doc.register(), "旧密码12345678").unwrap();
        assert_eq!(commands.len(), 2, "a lock of today's cost, then the names sealed again");
        for command in commands {
            doc.run(&Stamp::new("wang", 9), command).unwrap();
        }
        let sealed = doc.register().complaints[&anonymous].reporter.clone().unwrap();
        assert!(sealed.lock.starts_with("argon2id-m65536-t8-"), "{}", sealed.lock);
        assert_eq!(names(&doc, &keys), vec![NAME.to_string()]);
        let locks = Locks::of(doc.register());
        assert_eq!((locks.legacy_values, locks.passphrases(), locks.unrecorded()), (0, 1, 0));
        assert!(doc.register().settings.reporter_lock.is_some(), "the legacy lock is kept");
        // Given again, nothing is left to do; another member's passphrase opens the new lock.
        let (again, commands) = unlock(doc.register(), "旧密码12345678").unwrap();
        assert!(commands.is_empty());
        assert_eq!(names(&doc, &again), vec![NAME.to_string()]);
    }

    #[test]
    fn a_legacy_lock_with_no_names_yet_gets_a_lock_to_seal_new_ones() {
        let mut doc = register();
        let (lock, _) = crate::seal::legacy_lock("旧密码12345678", &doc.register().id);
        let mut doc = write_raw(&mut doc, &["settings", "reporter_lock"], Some(lock));
        let (keys, commands) = unlock(doc.register(), "旧密码12345678").unwrap();
        assert!(matches!(commands.as_slice(), [Command::AddReporterLock { .. }]), "{commands:?}");
        for command in commands {
            doc.run(&Stamp::default(), command).unwrap();
        }
        let id = report(&mut doc, Some(&keys), NAME);
        assert!(doc.register().complaints[&id].reporter.as_ref().unwrap().lock.starts_with("argon2id-m65536-t8-"));
        assert_eq!(names(&doc, &keys), vec![NAME.to_string()]);
    }

    #[test]
    fn two_passphrases_set_offline_both_stay_and_each_opens_its_own_names() {
        let mut a = register();
        let mut b = a.fork();
        let keys_a = set(&mut a, PASSPHRASE);
        let keys_b = set(&mut b, "另一个举报密码");
        report(&mut a, Some(&keys_a), "甲举报人");
        report(&mut b, Some(&keys_b), "乙举报人");
        a.merge(&mut b).unwrap();
        let locks = Locks::of(a.register());
        assert_eq!(locks.passphrases(), 2, "a merge brought another lock: shown");
        let (only_a, _) = unlock(a.register(), PASSPHRASE).unwrap();
        assert_eq!(names(&a, &only_a), vec!["甲举报人".to_string()]);
        let (only_b, _) = unlock(a.register(), "另一个举报密码").unwrap();
        assert_eq!(names(&a, &only_b), vec!["乙举报人".to_string()]);
        // No third lock is added on top.
        assert!(
            a.run(
                &Stamp::default(),
                Command::AddReporterLock {
                    id: "argon2id-m8-t1-AAAAAAAAAAAAAAAAAAAAAA".into(),
                    check: Sealed::default()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn a_lock_record_removed_or_changed_by_a_writer_still_opens_its_names() {
        let mut doc = register();
        let keys = set(&mut doc, PASSPHRASE);
        report(&mut doc, Some(&keys), NAME);
        let lock = doc.register().settings.reporter_locks.keys().next().unwrap().clone();
        let emptied = write_raw(&mut doc, &["settings", "reporter_locks"], BTreeMap::<String, LockRecord>::new());
        assert_eq!(Locks::of(emptied.register()).unrecorded(), 1, "shown as a lock without its record");
        let (again, _) = unlock(emptied.register(), PASSPHRASE).unwrap();
        assert_eq!(names(&emptied, &again), vec![NAME.to_string()]);
        let mut forged = doc.register().settings.reporter_locks[&lock].clone();
        forged.check = Sealed { lock: lock.clone(), ..Sealed::default() };
        let changed = write_raw(&mut doc, &["settings", "reporter_locks", &lock], forged);
        let (again, _) = unlock(changed.register(), PASSPHRASE).unwrap();
        assert_eq!(names(&changed, &again), vec![NAME.to_string()]);
        assert_eq!(unlock(changed.register(), "别的密码别的密码").unwrap_err(), SealError::WrongPassphrase);
    }
}
