//! When to save: a sans-IO state machine for the debounce, the retry after a failure and the
//! save status the header shows. The browser adapter (`ui/use_autosave.rs`) owns the timer and
//! the store and does what each [`AutosaveStep`] says; the decisions are tested natively here.

use super::{Saved, StorageError};

/// How long after the last edit the register is written to storage.
pub const SAVE_DELAY_MS: u32 = 300;
/// How long after a failed save it is tried again, if no edit comes first.
pub const RETRY_DELAY_MS: u32 = 10_000;

/// Where the open register's edits stand with respect to storage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SaveStatus {
    /// Everything is stored.
    Saved,
    /// Edits wait for the debounce or are being written.
    Pending,
    /// The last write failed; edits are kept in memory and the next save retries.
    Failed(StorageError),
}

/// What the adapter does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AutosaveStep {
    /// Nothing.
    Idle,
    /// (Re)start the timer: call [`Autosave::due`] after this many milliseconds. A new timer
    /// replaces the one before: that is the debounce.
    Wait(u32),
    /// Take a write from the document now, store it, and report with [`Autosave::finished`].
    Write,
}

/// The save state of one open register.
#[derive(Debug)]
pub struct Autosave {
    status: SaveStatus,
    /// Edits made since the last write was taken.
    edited: bool,
    writing: bool,
    /// A save fell due while a write was under way.
    again: bool,
}

impl Default for Autosave {
    fn default() -> Self {
        Self { status: SaveStatus::Saved, edited: false, writing: false, again: false }
    }
}

impl Autosave {
    /// The status to show.
    pub fn status(&self) -> &SaveStatus {
        &self.status
    }

    /// Whether edits wait to be stored or are being written.
    pub fn is_dirty(&self) -> bool {
        self.edited || self.writing || matches!(self.status, SaveStatus::Failed(_))
    }

    /// Whether a write is under way.
    pub fn is_writing(&self) -> bool {
        self.writing
    }

    /// The document changed.
    pub fn edited(&mut self) -> AutosaveStep {
        self.edited = true;
        if !matches!(self.status, SaveStatus::Failed(_)) {
            self.status = SaveStatus::Pending;
        }
        AutosaveStep::Wait(SAVE_DELAY_MS)
    }

    /// The timer fired, or a save is wanted now (before the register is closed).
    pub fn due(&mut self) -> AutosaveStep {
        if self.writing {
            self.again = true;
            return AutosaveStep::Idle;
        }
        self.writing = true;
        self.edited = false;
        AutosaveStep::Write
    }

    /// The write asked for ended.
    pub fn finished(&mut self, result: Result<Saved, StorageError>) -> AutosaveStep {
        self.writing = false;
        match result {
            Err(e) => {
                self.status = SaveStatus::Failed(e);
                self.again = false;
                AutosaveStep::Wait(RETRY_DELAY_MS)
            }
            Ok(_) if std::mem::take(&mut self.again) => self.due(),
            Ok(_) => {
                self.status = if self.edited { SaveStatus::Pending } else { SaveStatus::Saved };
                AutosaveStep::Idle
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_waits_for_the_debounce_then_writes_once() {
        let mut a = Autosave::default();
        assert_eq!(a.edited(), AutosaveStep::Wait(SAVE_DELAY_MS));
        assert_eq!(a.edited(), AutosaveStep::Wait(SAVE_DELAY_MS));
        assert_eq!(a.status(), &SaveStatus::Pending);
        assert_eq!(a.due(), AutosaveStep::Write);
        assert_eq!(a.finished(Ok(Saved::Chunk(10))), AutosaveStep::Idle);
        assert_eq!(a.status(), &SaveStatus::Saved);
        assert!(!a.is_dirty());
    }

    #[test]
    fn a_save_due_during_a_write_follows_it() {
        let mut a = Autosave::default();
        a.edited();
        assert_eq!(a.due(), AutosaveStep::Write);
        a.edited();
        assert_eq!(a.due(), AutosaveStep::Idle, "one write at a time");
        assert_eq!(a.finished(Ok(Saved::Chunk(10))), AutosaveStep::Write);
        assert_eq!(a.status(), &SaveStatus::Pending);
        assert_eq!(a.finished(Ok(Saved::Chunk(10))), AutosaveStep::Idle);
        assert_eq!(a.status(), &SaveStatus::Saved);
    }

    #[test]
    fn an_edit_during_a_write_keeps_the_status_pending() {
        let mut a = Autosave::default();
        a.edited();
        a.due();
        a.edited();
        assert_eq!(a.finished(Ok(Saved::Chunk(10))), AutosaveStep::Idle);
        assert_eq!(a.status(), &SaveStatus::Pending);
        assert!(a.is_dirty());
    }

    #[test]
    fn a_failure_shows_and_retries_until_a_write_succeeds() {
        let mut a = Autosave::default();
        a.edited();
        a.due();
        assert_eq!(a.finished(Err(StorageError::Full)), AutosaveStep::Wait(RETRY_DELAY_MS));
        assert_eq!(a.status(), &SaveStatus::Failed(StorageError::Full));
        // An edit does not hide the failure; the retry that follows does, once it succeeds.
        a.edited();
        assert_eq!(a.status(), &SaveStatus::Failed(StorageError::Full));
        assert!(a.is_dirty());
        assert_eq!(a.due(), AutosaveStep::Write);
        assert_eq!(a.finished(Ok(Saved::Snapshot(100))), AutosaveStep::Idle);
        assert_eq!(a.status(), &SaveStatus::Saved);
    }
}
