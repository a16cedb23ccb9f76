//! After a merge, re-hydrate only what the merge touched: the cost follows the size of the
//! merge, not of the register.

use std::collections::BTreeSet;

use automerge::{ChangeHash, Patch, PatchAction, Prop, ROOT};
use autosurgeon::{MaybeMissing, hydrate_prop};

use super::register_doc::{DocError, RegisterDoc};
use crate::model::{
    Complaint, Department, DutyCard, Entity, EntityKind, Id, MatterReport, Measure, Person, Phase, Pledge, Post,
    Publicity, RiskKind, RiskPoint, SpotCheck, Warning,
};

/// What a set of patches changed, in model terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touched {
    /// Entities changed, added or removed.
    pub entities: BTreeSet<(EntityKind, Id)>,
    /// Root fields other than the entity maps (`unit`, `leading_group`, `settings`, …).
    pub root_fields: BTreeSet<String>,
    /// Something the model cannot place (an entity map itself replaced): hydrate everything.
    pub everything: bool,
}

fn prop_text(prop: &Prop) -> String {
    match prop {
        Prop::Map(key) => key.clone(),
        Prop::Seq(index) => index.to_string(),
    }
}

/// Places each patch: which entity or root field it changed.
pub fn touched(patches: &[Patch]) -> Touched {
    let mut t = Touched::default();
    for patch in patches {
        let mut path: Vec<String> = patch.path.iter().map(|(_, prop)| prop_text(prop)).collect();
        match &patch.action {
            PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => path.push(key.clone()),
            PatchAction::Conflict { prop } => path.push(prop_text(prop)),
            _ => {}
        }
        match (path.first().and_then(|c| EntityKind::from_collection(c)), path.get(1)) {
            (Some(kind), Some(id)) => {
                t.entities.insert((kind, id.clone()));
            }
            (Some(_), None) => t.everything = true,
            (None, _) => {
                t.root_fields.extend(path.first().cloned());
            }
        }
    }
    t
}

impl RegisterDoc {
    /// Brings the model up to date with the changes between `before` and the current heads.
    pub(super) fn refresh_since(&mut self, before: &[ChangeHash]) -> Result<(), DocError> {
        let after = self.doc.get_heads();
        let patches = self.doc.diff(before, &after);
        let touched = touched(&patches);
        if touched.everything || touched.root_fields.iter().any(|f| f == "schema" || f == "id") {
            self.unviewed.everything = true;
            return self.rehydrate();
        }
        self.unviewed.entities.extend(touched.entities.iter().cloned());
        self.unviewed.root_fields.extend(touched.root_fields.iter().cloned());
        for field in &touched.root_fields {
            self.refresh_root_field(field)?;
        }
        for (kind, id) in &touched.entities {
            match kind {
                EntityKind::Person => self.refresh_entity::<Person>(id)?,
                EntityKind::Department => self.refresh_entity::<Department>(id)?,
                EntityKind::Post => self.refresh_entity::<Post>(id)?,
                EntityKind::Risk => self.refresh_entity::<RiskPoint>(id)?,
                EntityKind::Measure => self.refresh_entity::<Measure>(id)?,
                EntityKind::RiskKind => self.refresh_entity::<RiskKind>(id)?,
                EntityKind::Phase => self.refresh_entity::<Phase>(id)?,
                EntityKind::Publicity => self.refresh_entity::<Publicity>(id)?,
                EntityKind::Complaint => self.refresh_entity::<Complaint>(id)?,
                EntityKind::Warning => self.refresh_entity::<Warning>(id)?,
                EntityKind::Check => self.refresh_entity::<SpotCheck>(id)?,
                EntityKind::Matter => self.refresh_entity::<MatterReport>(id)?,
                EntityKind::Pledge => self.refresh_entity::<Pledge>(id)?,
                EntityKind::Card => self.refresh_entity::<DutyCard>(id)?,
                EntityKind::Flowchart => self.refresh_entity::<crate::model::Flowchart>(id)?,
                EntityKind::Filing => self.refresh_entity::<crate::model::Filing>(id)?,
                EntityKind::Submission => self.refresh_entity::<crate::model::Submission>(id)?,
                EntityKind::Summary => self.refresh_entity::<crate::model::Summary>(id)?,
                EntityKind::Evaluation => self.refresh_entity::<crate::model::Evaluation>(id)?,
                EntityKind::Activity => self.refresh_entity::<crate::model::Activity>(id)?,
                EntityKind::Regulation => self.refresh_entity::<crate::model::Regulation>(id)?,
                EntityKind::Fund => self.refresh_entity::<crate::model::Fund>(id)?,
                EntityKind::Task => self.refresh_entity::<crate::model::Task>(id)?,
                EntityKind::Meeting => self.refresh_entity::<crate::model::Meeting>(id)?,
                EntityKind::Body => self.refresh_entity::<crate::model::Body>(id)?,
            }
        }
        Ok(())
    }

    fn refresh_entity<E: Entity>(&mut self, id: &str) -> Result<(), DocError> {
        let map = self.collection(E::KIND)?;
        let fresh: MaybeMissing<E> =
            hydrate_prop(&self.doc, &map, id).map_err(|e| DocError::NotARegister(e.to_string()))?;
        let entities = E::all_mut(self.register_mut());
        match fresh {
            MaybeMissing::Present(entity) => entities.insert(id.to_string(), entity),
            MaybeMissing::Missing => entities.remove(id),
        };
        Ok(())
    }

    fn refresh_root_field(&mut self, field: &str) -> Result<(), DocError> {
        let broken = |e: autosurgeon::HydrateError| DocError::NotARegister(e.to_string());
        match field {
            "unit" => self.register_mut().unit = hydrate_prop(&self.doc, ROOT, "unit").map_err(broken)?,
            "leading_group" => {
                self.register_mut().leading_group = hydrate_prop(&self.doc, ROOT, "leading_group").map_err(broken)?
            }
            "settings" => self.register_mut().settings = hydrate_prop(&self.doc, ROOT, "settings").map_err(broken)?,
            // Maps of kinds this build does not model (warnings, pledges, …): nothing to show.
            _ => {}
        }
        Ok(())
    }
}

impl RegisterDoc {
    /// The patches of everything that changed in the model since they were last taken: local
    /// commands, merges, changes from other tabs.
    pub fn take_view_patches(&mut self) -> Vec<crate::engine::ViewPatch> {
        let touched = std::mem::take(&mut self.unviewed);
        let register = self.register();
        if touched.everything {
            return vec![crate::engine::ViewPatch::Whole(Box::new(register.clone()))];
        }
        let roots = touched.root_fields.iter().filter_map(|field| match field.as_str() {
            "unit" => Some(crate::engine::ViewPatch::Unit(register.unit.clone())),
            "leading_group" => Some(crate::engine::ViewPatch::LeadingGroup(register.leading_group.clone())),
            "settings" => Some(crate::engine::ViewPatch::Settings(register.settings.clone())),
            _ => None,
        });
        roots
            .chain(touched.entities.iter().map(|(kind, id)| crate::engine::ViewPatch::entity(register, *kind, id)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::Stamp;
    use crate::model::Template;
    use crate::rules::{Form, LeadingGroupForm, PersonForm, UnitForm};

    #[test]
    fn a_merge_refreshes_exactly_what_it_changed() {
        let unit = UnitForm { name: "高桥小学".into(), ..UnitForm::default() };
        let mut a =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-27".parse().unwrap(), &Stamp::default()).unwrap();
        let zhu =
            a.create_entity(&Stamp::default(), &PersonForm { name: "朱忠云".into(), ..PersonForm::default() }).unwrap();
        let mut b = a.fork();
        let form = PersonForm { title: "会计".into(), ..PersonForm::from_target(&b.register().people[&zhu]) };
        b.update_entity(&Stamp::new("b", 1), &zhu, &form).unwrap();
        let chen = b
            .create_entity(&Stamp::new("b", 2), &PersonForm { name: "陈继荣".into(), ..PersonForm::default() })
            .unwrap();
        b.update_leading_group(
            &Stamp::new("b", 3),
            &LeadingGroupForm { leader: zhu.clone(), ..LeadingGroupForm::default() },
        )
        .unwrap();
        b.update_unit(&Stamp::new("b", 4), &UnitForm { name: "高桥中心小学".into(), ..UnitForm::default() }).unwrap();

        let before = a.heads();
        let mut merged = a.fork();
        merged.merge(&mut b).unwrap();
        let after = merged.heads();
        let patches = merged.doc.diff(&before, &after);
        let t = touched(&patches);
        assert_eq!(t.entities, BTreeSet::from([(EntityKind::Person, zhu.clone()), (EntityKind::Person, chen.clone())]));
        assert_eq!(t.root_fields, BTreeSet::from(["leading_group".to_string(), "unit".to_string()]));
        assert!(!t.everything);

        // The partial refresh gives the same model as hydrating everything.
        a.merge(&mut b).unwrap();
        assert_eq!(a.register(), b.register());
        assert_eq!(a.register().people[&zhu].title, "会计");
        assert_eq!(a.register().unit.name, "高桥中心小学");
        assert_eq!(a.register().leading_group.leader.as_deref(), Some(zhu.as_str()));
    }
}
