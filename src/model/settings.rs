//! The register's own settings.

use std::collections::BTreeMap;

use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::{Degree, Id, RiskLevel, Sealed};

/// Settings the committee may change.
#[derive(Debug, Clone, PartialEq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Settings {
    /// The built-in template the register was made from ("school", "bureau"): it decides the
    /// rank order. Registers made before templates were named are schools'.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub template: String,
    /// The level proposed for each likelihood × severity, keyed `"<likelihood>x<severity>"`
    /// with scores 1–4 (`"3x4"`). One key per cell, so two members' edits of different cells
    /// merge. A missing cell falls back to [`Settings::default_level`].
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub level_matrix: BTreeMap<String, RiskLevel>,
    /// Working days a warned target has for the written answer (回告).
    #[autosurgeon(missing = "default_answer_days")]
    #[serde(default = "default_answer_days")]
    pub answer_days: u32,
    /// Days that differ from the plain week, keyed `YYYY-MM-DD`: `true` a holiday on a weekday,
    /// `false` a weekend day worked (调休). One key per day, so two members' edits merge.
    #[autosurgeon(missing = "default_holidays")]
    #[serde(default = "default_holidays")]
    pub holidays: BTreeMap<String, bool>,
    /// When the register proposes a warning.
    #[autosurgeon(missing = "SignalThresholds::default")]
    #[serde(default)]
    pub signals: SignalThresholds,
    /// Warning signals the committee dismissed, keyed by the signal's key.
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub dismissed_signals: BTreeMap<String, Dismissed>,
    /// The disposal measures offered (处置措施), an editable list.
    #[autosurgeon(missing = "default_disposals")]
    #[serde(default = "default_disposals")]
    pub disposals: Vec<String>,
    /// The salt and check value of the passphrase that seals reporters' names; `None` until
    /// the committee sets one. Never the passphrase or the key.
    #[autosurgeon(missing = "Option::default")]
    #[serde(default)]
    pub reporter_lock: Option<ReporterLock>,
    /// The locks of the passphrases that seal reporters' names, by lock id (`crate::seal`).
    /// Locks are only ever added: two members who each set a passphrase offline leave two.
    #[autosurgeon(missing = "BTreeMap::new")]
    #[serde(default)]
    pub reporter_locks: BTreeMap<String, LockRecord>,
    /// Thresholds of the committee's records: spending review, tendering, evaluations.
    #[autosurgeon(missing = "RecordRules::default")]
    #[serde(default)]
    pub records: RecordRules,
}

/// Thresholds of the committee's records.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct RecordRules {
    /// Spending above this many yuan must be reviewed by the 民主理财小组.
    pub finance_review_yuan: u64,
    /// Building or purchasing above this many yuan must be tendered (the seed: 五万元).
    pub tender_yuan: u64,
    /// 廉政评议 weights in percent: self, colleagues, leaders (they add up to 100).
    pub weights: Weights,
    /// A score below this is 不达标 and a talk (廉政谈话) is due.
    pub pass_mark: u32,
}

/// The weights of an evaluation's parts, in percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Weights {
    /// 自评
    pub own: u32,
    /// 同事互评
    pub peers: u32,
    /// 领导评议
    pub leaders: u32,
}

impl Default for RecordRules {
    fn default() -> Self {
        Self {
            finance_review_yuan: 10_000,
            tender_yuan: 50_000,
            weights: Weights { own: 20, peers: 40, leaders: 40 },
            pass_mark: 80,
        }
    }
}

/// Thresholds of the warning signals (预警信号).
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct SignalThresholds {
    /// A measure this many days past its deadline is signalled.
    pub overdue_days: u32,
    /// This many complaints about one person …
    pub complaints: u32,
    /// … within this many months are signalled.
    pub complaint_months: u32,
}

impl Default for SignalThresholds {
    fn default() -> Self {
        Self { overdue_days: 30, complaints: 2, complaint_months: 6 }
    }
}

/// A dismissed warning signal: why, by whom, when.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Dismissed {
    /// The reason given.
    pub reason: String,
    /// The member who dismissed it.
    pub by: String,
    /// Unix seconds.
    pub at: i64,
}

/// A lock of a passphrase that seals reporters' names: its check value, who set it and when.
/// The salt and the cost are in its id.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct LockRecord {
    /// A known text sealed with the key: a wrong passphrase does not open it.
    pub check: Sealed,
    /// The member who set it.
    pub by: Id,
    /// Unix seconds.
    pub at: i64,
}

/// The legacy lock (registers sealed before lock ids): the salt and check value of the
/// passphrase, 19 MiB × 2 passes (`crate::seal::unlock_legacy`).
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct ReporterLock {
    /// The Argon2id salt, base64.
    pub salt: String,
    /// A known text sealed with the key: a wrong passphrase does not open it.
    pub check: Sealed,
}

fn default_answer_days() -> u32 {
    5
}

/// The 2026 holidays and worked weekends of the State Council's notice.
fn default_holidays() -> BTreeMap<String, bool> {
    let calendar = crate::rules::WorkCalendar::china_2026();
    let off = calendar.holidays.iter().map(|d| (d.to_string(), true));
    off.chain(calendar.worked.iter().map(|d| (d.to_string(), false))).collect()
}

fn default_disposals() -> Vec<String> {
    ["谈心疏导", "批评教育", "诫勉谈话", "专题民主生活会", "限期整改"].map(String::from).to_vec()
}

impl Default for Settings {
    fn default() -> Self {
        let mut level_matrix = BTreeMap::new();
        for l in Degree::ALL {
            for s in Degree::ALL {
                level_matrix.insert(Settings::cell(l, s), Settings::default_level(l, s));
            }
        }
        Self {
            template: String::new(),
            level_matrix,
            answer_days: default_answer_days(),
            holidays: default_holidays(),
            signals: SignalThresholds::default(),
            dismissed_signals: BTreeMap::new(),
            disposals: default_disposals(),
            reporter_lock: None,
            reporter_locks: BTreeMap::new(),
            records: RecordRules::default(),
        }
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

    /// The register's working-day calendar.
    pub fn calendar(&self) -> crate::rules::WorkCalendar {
        let mut calendar = crate::rules::WorkCalendar::default();
        for (day, off) in &self.holidays {
            if let Ok(date) = day.parse() {
                if *off {
                    calendar.holidays.insert(date)
                } else {
                    calendar.worked.insert(date)
                };
            }
        }
        calendar
    }

    /// The level the matrix proposes for a cell.
    pub fn matrix_level(&self, likelihood: Degree, severity: Degree) -> RiskLevel {
        self.level_matrix
            .get(&Self::cell(likelihood, severity))
            .copied()
            .unwrap_or_else(|| Self::default_level(likelihood, severity))
    }
}
