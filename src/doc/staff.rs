//! A staff list imported as one change: the people, and the posts they hold (joined when the
//! department already has a post of that name, made otherwise).

use autosurgeon::reconcile_prop;

use super::change_note::{Action, Stamp};
use super::keep_conflicts::KeepConflicts;
use super::register_doc::{DocError, RegisterDoc, write_error};
use crate::model::{Entity, EntityKind, Id, Person, Post, new_id};
use crate::rules::{Form, PostForm};
use crate::sync::StaffEntry;

impl RegisterDoc {
    /// Adds `entries` as one change: each person, and each into their post. Nothing is written
    /// unless every entry is valid. Returns how many people and how many new posts.
    pub fn import_staff(&mut self, stamp: &Stamp, entries: &[StaffEntry]) -> Result<(usize, usize), DocError> {
        // Check and build everything first: people, then posts that name them.
        let mut scratch = self.register().clone();
        let mut people = Vec::with_capacity(entries.len());
        for entry in entries {
            let mut person = Person::default();
            entry.person.apply(&mut person, &scratch).map_err(DocError::Invalid)?;
            let id = new_id();
            scratch.people.insert(id.clone(), person.clone());
            people.push((id, person));
        }
        let mut posts: Vec<(Id, Post, bool)> = Vec::new();
        for ((person, _), entry) in people.iter().zip(entries) {
            let Some(department) = entry.department.clone().filter(|_| !entry.post.trim().is_empty()) else { continue };
            let name = entry.post.trim();
            let same = |p: &Post| p.is_active() && p.department == department && p.name.trim() == name;
            if let Some((_, post, _)) = posts.iter_mut().find(|(_, p, _)| same(p)) {
                post.holders.insert(person.clone(), true);
                continue;
            }
            let (id, post, new) = match scratch.posts.iter().find(|(_, p)| same(p)) {
                Some((id, post)) => (id.clone(), post.clone(), false),
                None => (new_id(), Post::default(), true),
            };
            let mut form = if new {
                PostForm { name: name.to_string(), department, rank: entry.rank.clone(), ..PostForm::default() }
            } else {
                PostForm::from_target(&post)
            };
            form.holders.push(person.clone());
            let mut post = post;
            form.apply(&mut post, &scratch).map_err(DocError::Invalid)?;
            posts.push((id, post, new));
        }
        // Then write them all as one change.
        let people_map = self.collection_for_write(EntityKind::Person)?;
        for (id, person) in &people {
            reconcile_prop(&mut KeepConflicts(&mut self.doc), &people_map, id.as_str(), person).map_err(write_error)?;
        }
        let posts_map = self.collection_for_write(EntityKind::Post)?;
        for (id, post, _) in &posts {
            reconcile_prop(&mut KeepConflicts(&mut self.doc), &posts_map, id.as_str(), post).map_err(write_error)?;
        }
        let touched = people
            .iter()
            .map(|(id, _)| (EntityKind::Person, id.clone()))
            .chain(posts.iter().map(|(id, _, _)| (EntityKind::Post, id.clone())));
        self.unviewed.entities.extend(touched);
        self.written.extend(posts.iter().filter(|(_, _, new)| !new).map(|(id, _, _)| (EntityKind::Post, id.clone())));
        let new_posts = posts.iter().filter(|(_, _, new)| *new).count();
        self.commit(stamp, Action::Create, None, format!("{} / {new_posts}", people.len()));
        for (id, _) in &people {
            let fresh = self.fresh_entity::<Person>(id)?;
            self.register_mut().people.insert(id.clone(), fresh);
        }
        for (id, _, _) in &posts {
            let fresh = self.fresh_entity::<Post>(id)?;
            self.register_mut().posts.insert(id.clone(), fresh);
        }
        Ok((people.len(), new_posts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Template;
    use crate::rules::{PersonForm, UnitForm};

    fn entry(name: &str, department: Option<&str>, post: &str) -> StaffEntry {
        StaffEntry {
            person: PersonForm { name: name.into(), ..PersonForm::default() },
            department: department.map(str::to_string),
            post: post.into(),
            rank: "股级".into(),
        }
    }

    #[test]
    fn people_and_their_posts_arrive_as_one_change_and_a_bad_entry_writes_nothing() {
        let unit = UnitForm { name: "一中".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-02".parse().unwrap(), &Stamp::default()).unwrap();
        let finance = doc.register().departments.iter().find(|(_, d)| d.name == "财务室").unwrap().0.clone();
        let existing = PostForm { name: "票据管理员".into(), department: finance.clone(), ..PostForm::default() };
        let cashier = doc.create_entity(&Stamp::default(), &existing).unwrap();
        let changes = doc.history().len();

        // A name too long refuses the whole import.
        let long = "长".repeat(60);
        let refused = doc.import_staff(&Stamp::default(), &[entry("朱忠云", None, ""), entry(&long, None, "")]);
        assert!(matches!(refused, Err(DocError::Invalid(_))));
        assert_eq!(doc.history().len(), changes);
        assert!(!doc.register().people.values().any(|p| p.name == "朱忠云"));

        let entries = [
            entry("朱忠云", Some(&finance), "报账员"),
            entry("陈继荣", Some(&finance), "报账员"),
            entry("李明", Some(&finance), "票据管理员"),
            entry("赵红", None, ""),
        ];
        assert_eq!(doc.import_staff(&Stamp::new("wang", 5), &entries).unwrap(), (4, 1));
        assert_eq!(doc.history().len(), changes + 1, "one change");
        let id_of = |name: &str| doc.register().people.iter().find(|(_, p)| p.name == name).unwrap().0.clone();
        let accountant = doc.register().posts.values().find(|p| p.name == "报账员").unwrap();
        assert_eq!(accountant.rank, "股级");
        assert_eq!(accountant.holders.keys().cloned().collect::<Vec<_>>().len(), 2);
        assert!(accountant.holders.contains_key(&id_of("朱忠云")) && accountant.holders.contains_key(&id_of("陈继荣")));
        // 李明 joins the department's existing 票据管理员 post.
        assert!(doc.register().posts[&cashier].holders.contains_key(&id_of("李明")));
        // And it survives a reload.
        let reloaded = RegisterDoc::load(&doc.save()).unwrap();
        assert_eq!(reloaded.register(), doc.register());
    }
}
