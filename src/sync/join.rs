//! What opening a share link would do, decided before anything is sent. A link can come from
//! anyone who knows a register's id (it is in every file header and page address), so joining
//! never starts by itself: the member sees the relay's host and the register, and confirms. A
//! relay other than the app's own needs its host typed; a register this browser already holds
//! is moved to another relay, or given another secret, only by that confirmation, since joining
//! uploads all of it there.

use super::{Share, relay_for_origin};

/// What this browser holds of the link's register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Held {
    /// Nothing: the register is downloaded from the relay.
    No,
    /// The register, with exactly this link's relay and secret: joining only opens it.
    Same {
        /// Its name here.
        name: String,
    },
    /// The register, not shared live: joining uploads all of it to the link's relay.
    Unshared {
        /// Its name here.
        name: String,
    },
    /// The register, shared on another relay: joining moves its live sync there and uploads all
    /// of it.
    OtherRelay {
        /// Its name here.
        name: String,
        /// The relay's host it syncs with now.
        from: String,
    },
    /// The register, on the same relay with another secret (a member's new link after 更换密钥).
    NewSecret {
        /// Its name here.
        name: String,
    },
}

/// A share link read and weighed, waiting for the member's confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinPlan {
    /// The link's relay, register and secret.
    pub share: Share,
    /// The relay's host (and port), as shown and as typed to confirm.
    pub host: String,
    /// Whether the relay is the app's own: the server this page came from.
    pub own_relay: bool,
    /// What this browser holds of the register.
    pub held: Held,
}

/// `wss://host:port/path` → `host:port`.
pub fn relay_host(relay: &str) -> String {
    let rest = relay.split_once("://").map_or(relay, |(_, rest)| rest);
    rest.split(['/', '?', '#']).next().unwrap_or(rest).to_ascii_lowercase()
}

impl JoinPlan {
    /// Weighs `share` for a page served from `page_origin`; `held` is the register's name and
    /// current share when this browser keeps it.
    pub fn new(share: Share, page_origin: &str, held: Option<(&str, Option<&Share>)>) -> Self {
        let own_relay = relay_for_origin(page_origin).is_some_and(|own| own == share.relay);
        let held = match held {
            None => Held::No,
            Some((name, current)) => {
                let name = name.to_string();
                match current {
                    None => Held::Unshared { name },
                    Some(current) if current.relay != share.relay => {
                        Held::OtherRelay { name, from: relay_host(&current.relay) }
                    }
                    Some(current) if current.secret != share.secret => Held::NewSecret { name },
                    Some(_) => Held::Same { name },
                }
            }
        };
        Self { host: relay_host(&share.relay), share, own_relay, held }
    }

    /// Whether the member must type the relay's host to confirm: a relay other than the app's
    /// own, unless nothing would be sent anywhere new.
    pub fn needs_typed_host(&self) -> bool {
        !self.own_relay && !matches!(self.held, Held::Same { .. })
    }

    /// Whether `typed` confirms the plan (for a relay of the app's own, any text does).
    pub fn confirmed_by(&self, typed: &str) -> bool {
        !self.needs_typed_host() || relay_host(typed.trim()) == self.host
    }

    /// The locale keys of what the member must know before confirming, most serious first.
    pub fn warnings(&self) -> Vec<&'static str> {
        let mut warnings = Vec::new();
        match self.held {
            Held::OtherRelay { .. } => warnings.push("join.warn_moves"),
            Held::Unshared { .. } => warnings.push("join.warn_uploads"),
            Held::NewSecret { .. } => warnings.push("join.warn_new_secret"),
            Held::No | Held::Same { .. } => {}
        }
        if !self.own_relay {
            warnings.push("join.warn_foreign_relay");
        }
        if self.share.relay.starts_with("ws://") && !is_local(&self.host) {
            warnings.push("join.warn_plain");
        }
        warnings
    }
}

/// Whether a host is this machine (plain `ws://` is only safe there).
fn is_local(host: &str) -> bool {
    let name = host.rsplit_once(':').map_or(host, |(name, _)| name);
    matches!(name, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "2f1c9a4e-7b3d-4c8e-9a1f-5d6e7f8a9b0c";

    fn share(relay: &str, secret: &str) -> Share {
        Share { relay: relay.into(), register: ID.into(), secret: secret.into(), founder: None }
    }

    #[test]
    fn the_apps_own_relay_needs_a_click_and_another_needs_its_host_typed() {
        let own = JoinPlan::new(share("wss://jw.example.cn/sync", "k1k1k1k1k1k1k1k1"), "https://jw.example.cn", None);
        assert!(own.own_relay && !own.needs_typed_host() && own.confirmed_by(""));
        assert!(own.warnings().is_empty());
        let other =
            JoinPlan::new(share("wss://evil.example:8443/sync", "k1k1k1k1k1k1k1k1"), "https://jw.example.cn", None);
        assert_eq!(other.host, "evil.example:8443");
        assert!(other.needs_typed_host());
        assert!(
            !other.confirmed_by("") && !other.confirmed_by("evil.example") && other.confirmed_by(" EVIL.example:8443 ")
        );
        assert_eq!(other.warnings(), ["join.warn_foreign_relay"]);
    }

    #[test]
    fn a_held_register_says_what_joining_would_change_there() {
        let link = share("wss://evil.example/sync", "new-secret-0000000");
        let origin = "https://jw.example.cn";
        let mine = share("wss://jw.example.cn/sync", "old-secret-0000000");
        let moved = JoinPlan::new(link.clone(), origin, Some(("高桥小学", Some(&mine))));
        assert_eq!(moved.held, Held::OtherRelay { name: "高桥小学".into(), from: "jw.example.cn".into() });
        assert_eq!(moved.warnings(), ["join.warn_moves", "join.warn_foreign_relay"]);
        let unshared = JoinPlan::new(link.clone(), origin, Some(("高桥小学", None)));
        assert_eq!(unshared.warnings(), ["join.warn_uploads", "join.warn_foreign_relay"]);
        // A colleague's new link after 更换密钥, on the app's own relay: a click.
        let renewed = share("wss://jw.example.cn/sync", "new-secret-0000000");
        let plan = JoinPlan::new(renewed, origin, Some(("高桥小学", Some(&mine))));
        assert_eq!(plan.held, Held::NewSecret { name: "高桥小学".into() });
        assert!(!plan.needs_typed_host());
        // The same link again only opens the register, wherever its relay is.
        let same = JoinPlan::new(link.clone(), origin, Some(("高桥小学", Some(&link))));
        assert!(matches!(same.held, Held::Same { .. }) && !same.needs_typed_host());
    }

    #[test]
    fn plain_ws_is_flagged_except_on_this_machine() {
        let local = JoinPlan::new(share("ws://127.0.0.1:8080/sync", "k1k1k1k1k1k1k1k1"), "http://127.0.0.1:8080", None);
        assert!(local.warnings().is_empty());
        let lan =
            JoinPlan::new(share("ws://192.168.1.20:8080/sync", "k1k1k1k1k1k1k1k1"), "http://192.168.1.20:8080", None);
        assert_eq!(lan.warnings(), ["join.warn_plain"]);
    }
}
