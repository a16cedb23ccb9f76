//! The form of a phase's task.

use super::{Check, Form, Invalid, LINE_MAX, TEXT_MAX};
use crate::model::{FourHave, Meeting, Person, Phase, Register, Task};

/// 任务: what, who, by when, done when, and its evidence.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TaskForm {
    /// The phase (required).
    pub phase: String,
    /// 任务 (required)
    pub what: String,
    /// 责任人 (optional person id).
    pub owner: String,
    /// 完成时限 (optional date).
    pub due: String,
    /// 完成日期 (optional date; set when done).
    pub done: String,
    /// 佐证材料
    pub evidence: String,
    /// 文件或文号
    pub reference: String,
    /// The meeting (optional id).
    pub meeting: String,
    /// [`FourHave`] code, or "".
    pub four: String,
}

impl Form for TaskForm {
    type Target = Task;

    fn from_target(t: &Task) -> Self {
        Self {
            phase: t.phase.clone(),
            what: t.what.clone(),
            owner: t.owner.clone().unwrap_or_default(),
            due: t.due.clone(),
            done: t.done.clone(),
            evidence: t.evidence.as_str().to_string(),
            reference: t.reference.clone(),
            meeting: t.meeting.clone().unwrap_or_default(),
            four: t.four.map(|f| f.code().to_string()).unwrap_or_default(),
        }
    }

    fn apply(&self, task: &mut Task, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!task.phase.is_empty()).then_some(&task.phase);
        let phase = c.required_reference::<Phase>("phase", &self.phase, current, register);
        let what = c.text("what", &self.what, true, LINE_MAX);
        let owner = c.reference::<Person>("owner", &self.owner, task.owner.as_ref(), register);
        let due = c.date("due", &self.due);
        let done = c.date("done", &self.done);
        let evidence = c.text("evidence", &self.evidence, false, TEXT_MAX);
        let reference = c.text("reference", &self.reference, false, LINE_MAX);
        let meeting = c.reference::<Meeting>("meeting", &self.meeting, task.meeting.as_ref(), register);
        let four = c.choice("four", &self.four, FourHave::from_code);
        c.finish()?;
        task.phase = phase;
        task.what = what;
        task.owner = owner;
        task.due = due.map(|d| d.to_string()).unwrap_or_default();
        task.done = done.map(|d| d.to_string()).unwrap_or_default();
        task.evidence.update(evidence);
        task.reference = reference;
        task.meeting = meeting;
        task.four = four;
        Ok(())
    }
}
