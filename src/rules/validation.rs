//! Forms: what a person typed, checked field by field before anything reaches the document.
//!
//! A form is applied to its target only when every field is valid, so nothing half-written is
//! ever reconciled. Each failure names its field and a reason with a locale key, shown beside
//! the field in the user's language.

use std::collections::BTreeMap;

use crate::model::{
    Date, DateError, Degree, Department, Entity, Id, LeadingGroup, MajorPart, Measure, MeasureStage, MeasureStatus,
    Opinion, Person, Phase, Post, Publicity, Register, ReviewStage, RiskKind, RiskLevel, RiskPoint, Scope, Unit,
};
use crate::rules::measures::measures_of;
use crate::rules::publicity::{MIN_DAYS, content_hash, window_long_enough};
use crate::rules::rating::{Judgement, propose_level};
use crate::rules::review::stage_of;

mod cases;
mod charts;
mod meetings;
mod plan;
mod records;
pub use cases::{
    CaseSettingsForm, ComplaintForm, DisposalForm, MATTER_NOTICE_DAYS, MatterForm, ReporterInput, SpotCheckForm,
    StepForm, WarningForm, reported_in_time, reporter_of,
};
pub use charts::{ChartEdit, FlowchartForm, NodeForm};
use meetings::AMOUNT_MAX;
pub use meetings::{BodyForm, MeetingForm, RecordRulesForm};
pub use plan::TaskForm;
pub use records::{
    ActivityForm, CardForm, EvaluationForm, FilingForm, FundCheckForm, FundForm, PledgeForm, RegulationForm,
    SubmissionForm, SummaryForm,
};

/// Why a field was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum Reason {
    /// An empty required field.
    #[error("required")]
    Required,
    /// Longer than the field allows.
    #[error("longer than {max} characters")]
    TooLong {
        /// The limit, in characters.
        max: usize,
    },
    /// Names a record that is not in the register.
    #[error("no such record")]
    Unknown,
    /// Names an archived record.
    #[error("the record is archived")]
    Archived,
    /// A risk level other than 一, 二 or 三级.
    #[error("not a risk level")]
    Level,
    /// A scope other than post, department or unit.
    #[error("not a scope")]
    Scope,
    /// Not a telephone number.
    #[error("not a telephone number")]
    Phone,
    /// Not a date.
    #[error(transparent)]
    Date(#[from] DateError),
    /// An end date before the start date.
    #[error("ends before it starts")]
    EndBeforeStart,
    /// Another active record already has this name.
    #[error("the name is taken")]
    Duplicate,
    /// A choice outside the offered ones (a stage, a status).
    #[error("not one of the choices")]
    Choice,
    /// A publicity round shorter than a week.
    #[error("shorter than {days} days")]
    TooShort {
        /// The shortest allowed, in days.
        days: i64,
    },
    /// Only approved points may be publicised.
    #[error("not approved")]
    NotApproved,
    /// A list that must not be empty.
    #[error("choose at least one")]
    NoneChosen,
    /// A reporter's name typed while the passphrase is not entered: it cannot be sealed.
    #[error("enter the passphrase first")]
    Locked,
    /// A step the case does not allow where it stands.
    #[error("not allowed now")]
    NotNow,
    /// A major matter reported less than the days it must be reported ahead.
    #[error("report at least {days} days ahead")]
    TooLate {
        /// The days ahead required.
        days: i64,
    },
    /// Words someone has signed, which stay as they were signed.
    #[error("already signed")]
    Signed,
    /// Words handed on or made final (a submitted duty card, a frozen summary), which stay.
    #[error("handed on or final: it cannot change")]
    Fixed,
    /// A speaker who is not among the attendees.
    #[error("not among the attendees")]
    NotAttending,
    /// Weights that do not add up to 100 percent.
    #[error("the weights must add up to 100")]
    WeightsSum,
    /// An arrow into a chart's start, out of its end, or from a node to itself.
    #[error("an arrow cannot enter the start, leave the end or return to its node")]
    ArrowEnds,
    /// A second arrow the same way between the same two nodes.
    #[error("these two nodes are already joined this way")]
    ArrowTwice,
    /// A number outside the range allowed.
    #[error("not a number from {min} to {max}")]
    Range {
        /// The smallest allowed.
        min: u32,
        /// The largest allowed.
        max: u32,
    },
}

impl Reason {
    /// The locale key of the message shown beside the field.
    pub fn label_key(&self) -> &'static str {
        match self {
            Reason::Required => "invalid.required",
            Reason::TooLong { .. } => "invalid.too_long",
            Reason::Unknown => "invalid.unknown",
            Reason::Archived => "invalid.archived",
            Reason::Level => "invalid.level",
            Reason::Scope => "invalid.scope",
            Reason::Phone => "invalid.phone",
            Reason::Date(DateError::Format) => "invalid.date_format",
            Reason::Date(DateError::OutOfRange) => "invalid.date_range",
            Reason::EndBeforeStart => "invalid.end_before_start",
            Reason::Duplicate => "invalid.duplicate",
            Reason::Choice => "invalid.choice",
            Reason::TooShort { .. } => "invalid.too_short",
            Reason::NotApproved => "invalid.not_approved",
            Reason::NoneChosen => "invalid.none_chosen",
            Reason::Locked => "invalid.locked",
            Reason::NotNow => "invalid.not_now",
            Reason::Range { .. } => "invalid.range",
            Reason::TooLate { .. } => "invalid.too_late",
            Reason::Signed => "invalid.signed",
            Reason::WeightsSum => "invalid.weights_sum",
            Reason::Fixed => "invalid.fixed",
            Reason::NotAttending => "invalid.not_attending",
            Reason::ArrowEnds => "invalid.arrow_ends",
            Reason::ArrowTwice => "invalid.arrow_twice",
        }
    }
}

/// A refused field.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Invalid {
    /// The form field's name (also its `data-testid` suffix in the UI).
    pub field: &'static str,
    /// Why.
    pub reason: Reason,
}

impl<'de> serde::Deserialize<'de> for Invalid {
    /// Read from a message (from the engine's thread): the field name becomes the static name
    /// the UI compares with. Field names are a small fixed set; each distinct one is kept once.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use std::collections::BTreeSet;
        use std::sync::Mutex;
        #[derive(serde::Deserialize)]
        struct Wire {
            field: String,
            reason: Reason,
        }
        static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
        let Wire { field, reason } = Wire::deserialize(deserializer)?;
        let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
        let field = match names.get(field.as_str()) {
            Some(known) => known,
            None => {
                let leaked: &'static str = Box::leak(field.into_boxed_str());
                names.insert(leaked);
                leaked
            }
        };
        Ok(Invalid { field, reason })
    }
}

/// Input for one kind of target, checked as a whole.
pub trait Form {
    /// What the form edits.
    type Target;

    /// The form filled in from an existing target.
    fn from_target(target: &Self::Target) -> Self;

    /// Writes the form into `target` when every field is valid; otherwise leaves `target` as it
    /// was and says what is wrong. `register` is read to check references.
    fn apply(&self, target: &mut Self::Target, register: &Register) -> Result<(), Vec<Invalid>>;
}

/// The longest name of a person, unit, post … (a staff list is checked against it too).
pub const NAME_MAX: usize = 50;
const LINE_MAX: usize = 200;
const TEXT_MAX: usize = 5_000;

/// Collects refusals while a form is read.
#[derive(Default)]
struct Check {
    refused: Vec<Invalid>,
}

impl Check {
    fn refuse(&mut self, field: &'static str, reason: Reason) {
        self.refused.push(Invalid { field, reason });
    }

    /// Trimmed text, refused when required and empty or longer than `max` characters.
    fn text(&mut self, field: &'static str, value: &str, required: bool, max: usize) -> String {
        let value = value.trim();
        if required && value.is_empty() {
            self.refuse(field, Reason::Required);
        } else if value.chars().count() > max {
            self.refuse(field, Reason::TooLong { max });
        }
        value.to_string()
    }

    /// An optional reference to an active entity of kind `E`. The value the target already
    /// holds stays acceptable even when that entity has been archived since.
    fn reference<E: Entity>(
        &mut self,
        field: &'static str,
        value: &str,
        current: Option<&Id>,
        register: &Register,
    ) -> Option<Id> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        match E::all(register).get(value) {
            None => self.refuse(field, Reason::Unknown),
            Some(e) if !e.is_active() && current.map(String::as_str) != Some(value) => {
                self.refuse(field, Reason::Archived)
            }
            Some(_) => {}
        }
        Some(value.to_string())
    }

    /// A reference that must be given.
    fn required_reference<E: Entity>(
        &mut self,
        field: &'static str,
        value: &str,
        current: Option<&Id>,
        register: &Register,
    ) -> Id {
        let id = self.reference::<E>(field, value, current, register);
        if id.is_none() {
            self.refuse(field, Reason::Required);
        }
        id.unwrap_or_default()
    }

    /// A set of references, as the document's person-id → true maps.
    fn reference_set<E: Entity>(
        &mut self,
        field: &'static str,
        values: &[Id],
        current: &BTreeMap<Id, bool>,
        register: &Register,
    ) -> BTreeMap<Id, bool> {
        values
            .iter()
            .filter_map(|v| {
                let held = current.contains_key(v.trim()).then(|| v.trim().to_string());
                self.reference::<E>(field, v, held.as_ref(), register)
            })
            .map(|id| (id, true))
            .collect()
    }

    /// A whole number from `min` to `max` (thousands separators allowed); `min` when refused.
    fn number(&mut self, field: &'static str, value: &str, min: u32, max: u32) -> u32 {
        let digits: String = value.chars().filter(|c| !matches!(c, ',' | '，' | ' ')).collect();
        match digits.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                self.refuse(field, Reason::Range { min, max });
                min
            }
        }
    }

    /// An optional date; "" stays "".
    fn date(&mut self, field: &'static str, value: &str) -> Option<Date> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        value.parse().map_err(|e| self.refuse(field, Reason::from(e))).ok()
    }

    /// A date that must be given.
    fn required_date(&mut self, field: &'static str, value: &str) -> Option<Date> {
        if value.trim().is_empty() {
            self.refuse(field, Reason::Required);
            return None;
        }
        self.date(field, value)
    }

    /// An optional choice among coded values ("" is none).
    fn choice<T>(&mut self, field: &'static str, value: &str, from_code: fn(&str) -> Option<T>) -> Option<T> {
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        let chosen = from_code(value);
        if chosen.is_none() {
            self.refuse(field, Reason::Choice);
        }
        chosen
    }

    /// A name no other active entity of kind `E` has.
    fn unique_name<E: Entity>(&mut self, field: &'static str, name: &str, register: &Register, me: &E) {
        let taken = E::all(register).values().any(|other| other.is_active() && other != me && other.label() == name);
        if taken {
            self.refuse(field, Reason::Duplicate);
        }
    }

    fn finish(self) -> Result<(), Vec<Invalid>> {
        if self.refused.is_empty() { Ok(()) } else { Err(self.refused) }
    }
}

fn is_phone(value: &str) -> bool {
    let digits = value.chars().filter(char::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && value.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+' | '(' | ')' | '转'))
}

/// 单位 details.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnitForm {
    /// 单位名称 (required)
    pub name: String,
    /// 上级主管部门
    pub superior: String,
    /// 举报电话
    pub hotline: String,
    /// 地址
    pub address: String,
}

impl Form for UnitForm {
    type Target = Unit;

    fn from_target(u: &Unit) -> Self {
        Self {
            name: u.name.clone(),
            superior: u.superior.clone(),
            hotline: u.hotline.clone(),
            address: u.address.clone(),
        }
    }

    fn apply(&self, unit: &mut Unit, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        let superior = c.text("superior", &self.superior, false, NAME_MAX);
        let hotline = c.text("hotline", &self.hotline, false, NAME_MAX);
        if !hotline.is_empty() && !is_phone(&hotline) {
            c.refuse("hotline", Reason::Phone);
        }
        let address = c.text("address", &self.address, false, LINE_MAX);
        c.finish()?;
        *unit = Unit { name, superior, hotline, address };
        Ok(())
    }
}

/// 人员.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PersonForm {
    /// 姓名 (required)
    pub name: String,
    /// 职务
    pub title: String,
    /// 党员
    pub party_member: bool,
    /// 干部
    pub cadre: bool,
}

impl Form for PersonForm {
    type Target = Person;

    fn from_target(p: &Person) -> Self {
        Self { name: p.name.clone(), title: p.title.clone(), party_member: p.party_member, cadre: p.cadre }
    }

    fn apply(&self, person: &mut Person, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        let title = c.text("title", &self.title, false, NAME_MAX);
        c.finish()?;
        person.name = name;
        person.title = title;
        person.party_member = self.party_member;
        person.cadre = self.cadre;
        Ok(())
    }
}

/// 部门.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DepartmentForm {
    /// 部门名称 (required, unique among active departments)
    pub name: String,
    /// 负责人: a person id or "".
    pub head: String,
    /// 分管领导: a person id or "".
    pub leader_in_charge: String,
    /// A subordinate unit (局属二级单位) rather than an internal office.
    pub subordinate: bool,
}

impl Form for DepartmentForm {
    type Target = Department;

    fn from_target(d: &Department) -> Self {
        Self {
            name: d.name.clone(),
            head: d.head.clone().unwrap_or_default(),
            leader_in_charge: d.leader_in_charge.clone().unwrap_or_default(),
            subordinate: d.subordinate,
        }
    }

    fn apply(&self, department: &mut Department, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        c.unique_name("name", &name, register, department);
        let head = c.reference::<Person>("head", &self.head, department.head.as_ref(), register);
        let leader_in_charge = c.reference::<Person>(
            "leader_in_charge",
            &self.leader_in_charge,
            department.leader_in_charge.as_ref(),
            register,
        );
        c.finish()?;
        department.name = name;
        department.head = head;
        department.leader_in_charge = leader_in_charge;
        department.subordinate = self.subordinate;
        Ok(())
    }
}

/// 岗位.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PostForm {
    /// 岗位名称 (required)
    pub name: String,
    /// The department id (required).
    pub department: String,
    /// 职级
    pub rank: String,
    /// 岗位职责, one per line.
    pub duties: String,
    /// Person ids of its holders.
    pub holders: Vec<Id>,
    /// A key post (重点对象).
    pub key: bool,
}

impl Form for PostForm {
    type Target = Post;

    fn from_target(p: &Post) -> Self {
        Self {
            name: p.name.clone(),
            department: p.department.clone(),
            rank: p.rank.clone(),
            duties: p.duties.as_str().to_string(),
            holders: p.holders.keys().cloned().collect(),
            key: p.key,
        }
    }

    fn apply(&self, post: &mut Post, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        let current = (!post.department.is_empty()).then_some(&post.department);
        let department = c.required_reference::<Department>("department", &self.department, current, register);
        let rank = c.text("rank", &self.rank, false, NAME_MAX);
        let duties = c.text("duties", &self.duties, false, TEXT_MAX);
        let holders = c.reference_set::<Person>("holders", &self.holders, &post.holders, register);
        c.finish()?;
        post.name = name;
        post.department = department;
        post.rank = rank;
        post.duties.update(duties);
        post.holders = holders;
        post.key = self.key;
        Ok(())
    }
}

/// 领导小组.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LeadingGroupForm {
    /// 组长: a person id or "".
    pub leader: String,
    /// 副组长 person ids.
    pub deputies: Vec<Id>,
    /// 成员 person ids.
    pub members: Vec<Id>,
}

impl Form for LeadingGroupForm {
    type Target = LeadingGroup;

    fn from_target(g: &LeadingGroup) -> Self {
        Self {
            leader: g.leader.clone().unwrap_or_default(),
            deputies: g.deputies.keys().cloned().collect(),
            members: g.members.keys().cloned().collect(),
        }
    }

    fn apply(&self, group: &mut LeadingGroup, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let leader = c.reference::<Person>("leader", &self.leader, group.leader.as_ref(), register);
        let deputies = c.reference_set::<Person>("deputies", &self.deputies, &group.deputies, register);
        let members = c.reference_set::<Person>("members", &self.members, &group.members, register);
        c.finish()?;
        *group = LeadingGroup { leader, deputies, members };
        Ok(())
    }
}

/// 风险类别.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RiskKindForm {
    /// 类别名称 (required, unique among active kinds)
    pub name: String,
}

impl Form for RiskKindForm {
    type Target = RiskKind;

    fn from_target(k: &RiskKind) -> Self {
        Self { name: k.name.clone() }
    }

    fn apply(&self, kind: &mut RiskKind, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        c.unique_name("name", &name, register, kind);
        c.finish()?;
        kind.name = name;
        Ok(())
    }
}

/// 实施阶段.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PhaseForm {
    /// 阶段名称 (required)
    pub name: String,
    /// `YYYY-MM-DD` or "".
    pub start: String,
    /// `YYYY-MM-DD` or "", not before `start`.
    pub end: String,
    /// 主要任务
    pub tasks: String,
}

impl Form for PhaseForm {
    type Target = Phase;

    fn from_target(p: &Phase) -> Self {
        Self { name: p.name.clone(), start: p.start.clone(), end: p.end.clone(), tasks: p.tasks.as_str().to_string() }
    }

    fn apply(&self, phase: &mut Phase, _: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let name = c.text("name", &self.name, true, NAME_MAX);
        let start = c.date("start", &self.start);
        let end = c.date("end", &self.end);
        if let (Some(start), Some(end)) = (start, end)
            && end < start
        {
            c.refuse("end", Reason::EndBeforeStart);
        }
        let tasks = c.text("tasks", &self.tasks, false, TEXT_MAX);
        c.finish()?;
        phase.name = name;
        phase.start = start.map(|d| d.to_string()).unwrap_or_default();
        phase.end = end.map(|d| d.to_string()).unwrap_or_default();
        phase.tasks.update(tasks);
        Ok(())
    }
}

/// 风险点.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RiskForm {
    /// 层级 code: "post", "department" or "unit".
    pub scope: String,
    /// The post id (required for a post risk).
    pub post: String,
    /// The department id (required for a department risk, optional for a unit risk).
    pub department: String,
    /// The risk kind id (required).
    pub kind: String,
    /// 职权事项
    pub power_item: String,
    /// 风险点描述 (required)
    pub description: String,
    /// 表现形式
    pub manifestations: String,
    /// 诱因
    pub causes: String,
    /// 风险等级 code: "1", "2" or "3".
    pub level: String,
}

impl RiskForm {
    /// The risk point as the form stands, read leniently, for showing who would be accountable
    /// while the person is still typing. `None` until a valid level is chosen.
    pub fn preview(&self) -> Option<RiskPoint> {
        let level = RiskLevel::from_code(self.level.trim())?;
        let scope = Scope::from_code(&self.scope).unwrap_or_default();
        let given = |id: &str| (!id.trim().is_empty()).then(|| id.trim().to_string());
        Some(RiskPoint {
            scope,
            post: if scope == Scope::Post { given(&self.post) } else { None },
            department: if scope == Scope::Post { None } else { given(&self.department) },
            level,
            ..RiskPoint::default()
        })
    }
}

impl Form for RiskForm {
    type Target = RiskPoint;

    fn from_target(r: &RiskPoint) -> Self {
        Self {
            scope: r.scope.code().to_string(),
            post: r.post.clone().unwrap_or_default(),
            department: r.department.clone().unwrap_or_default(),
            kind: r.kind.clone(),
            power_item: r.power_item.clone(),
            description: r.description.as_str().to_string(),
            manifestations: r.manifestations.as_str().to_string(),
            causes: r.causes.as_str().to_string(),
            level: r.level.code().to_string(),
        }
    }

    fn apply(&self, risk: &mut RiskPoint, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let scope = Scope::from_code(&self.scope);
        if scope.is_none() {
            c.refuse("scope", Reason::Scope);
        }
        let (post, department) = match scope {
            Some(Scope::Post) => {
                (Some(c.required_reference::<Post>("post", &self.post, risk.post.as_ref(), register)), None)
            }
            Some(Scope::Department) => (
                None,
                Some(c.required_reference::<Department>(
                    "department",
                    &self.department,
                    risk.department.as_ref(),
                    register,
                )),
            ),
            Some(Scope::Unit) | None => {
                (None, c.reference::<Department>("department", &self.department, risk.department.as_ref(), register))
            }
        };
        let current_kind = (!risk.kind.is_empty()).then_some(&risk.kind);
        let kind = c.required_reference::<RiskKind>("kind", &self.kind, current_kind, register);
        let power_item = c.text("power_item", &self.power_item, false, LINE_MAX);
        let description = c.text("description", &self.description, true, TEXT_MAX);
        let manifestations = c.text("manifestations", &self.manifestations, false, TEXT_MAX);
        let causes = c.text("causes", &self.causes, false, TEXT_MAX);
        let level = RiskLevel::from_code(self.level.trim());
        if level.is_none() {
            c.refuse("level", Reason::Level);
        }
        c.finish()?;
        risk.scope = scope.unwrap_or_default();
        risk.post = post;
        risk.department = department;
        risk.kind = kind;
        risk.power_item = power_item;
        risk.description.update(description);
        risk.manifestations.update(manifestations);
        risk.causes.update(causes);
        risk.level = level.unwrap_or_default();
        Ok(())
    }
}

/// 防控措施.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MeasureForm {
    /// The risk point id (required).
    pub risk: String,
    /// Stage code: "prevent", "monitor" or "handle".
    pub stage: String,
    /// 措施内容 (required)
    pub description: String,
    /// 责任人: a person id or "".
    pub owner: String,
    /// 完成期限, `YYYY-MM-DD` or "".
    pub due: String,
    /// Status code: "planned", "in_progress", "done" or "verified".
    pub status: String,
    /// 佐证材料
    pub evidence: String,
}

impl Form for MeasureForm {
    type Target = Measure;

    fn from_target(m: &Measure) -> Self {
        Self {
            risk: m.risk.clone(),
            stage: m.stage.code().to_string(),
            description: m.description.as_str().to_string(),
            owner: m.owner.clone().unwrap_or_default(),
            due: m.due.clone(),
            status: m.status.code().to_string(),
            evidence: m.evidence.as_str().to_string(),
        }
    }

    fn apply(&self, measure: &mut Measure, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let current_risk = (!measure.risk.is_empty()).then_some(&measure.risk);
        let risk = c.required_reference::<RiskPoint>("risk", &self.risk, current_risk, register);
        let stage = MeasureStage::from_code(self.stage.trim());
        if stage.is_none() {
            c.refuse("stage", Reason::Choice);
        }
        let description = c.text("description", &self.description, true, TEXT_MAX);
        let owner = c.reference::<Person>("owner", &self.owner, measure.owner.as_ref(), register);
        let due = c.date("due", &self.due);
        let status = MeasureStatus::from_code(self.status.trim());
        if status.is_none() {
            c.refuse("status", Reason::Choice);
        }
        let evidence = c.text("evidence", &self.evidence, false, TEXT_MAX);
        c.finish()?;
        measure.risk = risk;
        measure.stage = stage.unwrap_or_default();
        measure.description.update(description);
        measure.owner = owner;
        measure.due = due.map(|d| d.to_string()).unwrap_or_default();
        measure.status = status.unwrap_or_default();
        measure.evidence.update(evidence);
        Ok(())
    }
}

/// 风险评级: the rating helper's questions and the reviewer's decision.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RatingForm {
    /// 可能性 score "1"–"4".
    pub likelihood: String,
    /// 后果 score "1"–"4".
    pub severity: String,
    /// The "三重一大" part: "", "decision" or "execution".
    pub major: String,
    /// Large discretionary power.
    pub discretion: bool,
    /// Misconduct happened here before.
    pub past_misconduct: bool,
    /// 违反党纪条规的程度: "" (not judged) or "1"–"4".
    pub discipline: String,
    /// 紧急程度: "" (not judged) or "1"–"4".
    pub urgency: String,
    /// The final level code, "1"–"3".
    pub level: String,
    /// Why, required when the final level differs from the proposal.
    pub reason: String,
}

impl RatingForm {
    /// The judgement, if both degrees are given.
    pub fn judgement(&self) -> Option<Judgement> {
        Some(Judgement {
            likelihood: Degree::from_code(self.likelihood.trim())?,
            severity: Degree::from_code(self.severity.trim())?,
            major: MajorPart::from_code(self.major.trim()),
            discretion: self.discretion,
            past_misconduct: self.past_misconduct,
            discipline: Degree::from_code(self.discipline.trim()),
            urgency: Degree::from_code(self.urgency.trim()),
        })
    }

    /// The form showing a stored rating and the point's level.
    pub fn from_rating(rating: &crate::model::Rating, level: RiskLevel) -> Self {
        let degree = |d: Option<Degree>| d.map(|d| d.score().to_string()).unwrap_or_default();
        RatingForm {
            likelihood: rating.likelihood.score().to_string(),
            severity: rating.severity.score().to_string(),
            major: rating.major().map(|p| p.code().to_string()).unwrap_or_default(),
            discretion: rating.discretion,
            past_misconduct: rating.past_misconduct,
            discipline: degree(rating.discipline),
            urgency: degree(rating.urgency),
            level: level.code().to_string(),
            reason: rating.reason.clone(),
        }
    }

    /// The level the register's matrix proposes for the answers so far.
    pub fn proposal(&self, register: &Register) -> Option<RiskLevel> {
        self.judgement().map(|j| propose_level(&register.settings, &j))
    }

    /// The checked rating (without who and when) and the final level.
    pub fn check(&self, register: &Register) -> Result<(crate::model::Rating, RiskLevel), Vec<Invalid>> {
        let mut c = Check::default();
        let likelihood = Degree::from_code(self.likelihood.trim());
        if likelihood.is_none() {
            c.refuse("likelihood", Reason::Choice);
        }
        let severity = Degree::from_code(self.severity.trim());
        if severity.is_none() {
            c.refuse("severity", Reason::Choice);
        }
        let major = MajorPart::from_code(self.major.trim());
        if major.is_none() && !self.major.trim().is_empty() {
            c.refuse("major", Reason::Choice);
        }
        for (field, value) in [("discipline", &self.discipline), ("urgency", &self.urgency)] {
            if !value.trim().is_empty() && Degree::from_code(value.trim()).is_none() {
                c.refuse(field, Reason::Choice);
            }
        }
        let level = RiskLevel::from_code(self.level.trim());
        if level.is_none() {
            c.refuse("level", Reason::Level);
        }
        let reason = c.text("reason", &self.reason, false, LINE_MAX);
        let proposed = self.proposal(register);
        if let (Some(proposed), Some(level)) = (proposed, level)
            && proposed != level
            && reason.is_empty()
        {
            c.refuse("reason", Reason::Required);
        }
        c.finish()?;
        let rating = crate::model::Rating {
            likelihood: likelihood.unwrap_or_default(),
            severity: severity.unwrap_or_default(),
            major_decision: major == Some(MajorPart::Decision),
            major_execution: major == Some(MajorPart::Execution),
            discretion: self.discretion,
            past_misconduct: self.past_misconduct,
            discipline: Degree::from_code(self.discipline.trim()),
            urgency: Degree::from_code(self.urgency.trim()),
            proposed: proposed.unwrap_or_default(),
            reason,
            settled: false,
            by: String::new(),
            at: 0,
        };
        Ok((rating, level.unwrap_or_default()))
    }
}

/// 公示: a new round.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PublicityForm {
    /// 标题 (required)
    pub title: String,
    /// First day (required).
    pub start: String,
    /// Last day (required), at least seven days after the first.
    pub end: String,
    /// The approved points to show.
    pub risks: Vec<Id>,
}

impl Form for PublicityForm {
    type Target = Publicity;

    fn from_target(p: &Publicity) -> Self {
        Self {
            title: p.title.clone(),
            start: p.start.clone(),
            end: p.end.clone(),
            risks: p.risks.keys().cloned().collect(),
        }
    }

    fn apply(&self, round: &mut Publicity, register: &Register) -> Result<(), Vec<Invalid>> {
        let mut c = Check::default();
        let title = c.text("title", &self.title, true, LINE_MAX);
        let start = c.date("start", &self.start);
        let end = c.date("end", &self.end);
        for (field, given) in [("start", start), ("end", end)] {
            if given.is_none() && c.refused.iter().all(|i| i.field != field) {
                c.refuse(field, Reason::Required);
            }
        }
        if let (Some(start), Some(end)) = (start, end)
            && !window_long_enough(start, end)
        {
            c.refuse("end", Reason::TooShort { days: MIN_DAYS });
        }
        if self.risks.is_empty() {
            c.refuse("risks", Reason::NoneChosen);
        }
        let mut shown = BTreeMap::new();
        for id in &self.risks {
            match register.risks.get(id) {
                None => c.refuse("risks", Reason::Unknown),
                Some(r) if stage_of(r, &measures_of(register, id)) != ReviewStage::Approved || r.archived.is_some() => {
                    c.refuse("risks", Reason::NotApproved)
                }
                Some(_) => {
                    shown.insert(id.clone(), content_hash(register, id));
                }
            }
        }
        c.finish()?;
        round.title = title;
        round.start = start.map(|d| d.to_string()).unwrap_or_default();
        round.end = end.map(|d| d.to_string()).unwrap_or_default();
        round.risks = shown;
        Ok(())
    }
}

/// 意见征求: an opinion gathered during a round.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpinionForm {
    /// Who gave it ("" for anonymous).
    pub from: String,
    /// What they said (required).
    pub text: String,
    /// The answer, if already given.
    pub answer: String,
}

impl OpinionForm {
    /// The checked opinion, recorded by `by` at `at`.
    pub fn check(&self, by: &str, at: i64) -> Result<Opinion, Vec<Invalid>> {
        let mut c = Check::default();
        let from = c.text("from", &self.from, false, NAME_MAX);
        let text = c.text("text", &self.text, true, TEXT_MAX);
        let answer = c.text("answer", &self.answer, false, TEXT_MAX);
        c.finish()?;
        Ok(Opinion { from, text, answer, recorded_by: by.to_string(), at })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Archived;

    fn register() -> Register {
        let mut r = Register::default();
        r.people.insert("p1".into(), Person { name: "王家福".into(), ..Person::default() });
        r.people.insert(
            "gone".into(),
            Person {
                name: "姚小勤".into(),
                archived: Some(Archived { by: String::new(), at: 1 }),
                ..Person::default()
            },
        );
        r.departments.insert("d1".into(), Department { name: "总务处".into(), ..Department::default() });
        r.posts.insert("post1".into(), Post { name: "会计".into(), department: "d1".into(), ..Post::default() });
        r.risk_kinds.insert("k1".into(), RiskKind { name: "岗位职责风险".into(), archived: None });
        r
    }

    fn fields(result: Result<(), Vec<Invalid>>) -> Vec<(&'static str, Reason)> {
        result.unwrap_err().into_iter().map(|i| (i.field, i.reason)).collect()
    }

    fn risk_form() -> RiskForm {
        RiskForm {
            scope: "post".into(),
            post: "post1".into(),
            kind: "k1".into(),
            description: "大额支出未经民主理财小组审核".into(),
            level: "2".into(),
            ..RiskForm::default()
        }
    }

    #[test]
    fn an_empty_required_name_is_refused_and_nothing_is_written() {
        let r = register();
        let mut person = Person { name: "旧名".into(), ..Person::default() };
        let form = PersonForm { name: "   ".into(), title: "会计".into(), ..PersonForm::default() };
        assert_eq!(fields(form.apply(&mut person, &r)), vec![("name", Reason::Required)]);
        assert_eq!(person.name, "旧名");
        assert_eq!(person.title, "");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        let r = register();
        let mut person = Person::default();
        PersonForm { name: "  朱忠云 ".into(), ..PersonForm::default() }.apply(&mut person, &r).unwrap();
        assert_eq!(person.name, "朱忠云");
        let long = "长".repeat(51);
        assert_eq!(
            fields(PersonForm { name: long, ..PersonForm::default() }.apply(&mut person, &r)),
            vec![("name", Reason::TooLong { max: 50 })]
        );
    }

    #[test]
    fn a_post_needs_an_existing_active_department() {
        let mut r = register();
        let mut post = Post::default();
        let form = PostForm { name: "出纳".into(), ..PostForm::default() };
        assert_eq!(fields(form.apply(&mut post, &r)), vec![("department", Reason::Required)]);
        let form = PostForm { name: "出纳".into(), department: "nope".into(), ..PostForm::default() };
        assert_eq!(fields(form.apply(&mut post, &r)), vec![("department", Reason::Unknown)]);
        r.departments.get_mut("d1").unwrap().archived = Some(Archived { by: String::new(), at: 2 });
        let form = PostForm { name: "出纳".into(), department: "d1".into(), ..PostForm::default() };
        assert_eq!(fields(form.apply(&mut post, &r)), vec![("department", Reason::Archived)]);
        // A post already in an archived department can still be edited.
        let mut existing = r.posts["post1"].clone();
        let form = PostForm { rank: "股级".into(), ..PostForm::from_target(&existing) };
        form.apply(&mut existing, &r).unwrap();
        assert_eq!(existing.rank, "股级");
    }

    #[test]
    fn a_level_outside_one_two_three_is_refused() {
        let r = register();
        let mut risk = RiskPoint::default();
        for bad in ["", "0", "4", "一级", "high"] {
            let form = RiskForm { level: bad.into(), ..risk_form() };
            assert_eq!(fields(form.apply(&mut risk, &r)), vec![("level", Reason::Level)], "{bad:?}");
        }
        assert_eq!(risk, RiskPoint::default());
        risk_form().apply(&mut risk, &r).unwrap();
        assert_eq!(risk.level, RiskLevel::Two);
        assert_eq!(risk.description.as_str(), "大额支出未经民主理财小组审核");
    }

    #[test]
    fn the_scope_decides_which_reference_is_required() {
        let r = register();
        let mut risk = RiskPoint::default();
        let form = RiskForm { post: String::new(), ..risk_form() };
        assert_eq!(fields(form.apply(&mut risk, &r)), vec![("post", Reason::Required)]);
        let form = RiskForm { scope: "department".into(), ..risk_form() };
        assert_eq!(fields(form.apply(&mut risk, &r)), vec![("department", Reason::Required)]);
        let form = RiskForm { scope: "unit".into(), ..risk_form() };
        form.apply(&mut risk, &r).unwrap();
        assert_eq!((risk.scope, risk.post.as_deref(), risk.department.as_deref()), (Scope::Unit, None, None));
        let form = RiskForm { scope: "galaxy".into(), ..risk_form() };
        assert_eq!(fields(form.apply(&mut risk, &r)), vec![("scope", Reason::Scope)]);
    }

    #[test]
    fn the_preview_follows_the_form_before_it_is_valid() {
        let form =
            RiskForm { scope: "department".into(), department: "d1".into(), level: "1".into(), ..RiskForm::default() };
        let preview = form.preview().unwrap();
        assert_eq!((preview.department.as_deref(), preview.post, preview.level), (Some("d1"), None, RiskLevel::One));
        assert_eq!(RiskForm { level: String::new(), ..form }.preview(), None);
    }

    #[test]
    fn every_refused_field_is_reported_at_once() {
        let r = register();
        let form = RiskForm { scope: "post".into(), level: "9".into(), ..RiskForm::default() };
        let got: Vec<_> = fields(form.apply(&mut RiskPoint::default(), &r)).into_iter().map(|(f, _)| f).collect();
        assert_eq!(got, vec!["post", "kind", "description", "level"]);
    }

    #[test]
    fn archived_people_cannot_be_newly_chosen() {
        let r = register();
        let mut d = Department::default();
        let form = DepartmentForm { name: "财务室".into(), head: "gone".into(), ..DepartmentForm::default() };
        assert_eq!(fields(form.apply(&mut d, &r)), vec![("head", Reason::Archived)]);
        let form = LeadingGroupForm { leader: "p1".into(), members: vec!["gone".into()], ..Default::default() };
        assert_eq!(fields(form.apply(&mut LeadingGroup::default(), &r)), vec![("members", Reason::Archived)]);
    }

    #[test]
    fn department_and_kind_names_are_unique() {
        let r = register();
        let form = DepartmentForm { name: "总务处".into(), ..DepartmentForm::default() };
        assert_eq!(fields(form.apply(&mut Department::default(), &r)), vec![("name", Reason::Duplicate)]);
        let mut own = r.departments["d1"].clone();
        DepartmentForm::from_target(&own).apply(&mut own, &r).unwrap();
        let form = RiskKindForm { name: "岗位职责风险".into() };
        assert_eq!(fields(form.apply(&mut RiskKind::default(), &r)), vec![("name", Reason::Duplicate)]);
    }

    #[test]
    fn a_measure_needs_its_risk_a_stage_a_status_and_a_real_date() {
        let mut r = register();
        r.risks.insert("r1".into(), RiskPoint::default());
        let form = MeasureForm {
            risk: "r1".into(),
            stage: "monitor".into(),
            description: "每月核对采购台账".into(),
            owner: "p1".into(),
            due: "2026-12-31".into(),
            status: "in_progress".into(),
            ..MeasureForm::default()
        };
        let mut m = Measure::default();
        form.apply(&mut m, &r).unwrap();
        assert_eq!(
            (m.stage, m.status, m.due.as_str()),
            (MeasureStage::Monitor, MeasureStatus::InProgress, "2026-12-31")
        );
        let bad = MeasureForm {
            risk: String::new(),
            stage: "later".into(),
            status: "".into(),
            due: "2026-13-01".into(),
            ..form
        };
        assert_eq!(
            fields(bad.apply(&mut Measure::default(), &r)),
            vec![
                ("risk", Reason::Required),
                ("stage", Reason::Choice),
                ("due", Reason::Date(DateError::OutOfRange)),
                ("status", Reason::Choice)
            ]
        );
    }

    #[test]
    fn a_rating_that_overrides_the_proposal_needs_a_reason() {
        let r = register();
        let form =
            RatingForm { likelihood: "3".into(), severity: "4".into(), level: "1".into(), ..RatingForm::default() };
        assert_eq!(form.proposal(&r), Some(RiskLevel::One));
        let (rating, level) = form.check(&r).unwrap();
        assert_eq!((rating.proposed, level), (RiskLevel::One, RiskLevel::One));
        let lower = RatingForm { level: "2".into(), ..form.clone() };
        assert_eq!(fields(lower.check(&r).map(|_| ())), vec![("reason", Reason::Required)]);
        let argued = RatingForm { reason: "已有完善的监督机制".into(), ..lower };
        assert_eq!(argued.check(&r).unwrap().1, RiskLevel::Two);
        let blank = RatingForm::default();
        assert_eq!(
            fields(blank.check(&r).map(|_| ())),
            vec![("likelihood", Reason::Choice), ("severity", Reason::Choice), ("level", Reason::Level)]
        );
    }

    #[test]
    fn a_publicity_round_is_a_week_or_more_of_approved_points() {
        let mut r = register();
        r.risks.insert("ok".into(), RiskPoint { review: ReviewStage::Approved, ..RiskPoint::default() });
        r.risks.insert("draft".into(), RiskPoint::default());
        let form = PublicityForm {
            title: "岗位廉政风险点公示".into(),
            start: "2026-11-01".into(),
            end: "2026-11-07".into(),
            risks: vec!["ok".into()],
        };
        assert_eq!(fields(form.apply(&mut Publicity::default(), &r)), vec![("end", Reason::TooShort { days: 7 })]);
        let week = PublicityForm { end: "2026-11-08".into(), ..form.clone() };
        let mut round = Publicity::default();
        week.apply(&mut round, &r).unwrap();
        assert!(round.risks["ok"].starts_with("2:"));
        let with_draft = PublicityForm { risks: vec!["ok".into(), "draft".into()], ..week.clone() };
        assert_eq!(fields(with_draft.apply(&mut Publicity::default(), &r)), vec![("risks", Reason::NotApproved)]);
        let empty = PublicityForm { risks: vec![], start: String::new(), ..week };
        assert_eq!(
            fields(empty.apply(&mut Publicity::default(), &r)),
            vec![("start", Reason::Required), ("risks", Reason::NoneChosen)]
        );
    }

    #[test]
    fn hotline_and_dates_are_checked() {
        let r = register();
        let mut unit = Unit::default();
        let form = UnitForm { name: "高桥小学".into(), hotline: "打电话".into(), ..UnitForm::default() };
        assert_eq!(fields(form.apply(&mut unit, &r)), vec![("hotline", Reason::Phone)]);
        UnitForm { name: "高桥小学".into(), hotline: "0716-8573065".into(), ..UnitForm::default() }
            .apply(&mut unit, &r)
            .unwrap();
        assert_eq!(unit.hotline, "0716-8573065");

        let mut phase = Phase::default();
        let form = PhaseForm {
            name: "查找风险".into(),
            start: "2026-03-21".into(),
            end: "2026-03-20".into(),
            ..PhaseForm::default()
        };
        assert_eq!(fields(form.apply(&mut phase, &r)), vec![("end", Reason::EndBeforeStart)]);
        let form = PhaseForm { name: "查找风险".into(), start: "2026-02-30".into(), ..PhaseForm::default() };
        assert_eq!(fields(form.apply(&mut phase, &r)), vec![("start", Reason::Date(DateError::OutOfRange))]);
        let form = PhaseForm { name: "查找风险".into(), end: "3月20日".into(), ..PhaseForm::default() };
        assert_eq!(fields(form.apply(&mut phase, &r)), vec![("end", Reason::Date(DateError::Format))]);
    }
}
