//! Forms of the committee's records: the pledge (廉政承诺书) and duty cards (勤廉责任卡).

use super::{Check, Form, Invalid, NAME_MAX, Reason, TEXT_MAX};
use crate::model::{CardStage, DutyCard, Person, Pledge, Register};

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

/// 勤廉责任卡: whose, which year, and what it holds. Its words change only while the cadre
/// fills it in (个人填报); a card under review is sent back first.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CardForm {
    /// The cadre (required).
    pub person: String,
    /// 年度, four digits (required).
    pub year: String,
    /// 岗位职责
    pub duties: String,
    /// 勤廉任务
    pub tasks: String,
    /// 行为准则
    pub conduct: String,
}

impl Form for CardForm {
    type Target = DutyCard;

    fn from_target(c: &DutyCard) -> Self {
        Self {
            person: c.person.clone(),
            year: c.year.clone(),
            duties: c.duties.as_str().to_string(),
            tasks: c.tasks.as_str().to_string(),
            conduct: c.conduct.as_str().to_string(),
        }
    }

    fn apply(&self, card: &mut DutyCard, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current = (!card.person.is_empty()).then_some(&card.person);
        let person = c.required_reference::<Person>("person", &self.person, current, register);
        let year = self.year.trim().to_string();
        if year.is_empty() {
            c.refuse("year", Reason::Required);
        } else if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
            c.refuse("year", Reason::Range { min: 2000, max: 2099 });
        }
        let taken = register
            .cards
            .values()
            .any(|other| other.archived.is_none() && other != &*card && other.person == person && other.year == year);
        if taken {
            c.refuse("year", Reason::Duplicate);
        }
        let duties = c.text("duties", &self.duties, true, TEXT_MAX);
        let tasks = c.text("tasks", &self.tasks, true, TEXT_MAX);
        let conduct = c.text("conduct", &self.conduct, false, TEXT_MAX);
        let changed =
            duties != card.duties.as_str() || tasks != card.tasks.as_str() || conduct != card.conduct.as_str();
        if card.stage != CardStage::Filling && changed {
            c.refuse("duties", Reason::NotNow);
        }
        c.finish()?;
        card.person = person;
        card.year = year;
        card.duties.update(duties);
        card.tasks.update(tasks);
        card.conduct.update(conduct);
        Ok(())
    }
}
