//! The register's own settings.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Degree, RiskLevel};

/// Settings the committee may change.
#[derive(Debug, Clone, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Settings {
    /// The level proposed for each likelihood × severity, keyed `"<likelihood>x<severity>"`
    /// with scores 1–4 (`"3x4"`). One key per cell, so two members' edits of different cells
    /// merge. A missing cell falls back to [`Settings::default_level`].
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub level_matrix: BTreeMap<String, RiskLevel>,
}

impl Default for Settings {
    fn default() -> Self {
        let mut level_matrix = BTreeMap::new();
        for l in Degree::ALL {
            for s in Degree::ALL {
                level_matrix.insert(Settings::cell(l, s), Settings::default_level(l, s));
            }
        }
        Self { level_matrix }
    }
}

impl Settings {
    /// The key of a matrix cell.
    pub fn cell(likelihood: Degree, severity: Degree) -> String {
        format!("{}x{}", likelihood.score(), severity.score())
    }

    /// The built-in proposal: likelihood × severity of 9 or more is 一级, 4–8 二级, else 三级.
    pub fn default_level(likelihood: Degree, severity: Degree) -> RiskLevel {
        match likelihood.score() * severity.score() {
            9.. => RiskLevel::One,
            4..=8 => RiskLevel::Two,
            _ => RiskLevel::Three,
        }
    }

    /// The level the matrix proposes for a cell.
    pub fn matrix_level(&self, likelihood: Degree, severity: Degree) -> RiskLevel {
        self.level_matrix
            .get(&Self::cell(likelihood, severity))
            .copied()
            .unwrap_or_else(|| Self::default_level(likelihood, severity))
    }
}
