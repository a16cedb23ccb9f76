//! Forms of the committee's records: the pledge (廉政承诺书).

use super::{Check, Form, Invalid, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{Pledge, Register};

/// One version of the pledge. Creating one makes the next version; a version someone signed
/// keeps its words (a revision is a new version).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PledgeForm {
    /// 标题 (required)
    pub title: String,
    /// 发布日期 (required)
    pub issued: String,
    /// 承诺内容 (required)
    pub text: String,
}

impl Form for PledgeForm {
    type Target = Pledge;

    fn from_target(p: &Pledge) -> Self {
        Self { title: p.title.clone(), issued: p.issued.clone(), text: p.text.as_str().to_string() }
    }

    fn apply(&self, pledge: &mut Pledge, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let title = c.text("title", &self.title, true, NAME_MAX);
        let issued = c.date("issued", &self.issued);
        if issued.is_none() && self.issued.trim().is_empty() {
            c.refuse("issued", Reason::Required);
        }
        let text = c.text("text", &self.text, true, TEXT_MAX);
        if !pledge.signatures.is_empty() && (text != pledge.text.as_str() || title != pledge.title) {
            c.refuse("text", Reason::Signed);
        }
        c.finish()?;
        if pledge.version == 0 {
            pledge.version = register.pledges.values().map(|p| p.version).max().unwrap_or(0) + 1;
        }
        pledge.title = title;
        pledge.issued = issued.map(|d| d.to_string()).unwrap_or_default();
        pledge.text.update(text);
        Ok(())
    }
}
