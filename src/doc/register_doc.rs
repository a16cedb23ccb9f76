//! [`RegisterDoc`]: one register's Automerge document and the model hydrated from it.

use std::collections::BTreeSet;

use automerge::transaction::{CommitOptions, Transactable as _};
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ObjType, ROOT, ReadDoc as _, Value};
use autosurgeon::{MaybeMissing, hydrate_prop, reconcile, reconcile_prop};

use super::change_note::{Action, ChangeNote, Stamp};
use super::history::HistoryCache;
use super::keep_conflicts::KeepConflicts;
use crate::model::{
    Archived, Body, BodyRole, Date, Department, Entity, EntityKind, FourHave, Fund, Id, LeadingGroup, Measure,
    MeasureStage, Phase, Pledge, Post, Register, Regulation, ReviewStage, RiskKind, RiskLevel, RiskPoint,
    SCHEMA_VERSION, Scope, Task, Template, Unit, new_id,
};
use crate::rules::{Form, Invalid, LeadingGroupForm, Reason, UnitForm, resolve, task_lines};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Every map at the document root. They are all made in a register's first change, so that every
/// copy shares the same map objects: a map made later on two copies at once would conflict, and
/// one copy's entries would vanish behind the other's. Maps of kinds a later version fills are
/// made now for the same reason.
pub(super) const COLLECTIONS: [&str; 25] = [
    "people",
    "departments",
    "posts",
    "risks",
    "risk_kinds",
    "phases",
    "measures",
    "publicity",
    "warnings",
    "complaints",
    "pledges",
    "cards",
    "flowcharts",
    "meetings",
    "evaluations",
    "funds",
    "regulations",
    // Added after registers were first made: older registers get it on first use, and
    // `fold_split_maps` keeps both copies' records if two made it at once.
    "checks",
    "matters",
    "bodies",
    "tasks",
    "activities",
    "summaries",
    "submissions",
    "filings",
];

/// Why the document could not be opened, merged or changed.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// The bytes are not an Automerge document (corrupt or truncated).
    #[error("the bytes are not an Automerge document: {0}")]
    NotAutomerge(#[source] automerge::AutomergeError),
    /// An Automerge document, but not a Qingfeng register.
    #[error("the document is not a Qingfeng register: {0}")]
    NotARegister(String),
    /// Written by a newer Qingfeng whose layout this build does not know.
    #[error("the register was written by a newer Qingfeng (layout {0}, this build reads up to {SCHEMA_VERSION})")]
    NewerSchema(u64),
    /// Two documents of different registers cannot be merged.
    #[error("the documents are copies of different registers")]
    DifferentRegister,
    /// A form had invalid fields; nothing was written.
    #[error("invalid input in {} field(s)", .0.len())]
    Invalid(Vec<Invalid>),
    /// No entity of that kind has that id.
    #[error("no {kind:?} with id {id}")]
    NotFound {
        /// The kind looked in.
        kind: EntityKind,
        /// The id looked for.
        id: Id,
    },
    /// A review step was refused.
    #[error(transparent)]
    Review(#[from] crate::rules::ReviewError),
    /// A duty card step was refused.
    #[error(transparent)]
    Card(#[from] crate::rules::CardError),
    /// A step of the "三重一大" procedure was refused.
    #[error(transparent)]
    Procedure(#[from] crate::rules::ProcedureError),
    /// A publicity round cannot close before its last day.
    #[error("the publicity round has not run its full time")]
    TooEarlyToClose,
    /// Automerge refused a write (a bug, not bad input).
    #[error("the document could not be changed: {0}")]
    Write(String),
    /// A failure the engine's worker reported: its message key and what it said.
    #[error("{detail}")]
    Remote {
        /// The locale key.
        key: &'static str,
        /// What the engine said.
        detail: String,
    },
    /// The register is still being opened: shown from its view copy, not yet writable.
    #[error("the register is still being opened")]
    NotReady,
    /// A file to merge is not a usable `.qingfeng` file.
    #[error(transparent)]
    File(#[from] crate::sync::FileError),
}

impl DocError {
    /// The locale key of the message shown to the user.
    pub fn label_key(&self) -> &'static str {
        match self {
            DocError::NotAutomerge(_) => "error.not_automerge",
            DocError::NotARegister(_) => "error.not_a_register",
            DocError::NewerSchema(_) => "error.newer_schema",
            DocError::DifferentRegister => "error.different_register",
            DocError::Invalid(_) => "error.invalid",
            DocError::NotFound { .. } => "error.not_found",
            DocError::Review(e) => e.label_key(),
            DocError::Card(e) => e.label_key(),
            DocError::Procedure(e) => e.label_key(),
            DocError::TooEarlyToClose => "error.too_early_to_close",
            DocError::Write(_) => "error.write",
            DocError::NotReady => "error.not_ready",
            DocError::Remote { key, .. } => key,
            DocError::File(e) => e.label_key(),
        }
    }
}

pub(super) fn write_error(e: impl std::fmt::Display) -> DocError {
    DocError::Write(e.to_string())
}

/// What a merge brought in.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MergeReport {
    /// How many changes were new to this copy.
    pub changes: usize,
    /// Person ids of the members who made them ("" for changes made before anyone chose).
    pub authors: BTreeSet<Id>,
    /// The entities they touched.
    pub entities: BTreeSet<(EntityKind, Id)>,
}

/// One register: its Automerge document and the [`Register`] hydrated from it.
pub struct RegisterDoc {
    pub(super) doc: AutoCommit,
    register: Register,
    /// The entities local changes touched since [`RegisterDoc::take_written`].
    pub(super) written: Vec<(EntityKind, Id)>,
    /// What changed in the model since [`RegisterDoc::take_view_patches`], by any path.
    pub(super) unviewed: super::refresh::Touched,
    pub(super) history_cache: HistoryCache,
    /// The heads as read from storage or a file, before this copy changed anything.
    loaded: Vec<ChangeHash>,
}

impl std::fmt::Debug for RegisterDoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisterDoc").field("id", &self.register.id).field("unit", &self.register.unit.name).finish()
    }
}

impl RegisterDoc {
    /// A new register for `unit`, seeded from `template`, with phases dated from `today`.
    /// Everything is written in one first change, from which every copy descends.
    pub fn create(unit: &UnitForm, template: &Template, today: Date, stamp: &Stamp) -> Result<Self, DocError> {
        Self::create_as(new_id(), unit, template, today, stamp)
    }

    /// A new register with id `id` (a founded one: `qingfeng_wire::founded_register_id`).
    pub fn create_as(
        id: Id,
        unit: &UnitForm,
        template: &Template,
        today: Date,
        stamp: &Stamp,
    ) -> Result<Self, DocError> {
        let mut register = Register { schema: SCHEMA_VERSION, id, ..Register::default() };
        let mut details = Unit::default();
        unit.apply(&mut details, &register).map_err(DocError::Invalid)?;
        register.unit = details;
        register.settings.template = template.code.clone();
        for name in &template.departments {
            register.departments.insert(new_id(), Department { name: name.clone(), ..Department::default() });
        }
        for name in &template.subordinate_units {
            let unit = Department { name: name.clone(), subordinate: true, ..Department::default() };
            register.departments.insert(new_id(), unit);
        }
        for name in &template.risk_kinds {
            register.risk_kinds.insert(new_id(), RiskKind { name: name.clone(), archived: None });
        }
        for (order, (phase, (start, end))) in template.phases.iter().zip(template.phase_dates(today)).enumerate() {
            let phase = Phase {
                order: order as i64 + 1,
                name: phase.name.clone(),
                start: start.to_string(),
                end: end.to_string(),
                tasks: phase.tasks.as_str().into(),
                archived: None,
            };
            let id = new_id();
            for what in task_lines(phase.tasks.as_str()) {
                let task = Task { phase: id.clone(), what, due: end.to_string(), ..Task::default() };
                register.tasks.insert(new_id(), task);
            }
            for evidence in &template.phases[order].four_have {
                let four = FourHave::from_code(&evidence.four);
                let task = Task {
                    phase: id.clone(),
                    what: evidence.what.clone(),
                    due: end.to_string(),
                    four,
                    ..Task::default()
                };
                register.tasks.insert(new_id(), task);
            }
            register.phases.insert(id, phase);
        }

        seed_template_posts(&mut register, template);
        for fund in &template.funds {
            let department = id_of(register.departments.iter().map(|(id, d)| (id, d.name.as_str())), &fund.department);
            register.funds.insert(new_id(), Fund { name: fund.name.clone(), department, ..Fund::default() });
        }
        for name in &template.regulations {
            register.regulations.insert(new_id(), Regulation { name: name.clone(), ..Regulation::default() });
        }
        for body in &template.bodies {
            let role = BodyRole::from_code(&body.role).unwrap_or_default();
            register.bodies.insert(new_id(), Body { name: body.name.clone(), role, ..Body::default() });
        }
        let pledge = Pledge {
            title: template.pledge.title.clone(),
            version: 1,
            issued: today.to_string(),
            text: template.pledge.text.as_str().into(),
            ..Pledge::default()
        };
        register.pledges.insert(new_id(), pledge);
        seed_template_risks(&mut register, template);
        for chart in &template.charts {
            register.flowcharts.insert(new_id(), crate::rules::chart_from_template(chart, &register));
        }

        let mut doc = AutoCommit::new().with_actor(ActorId::random());
        for collection in COLLECTIONS {
            doc.put_object(ROOT, collection, ObjType::Map).map_err(write_error)?;
        }
        reconcile(&mut doc, &register).map_err(write_error)?;
        let mut this = Self {
            doc,
            register,
            written: Vec::new(),
            unviewed: Default::default(),
            history_cache: HistoryCache::default(),
            loaded: Vec::new(),
        };
        let label = this.register.unit.name.clone();
        this.commit(stamp, Action::CreateRegister, None, label);
        this.rehydrate()?;
        Ok(this)
    }

    /// Opens a saved register (a snapshot, optionally followed by incremental chunks).
    /// Each opening writes as a new random actor, so two tabs never share one.
    pub fn load(bytes: &[u8]) -> Result<Self, DocError> {
        let doc = AutoCommit::load(bytes).map_err(DocError::NotAutomerge)?.with_actor(ActorId::random());
        Self::from_automerge(doc)
    }

    /// Opens a register kept as several stored chunks (snapshots and incremental saves, in any
    /// order, possibly overlapping). Snapshots are read first, so that changes whose
    /// dependencies come in a later chunk wait for them instead of failing the load.
    pub fn load_chunks<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> Result<Self, DocError> {
        let mut chunks: Vec<&[u8]> = chunks.into_iter().collect();
        // A document chunk starts with the magic bytes and then chunk type 0.
        chunks.sort_by_key(|c| c.get(8) != Some(&0));
        let (first, rest) = chunks.split_first().ok_or_else(|| DocError::NotARegister("nothing is stored".into()))?;
        // Without a snapshot (a store that was full at the first save takes only changes), the
        // first chunk may depend on another: every chunk then goes through the queue.
        let mut doc = if first.get(8) == Some(&0) {
            AutoCommit::load(first).map_err(DocError::NotAutomerge)?
        } else {
            let mut doc = AutoCommit::new();
            doc.load_incremental(first).map_err(DocError::NotAutomerge)?;
            doc
        }
        .with_actor(ActorId::random());
        for chunk in rest {
            doc.load_incremental(chunk).map_err(DocError::NotAutomerge)?;
        }
        Self::from_automerge(doc)
    }

    fn from_automerge(mut doc: AutoCommit) -> Result<Self, DocError> {
        let schema = register_schema(&doc)?;
        if schema > SCHEMA_VERSION {
            return Err(DocError::NewerSchema(schema));
        }
        let loaded = doc.get_heads();
        let mut this = Self {
            doc,
            register: Register::default(),
            written: Vec::new(),
            unviewed: Default::default(),
            history_cache: HistoryCache::default(),
            loaded,
        };
        // Stored chunks of two copies that each made a root map (a file imported into storage,
        // another tab's chunks) are gathered at opening as they are at a merge.
        let latest =
            this.doc.get_heads().iter().filter_map(|h| this.doc.get_change_by_hash(h)).map(|c| c.timestamp()).max();
        this.fold_split_maps(latest.unwrap_or_default())?;
        this.rehydrate()?;
        if this.register.id.is_empty() {
            return Err(DocError::NotARegister("it has no register id".into()));
        }
        Ok(this)
    }

    /// The register as it stands.
    pub fn register(&self) -> &Register {
        &self.register
    }

    pub(super) fn register_mut(&mut self) -> &mut Register {
        &mut self.register
    }

    /// The register's id.
    pub fn id(&self) -> &str {
        &self.register.id
    }

    /// The whole document, compacted.
    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    /// The whole document, compacted, without moving the point `save_incremental` continues
    /// from: for copies that leave (exports), not for the browser's own store.
    pub fn save_snapshot_copy(&mut self) -> Vec<u8> {
        self.doc.document().save()
    }

    /// The changes since the last `save` or `save_incremental`, to append to a saved copy.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        self.doc.save_incremental()
    }

    /// The heads the document had when it was read (from a store's chunks or a file), before
    /// this copy changed anything: a store holds everything under them, not what opening added.
    pub fn loaded_heads(&self) -> &[ChangeHash] {
        &self.loaded
    }

    /// The current heads of the document.
    pub fn heads(&mut self) -> Vec<ChangeHash> {
        self.doc.get_heads()
    }

    /// Every change that is not an ancestor of one of `heads` (unknown heads are ignored), as
    /// bytes that `load_chunks` and `apply_chunk` read.
    pub fn save_after(&mut self, heads: &[ChangeHash]) -> Vec<u8> {
        self.doc.save_after(heads)
    }

    /// Whether every one of `heads` is a change this copy holds.
    pub fn has_changes(&mut self, heads: &[ChangeHash]) -> bool {
        heads.iter().all(|h| self.doc.get_change_by_hash(h).is_some())
    }

    /// Whether some changes wait for dependencies this copy lacks (a damaged or partial store).
    pub fn is_missing_changes(&mut self) -> bool {
        !self.doc.get_missing_deps(&[]).is_empty()
    }

    /// Brings in changes saved by another copy of this register (another tab's stored chunk,
    /// a journal), and refreshes the entities they touched. Refuses, as a merge does, changes
    /// of another register or of a newer layout; the document is then as it was.
    pub fn apply_chunk(&mut self, bytes: &[u8]) -> Result<MergeReport, DocError> {
        self.checked(|doc| doc.load_incremental(bytes).map(drop).map_err(DocError::NotAutomerge))
    }

    /// The next automerge sync message for a peer whose state is `state`, if there is one.
    pub fn sync_message(&mut self, state: &mut automerge::sync::State) -> Option<automerge::sync::Message> {
        use automerge::sync::SyncDoc as _;
        self.doc.sync().generate_sync_message(state)
    }

    /// Applies a sync message from a peer (the relay), and refreshes what it touched. Refuses
    /// changes that would make this another register or a newer layout than this build knows:
    /// they are applied by then, so the document is put back as it was before the message, in
    /// memory as in what a later save writes. The caller stops syncing with that peer.
    pub fn receive_sync(
        &mut self,
        state: &mut automerge::sync::State,
        message: automerge::sync::Message,
    ) -> Result<MergeReport, DocError> {
        use automerge::sync::SyncDoc as _;
        self.checked(|doc| doc.sync().receive_sync_message(state, message).map_err(DocError::NotAutomerge))
    }

    /// Applies `receive` (changes from elsewhere), then refuses what would make this another
    /// register or a newer layout than this build knows: such changes are in the document by
    /// then, so it is put back as it was before, in memory as in what a later save writes.
    fn checked(
        &mut self,
        receive: impl FnOnce(&mut AutoCommit) -> Result<(), DocError>,
    ) -> Result<MergeReport, DocError> {
        let id = self.register.id.clone();
        let before = self.doc.get_heads();
        let unviewed = self.unviewed.clone();
        let received = receive(&mut self.doc);
        let checked = received.and_then(|()| {
            // Every copy of a register descends from its one first change: another first
            // change is another register, whatever id it claims.
            if self.doc.get_changes(&before).iter().any(|c| c.deps().is_empty()) {
                return Err(DocError::DifferentRegister);
            }
            let schema = register_schema(&self.doc)?;
            if schema > SCHEMA_VERSION {
                return Err(DocError::NewerSchema(schema));
            }
            let report = self.report_since(&before)?;
            if self.register.id != id {
                return Err(DocError::DifferentRegister);
            }
            Ok(report)
        });
        if checked.is_err() && self.doc.get_heads() != before {
            let actor = self.doc.get_actor().clone();
            self.doc = self.doc.fork_at(&before).map_err(DocError::NotAutomerge)?.with_actor(actor);
            self.rehydrate()?;
            self.unviewed = unviewed;
            self.history_cache = HistoryCache::default();
        }
        checked
    }

    /// How many changes this copy has that a peer at `heads` lacks.
    pub fn changes_after(&mut self, heads: &[ChangeHash]) -> usize {
        self.doc.get_changes(heads).len()
    }

    /// A second copy of this register that writes as another actor, as another member's
    /// browser would after importing a file.
    pub fn fork(&mut self) -> Self {
        let mut doc = self.doc.fork().with_actor(ActorId::random());
        let loaded = doc.get_heads();
        Self {
            doc,
            register: self.register.clone(),
            written: Vec::new(),
            unviewed: Default::default(),
            history_cache: HistoryCache::default(),
            loaded,
        }
    }

    /// Brings every change of `other` (a copy of the same register) into this one.
    pub fn merge(&mut self, other: &mut RegisterDoc) -> Result<MergeReport, DocError> {
        self.merge_automerge(&mut other.doc)
    }

    /// Merges saved bytes of a copy of this register.
    pub fn merge_bytes(&mut self, bytes: &[u8]) -> Result<MergeReport, DocError> {
        let mut other = AutoCommit::load(bytes).map_err(DocError::NotAutomerge)?;
        self.merge_automerge(&mut other)
    }

    /// Merges `other` into this register, refusing a copy of another register, or one that a
    /// newer Qingfeng has written in a layout this build does not know (as loading does).
    fn merge_automerge(&mut self, other: &mut AutoCommit) -> Result<MergeReport, DocError> {
        let schema = register_schema(other)?;
        if schema > SCHEMA_VERSION {
            return Err(DocError::NewerSchema(schema));
        }
        let other_id = match other.get(ROOT, "id") {
            Ok(Some((Value::Scalar(id), _))) => id.as_str().map(str::to_string),
            _ => None,
        };
        if other_id.as_deref() != Some(self.id()) {
            return Err(DocError::DifferentRegister);
        }
        self.checked(|doc| doc.merge(other).map(drop).map_err(write_error))
    }

    /// What came in since `before`, with the model brought up to date.
    fn report_since(&mut self, before: &[ChangeHash]) -> Result<MergeReport, DocError> {
        let mut report = MergeReport::default();
        let mut latest = 0;
        for change in self.doc.get_changes(before) {
            report.changes += 1;
            latest = latest.max(change.timestamp());
            if let Some(note) = change.message().and_then(ChangeNote::parse) {
                report.authors.insert(note.author);
                report.entities.extend(note.entity);
            }
        }
        if report.changes > 0 {
            self.fold_split_maps(latest)?;
            self.refresh_since(before)?;
        }
        Ok(report)
    }

    /// Adds an entity from a valid form and returns its new id.
    pub fn create_entity<F>(&mut self, stamp: &Stamp, form: &F) -> Result<Id, DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        let id = new_id();
        self.create_entity_as(stamp, &id, form)?;
        Ok(id)
    }

    /// Adds an entity from a valid form under id `id`, chosen before (a complaint's sealed
    /// reporter is bound to its id); refused when the id is taken.
    pub fn create_entity_as<F>(&mut self, stamp: &Stamp, id: &str, form: &F) -> Result<(), DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        if id.is_empty() || F::Target::all(&self.register).contains_key(id) {
            return Err(DocError::Invalid(vec![Invalid { field: "id", reason: Reason::Duplicate }]));
        }
        let mut entity = F::Target::default();
        form.apply(&mut entity, &self.register).map_err(DocError::Invalid)?;
        self.write_entity(stamp, Action::Create, id, &entity)
    }

    /// Adds the member at this browser as a person, the change signed by that new person (on
    /// `stamp`'s device, at its time).
    pub fn add_member(&mut self, stamp: &Stamp, form: &crate::rules::PersonForm) -> Result<Id, DocError> {
        let mut person = crate::model::Person::default();
        form.apply(&mut person, &self.register).map_err(DocError::Invalid)?;
        let id = new_id();
        let stamp = Stamp { author: id.clone(), ..stamp.clone() };
        self.write_entity(&stamp, Action::Create, &id, &person)?;
        Ok(id)
    }

    /// Adds many entities from valid forms as one change: for bulk imports, where a change per
    /// record would only bloat the history. Nothing is written unless every form is valid.
    pub fn create_entities<F>(&mut self, stamp: &Stamp, forms: &[F]) -> Result<Vec<Id>, DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        let mut entities = Vec::with_capacity(forms.len());
        for form in forms {
            let mut entity = F::Target::default();
            form.apply(&mut entity, &self.register).map_err(DocError::Invalid)?;
            entities.push((new_id(), entity));
        }
        let map = self.collection_for_write(F::Target::KIND)?;
        for (id, entity) in &entities {
            reconcile_prop(&mut KeepConflicts(&mut self.doc), &map, id.as_str(), entity).map_err(write_error)?;
            self.unviewed.entities.insert((F::Target::KIND, id.clone()));
        }
        self.commit(stamp, Action::Create, None, format!("{}", entities.len()));
        let ids: Vec<Id> = entities.iter().map(|(id, _)| id.clone()).collect();
        for (id, _) in entities {
            let fresh = self.fresh_entity::<F::Target>(&id)?;
            F::Target::all_mut(&mut self.register).insert(id, fresh);
        }
        Ok(ids)
    }

    /// Edits entity `id` with a valid form, every field of it. Returns whether anything changed.
    pub fn update_entity<F>(&mut self, stamp: &Stamp, id: &str, form: &F) -> Result<bool, DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        let entity = self.fresh_entity::<F::Target>(id)?;
        self.write_form(stamp, id, entity, form)
    }

    /// Edits entity `id` with a valid form that was opened from `base`: only the fields the
    /// member changed from `base` are written, so others' edits saved since stay (a free text
    /// both changed keeps both members' words). Returns whether anything changed.
    pub fn edit_entity<F>(&mut self, stamp: &Stamp, id: &str, base: Option<&F>, form: &F) -> Result<bool, DocError>
    where
        F: Form + Serialize + DeserializeOwned + Clone,
        F::Target: Entity,
    {
        let entity = self.fresh_entity::<F::Target>(id)?;
        let texts = self.text_fields(self.collection(F::Target::KIND)?, id);
        let form = resolve(base, || F::from_target(&entity), form, |key| texts.contains(key));
        self.write_form(stamp, id, entity, form.as_ref())
    }

    /// Writes `form` into `entity` (entity `id` as the document now holds it), if that changes it.
    fn write_form<F>(&mut self, stamp: &Stamp, id: &str, mut entity: F::Target, form: &F) -> Result<bool, DocError>
    where
        F: Form,
        F::Target: Entity,
    {
        let before = entity.clone();
        form.apply(&mut entity, &self.register).map_err(DocError::Invalid)?;
        if entity == before {
            return Ok(false);
        }
        self.write_entity(stamp, Action::Update, id, &entity)?;
        Ok(true)
    }

    /// The keys of the map at `key` in `parent` that hold a text (as opposed to a scalar): the
    /// fields whose concurrent edits a form merges character by character.
    pub(super) fn text_fields(&self, parent: ObjId, key: &str) -> BTreeSet<String> {
        let Ok(Some((Value::Object(ObjType::Map), map))) = self.doc.get(&parent, key) else {
            return BTreeSet::new();
        };
        self.doc
            .keys(&map)
            .filter(|k| matches!(self.doc.get(&map, k.as_str()), Ok(Some((Value::Object(ObjType::Text), _)))))
            .collect()
    }

    /// Archives (`true`) or restores (`false`) entity `id`. Nothing is ever deleted.
    pub fn set_archived<E: Entity>(&mut self, stamp: &Stamp, id: &str, archived: bool) -> Result<(), DocError> {
        let mut entity = self.fresh_entity::<E>(id)?;
        if entity.is_active() != archived {
            return Ok(());
        }
        entity.set_archived(archived.then(|| Archived { by: stamp.author.clone(), at: stamp.at }));
        let action = if archived { Action::Archive } else { Action::Restore };
        self.write_entity(stamp, action, id, &entity)
    }

    /// Edits the unit's details, every field of the form.
    pub fn update_unit(&mut self, stamp: &Stamp, form: &UnitForm) -> Result<(), DocError> {
        self.edit_unit(stamp, None, form)
    }

    /// Edits the unit's details with a form opened from `base` (see [`Self::edit_entity`]).
    pub fn edit_unit(&mut self, stamp: &Stamp, base: Option<&UnitForm>, form: &UnitForm) -> Result<(), DocError> {
        let mut unit: Unit =
            hydrate_prop(&self.doc, ROOT, "unit").map_err(|e| DocError::NotARegister(e.to_string()))?;
        let texts = self.text_fields(ROOT, "unit");
        let form = resolve(base, || UnitForm::from_target(&unit), form, |key| texts.contains(key));
        form.apply(&mut unit, &self.register).map_err(DocError::Invalid)?;
        reconcile_prop(&mut KeepConflicts(&mut self.doc), ROOT, "unit", &unit).map_err(write_error)?;
        self.commit(stamp, Action::UpdateUnit, None, unit.name.clone());
        self.register.unit = unit;
        Ok(())
    }

    /// Sets the leading group, as the whole form says.
    pub fn update_leading_group(&mut self, stamp: &Stamp, form: &LeadingGroupForm) -> Result<(), DocError> {
        self.edit_leading_group(stamp, None, form)
    }

    /// Sets the leading group with a form opened from `base`: a list the member did not change
    /// keeps what others saved since.
    pub fn edit_leading_group(
        &mut self,
        stamp: &Stamp,
        base: Option<&LeadingGroupForm>,
        form: &LeadingGroupForm,
    ) -> Result<(), DocError> {
        let mut group: LeadingGroup =
            hydrate_prop(&self.doc, ROOT, "leading_group").map_err(|e| DocError::NotARegister(e.to_string()))?;
        let form = resolve(base, || LeadingGroupForm::from_target(&group), form, |_| false);
        form.apply(&mut group, &self.register).map_err(DocError::Invalid)?;
        reconcile_prop(&mut KeepConflicts(&mut self.doc), ROOT, "leading_group", &group).map_err(write_error)?;
        self.commit(stamp, Action::UpdateLeadingGroup, None, String::new());
        self.register.leading_group = group;
        Ok(())
    }

    /// The map object of `kind` at the root.
    pub(super) fn collection(&self, kind: EntityKind) -> Result<ObjId, DocError> {
        match self.doc.get(ROOT, kind.collection()) {
            Ok(Some((Value::Object(ObjType::Map), id))) => Ok(id),
            _ => Err(DocError::NotARegister(format!("it has no map `{}`", kind.collection()))),
        }
    }

    /// The map of `kind`'s records, made now if the register predates the kind.
    pub(super) fn collection_for_write(&mut self, kind: EntityKind) -> Result<ObjId, DocError> {
        match self.doc.get(ROOT, kind.collection()).map_err(write_error)? {
            Some((Value::Object(ObjType::Map), id)) => Ok(id),
            Some(_) => Err(DocError::NotARegister(format!("`{}` is not a map", kind.collection()))),
            None => self.doc.put_object(ROOT, kind.collection(), ObjType::Map).map_err(write_error),
        }
    }

    /// Entity `id` hydrated from the document as it is now, ready to change and reconcile.
    pub(super) fn fresh_entity<E: Entity>(&self, id: &str) -> Result<E, DocError> {
        let map = self.collection(E::KIND)?;
        match hydrate_prop(&self.doc, &map, id).map_err(|e| DocError::NotARegister(e.to_string()))? {
            MaybeMissing::Present(entity) => Ok(entity),
            MaybeMissing::Missing => Err(DocError::NotFound { kind: E::KIND, id: id.to_string() }),
        }
    }

    /// Reconciles one entity at its key, commits, and refreshes it in the model.
    pub(super) fn write_entity<E: Entity>(
        &mut self,
        stamp: &Stamp,
        action: Action,
        id: &str,
        entity: &E,
    ) -> Result<(), DocError> {
        let map = self.collection_for_write(E::KIND)?;
        reconcile_prop(&mut KeepConflicts(&mut self.doc), &map, id, entity).map_err(write_error)?;
        self.commit(stamp, action, Some((E::KIND, id.to_string())), entity.label());
        self.reload_entity::<E>(id)
    }

    /// Entity `id` read again from the document into the model after it was written.
    pub(super) fn reload_entity<E: Entity>(&mut self, id: &str) -> Result<(), DocError> {
        let fresh = self.fresh_entity::<E>(id)?;
        E::all_mut(&mut self.register).insert(id.to_string(), fresh);
        Ok(())
    }

    pub(super) fn commit(&mut self, stamp: &Stamp, action: Action, entity: Option<(EntityKind, Id)>, label: String) {
        self.written.extend(entity.clone());
        self.unviewed.entities.extend(entity.clone());
        match action {
            Action::UpdateUnit => self.unviewed.root_fields.insert("unit".into()),
            Action::UpdateLeadingGroup => self.unviewed.root_fields.insert("leading_group".into()),
            Action::UpdateSettings => self.unviewed.root_fields.insert("settings".into()),
            _ => false,
        };
        let note = ChangeNote { author: stamp.author.clone(), device: stamp.device.clone(), action, entity, label };
        self.doc.commit_with(CommitOptions::default().with_message(note.encode()).with_time(stamp.at));
    }

    /// The entities local changes touched since the last call: a local change can settle a
    /// conflict only in what it wrote, and never makes one.
    pub fn take_written(&mut self) -> Vec<(EntityKind, Id)> {
        std::mem::take(&mut self.written)
    }

    /// Rebuilds the model from the whole document.
    pub(super) fn rehydrate(&mut self) -> Result<(), DocError> {
        self.register = super::materialise(self.doc.document())?;
        Ok(())
    }
}

/// The template's typical risk points, as drafts with their measures.
fn id_of<'a>(mut names: impl Iterator<Item = (&'a Id, &'a str)>, name: &str) -> Option<Id> {
    names.find(|(_, n)| *n == name).map(|(id, _)| id.clone())
}

fn seed_template_posts(register: &mut Register, template: &Template) {
    for post in &template.posts {
        let department = id_of(register.departments.iter().map(|(id, d)| (id, d.name.as_str())), &post.department);
        let seeded = Post {
            name: post.name.clone(),
            department: department.unwrap_or_default(),
            rank: post.rank.clone(),
            duties: post.duties.as_str().into(),
            key: post.key,
            ..Post::default()
        };
        register.posts.insert(new_id(), seeded);
    }
}

fn seed_template_risks(register: &mut Register, template: &Template) {
    for suggested in &template.risks {
        let risk_id = new_id();
        let department = id_of(register.departments.iter().map(|(id, d)| (id, d.name.as_str())), &suggested.department);
        let post = (!suggested.post.is_empty())
            .then(|| {
                let mut posts = register.posts.iter().filter(|(_, p)| department.as_ref() == Some(&p.department));
                posts.find(|(_, p)| p.name == suggested.post).map(|(id, _)| id.clone())
            })
            .flatten();
        let risk = RiskPoint {
            scope: Scope::from_code(&suggested.scope).unwrap_or(Scope::Department),
            post,
            department,
            kind: id_of(register.risk_kinds.iter().map(|(id, k)| (id, k.name.as_str())), &suggested.kind)
                .unwrap_or_default(),
            power_item: suggested.power_item.clone(),
            description: suggested.description.as_str().into(),
            manifestations: suggested.manifestations.as_str().into(),
            causes: suggested.causes.as_str().into(),
            level: RiskLevel::from_code(&suggested.level).unwrap_or_default(),
            review: ReviewStage::Draft,
            ..RiskPoint::default()
        };
        for (stage, text) in &suggested.measures {
            let measure = Measure {
                risk: risk_id.clone(),
                stage: MeasureStage::from_code(stage).unwrap_or_default(),
                description: text.as_str().into(),
                ..Measure::default()
            };
            register.measures.insert(new_id(), measure);
        }
        register.risks.insert(risk_id, risk);
    }
}

/// The layout version of a document, or why it is not a register.
fn register_schema(doc: &AutoCommit) -> Result<u64, DocError> {
    match doc.get(ROOT, "schema") {
        Ok(Some((Value::Scalar(s), _))) => {
            s.as_u64().ok_or_else(|| DocError::NotARegister("its layout version is not a number".into()))
        }
        _ => Err(DocError::NotARegister("it has no layout version".into())),
    }
}
