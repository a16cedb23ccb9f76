//! A copy of a register's view kept beside its document, to paint from while the document
//! loads: the register as postcard bytes, named by the heads of the document it was read from.
//! When the document's heads differ, the copy is stale; the page says so until the document
//! has replaced it.

use std::str::FromStr as _;

use automerge::ChangeHash;
use serde::{Deserialize, Serialize};

use crate::model::Register;

/// Bumped when the model's shape changes: an older copy is then ignored, never misread.
const VERSION: u8 = 5;

#[derive(Serialize, Deserialize)]
struct Stored {
    heads: Vec<String>,
    register: Register,
}

/// The register read from a document with `heads`, as bytes to store.
pub fn encode_view(heads: &[ChangeHash], register: &Register) -> Vec<u8> {
    let stored = Stored { heads: heads.iter().map(ChangeHash::to_string).collect(), register: register.clone() };
    let mut bytes = vec![VERSION];
    // Serialising plain data into a Vec cannot fail.
    bytes.extend(postcard::to_allocvec(&stored).unwrap_or_default());
    bytes
}

/// The heads and register of stored bytes; `None` for bytes of another version or damaged.
pub fn decode_view(bytes: &[u8]) -> Option<(Vec<ChangeHash>, Register)> {
    let (&version, rest) = bytes.split_first()?;
    if version != VERSION {
        return None;
    }
    let stored: Stored = postcard::from_bytes(rest).ok()?;
    let heads = stored.heads.iter().map(|h| ChangeHash::from_str(h).ok()).collect::<Option<Vec<_>>>()?;
    Some((heads, stored.register))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::{Size, build};

    #[test]
    fn a_view_reads_back_with_its_heads() {
        let small = Size { name: "R20", risks: 20, people: 8, departments: 6, posts: 6, edits: 30, ..Size::R500 };
        let mut doc = build(small, 3);
        let bytes = encode_view(&doc.heads(), doc.register());
        let (heads, register) = decode_view(&bytes).unwrap();
        assert_eq!(heads, doc.heads());
        assert_eq!(&register, doc.register());
        assert!(decode_view(&bytes[..bytes.len() / 2]).is_none());
        assert!(decode_view(&[VERSION + 1]).is_none());
    }

    /// The field names of a register with one default record of each kind, and a point's
    /// approval: the shape the postcard bytes depend on.
    fn shape() -> String {
        let mut r = Register::default();
        r.people.insert("x".into(), Default::default());
        r.departments.insert("x".into(), Default::default());
        r.posts.insert("x".into(), Default::default());
        let approved = Some(crate::model::Approval::default());
        r.risks.insert("x".into(), crate::model::RiskPoint { approved, ..Default::default() });
        r.measures.insert("x".into(), Default::default());
        r.risk_kinds.insert("x".into(), Default::default());
        r.phases.insert("x".into(), Default::default());
        r.publicity.insert("x".into(), Default::default());
        let reporter = Some(crate::model::Sealed::default());
        r.complaints.insert("x".into(), crate::model::Complaint { reporter, ..Default::default() });
        let check = crate::model::Sealed::default();
        r.settings.reporter_locks.insert("x".into(), crate::model::LockRecord { check, by: "x".into(), at: 0 });
        r.warnings.insert("x".into(), Default::default());
        r.checks.insert("x".into(), Default::default());
        r.matters.insert("x".into(), Default::default());
        r.pledges.insert("x".into(), Default::default());
        r.cards.insert("x".into(), Default::default());
        let mut chart = crate::model::Flowchart::default();
        chart
            .nodes
            .insert("n".into(), crate::model::ChartNode { marks: [("r".into(), true)].into(), ..Default::default() });
        chart.edges.insert("e".into(), Default::default());
        r.flowcharts.insert("x".into(), chart);
        r.filings.insert("x".into(), Default::default());
        r.submissions.insert("x".into(), Default::default());
        r.summaries.insert("x".into(), Default::default());
        r.evaluations.insert("x".into(), Default::default());
        r.activities.insert("x".into(), Default::default());
        r.regulations.insert("x".into(), Default::default());
        r.funds.insert("x".into(), Default::default());
        r.tasks.insert("x".into(), Default::default());
        r.meetings.insert("x".into(), Default::default());
        r.bodies.insert("x".into(), Default::default());
        serde_json::to_string(&r).unwrap()
    }

    #[test]
    fn the_version_follows_the_model_s_shape() {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(shape().as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        // When this fails the model changed shape: bump VERSION, so that copies written before
        // are ignored (postcard would misread them), and pin the new digest with the new VERSION.
        assert_eq!((VERSION, digest.as_str()), (5, "34565f12c37b38f6fb9a54a90b07f9573f73e9b99800b5e5475f5a7dfb9f27ba"));
    }
}
