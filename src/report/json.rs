//! The register as readable JSON.

use serde_json::{Value, json};

use crate::model::{Archived, Register};
use crate::rules::graded_responsibility;

fn archived(a: &Option<Archived>) -> Value {
    a.as_ref().map_or(Value::Null, |a| json!({ "by": a.by, "at": a.at }))
}

/// The whole register as readable JSON: every record with its id, references resolved to names
/// beside the ids. For reading and other tools; a `.qingfeng` file is what imports.
pub fn register_json(r: &Register) -> String {
    let name = |id: &Option<String>| id.as_deref().and_then(|id| r.person_name(id)).unwrap_or_default().to_string();
    let people: Vec<Value> = r
        .people
        .iter()
        .map(|(id, p)| {
            json!({ "id": id, "name": p.name, "title": p.title, "party_member": p.party_member,
                    "cadre": p.cadre, "archived": archived(&p.archived) })
        })
        .collect();
    let departments: Vec<Value> = r
        .departments
        .iter()
        .map(|(id, d)| {
            json!({ "id": id, "name": d.name, "head": d.head, "head_name": name(&d.head),
                    "leader_in_charge": d.leader_in_charge, "leader_in_charge_name": name(&d.leader_in_charge),
                    "archived": archived(&d.archived) })
        })
        .collect();
    let posts: Vec<Value> = r
        .posts
        .iter()
        .map(|(id, p)| {
            json!({ "id": id, "name": p.name, "department": p.department, "rank": p.rank,
                    "duties": p.duties.as_str(), "holders": p.holders.keys().collect::<Vec<_>>(),
                    "archived": archived(&p.archived) })
        })
        .collect();
    let risks: Vec<Value> = r
        .risks
        .iter()
        .map(|(id, k)| {
            let accountable: Vec<Value> = graded_responsibility(r, k)
                .duties
                .iter()
                .map(|d| json!({ "role": d.role.code(), "person": d.person.as_ref().ok() }))
                .collect();
            json!({ "id": id, "scope": k.scope.code(), "post": k.post, "department": r.risk_department(k),
                    "kind": k.kind, "kind_name": r.risk_kinds.get(&k.kind).map(|x| x.name.clone()),
                    "power_item": k.power_item, "description": k.description.as_str(),
                    "manifestations": k.manifestations.as_str(), "causes": k.causes.as_str(),
                    "level": k.level.code(), "accountable": accountable, "archived": archived(&k.archived) })
        })
        .collect();
    let measures: Vec<Value> = r
        .measures
        .iter()
        .map(|(id, m)| {
            json!({ "id": id, "risk": m.risk, "stage": m.stage.code(), "description": m.description.as_str(),
                    "owner": m.owner, "due": m.due, "status": m.status.code(), "evidence": m.evidence.as_str(),
                    "archived": archived(&m.archived) })
        })
        .collect();
    let phases: Vec<Value> = r
        .phases
        .iter()
        .map(|(id, p)| {
            json!({ "id": id, "order": p.order, "name": p.name, "start": p.start, "end": p.end,
                    "tasks": p.tasks.as_str(), "archived": archived(&p.archived) })
        })
        .collect();
    let kinds: Vec<Value> = r
        .risk_kinds
        .iter()
        .map(|(id, k)| json!({ "id": id, "name": k.name, "archived": archived(&k.archived) }))
        .collect();
    let group = &r.leading_group;
    let document = json!({
        "format": "qingfeng-register-json",
        "note": "A readable copy. Import the .qingfeng file to merge a register.",
        "schema": r.schema,
        "id": r.id,
        "unit": { "name": r.unit.name, "superior": r.unit.superior, "hotline": r.unit.hotline, "address": r.unit.address },
        "leading_group": { "leader": group.leader, "leader_name": name(&group.leader),
                           "deputies": group.deputies.keys().collect::<Vec<_>>(),
                           "members": group.members.keys().collect::<Vec<_>>() },
        "people": people, "departments": departments, "posts": posts, "risk_kinds": kinds,
        "risks": risks, "measures": measures, "phases": phases,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::doc::{RegisterDoc, Stamp};
    use crate::model::Template;
    use crate::rules::{PersonForm, UnitForm};

    #[test]
    fn the_json_copy_names_everything_and_parses() {
        let unit = UnitForm { name: "高桥小学".into(), hotline: "8573065".into(), ..UnitForm::default() };
        let mut doc =
            RegisterDoc::create(&unit, &Template::school(), "2026-11-27".parse().unwrap(), &Stamp::default()).unwrap();
        doc.create_entity(&Stamp::default(), &PersonForm { name: "王家福".into(), ..PersonForm::default() }).unwrap();
        let value: Value = serde_json::from_str(&register_json(doc.register())).unwrap();
        assert_eq!(value["unit"]["name"], "高桥小学");
        assert_eq!(value["people"][0]["name"], "王家福");
        assert_eq!(value["departments"].as_array().unwrap().len(), 9);
        assert_eq!(value["phases"].as_array().unwrap().len(), 6);
    }
}
