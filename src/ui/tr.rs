//! The translation handle components use: reactive on the chosen language.

use leptos::prelude::*;

use crate::i18n::{self, Locale};
use crate::storage::Prefs;

/// The UI language, as a copyable handle.
#[derive(Clone, Copy)]
pub struct Tr {
    locale: RwSignal<Locale>,
}

impl Tr {
    /// A handle starting in `locale`; keeps `<html lang>` in step.
    pub fn new(locale: Locale) -> Self {
        let locale = RwSignal::new(locale);
        Effect::new(move || {
            let code = locale.get().code();
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", code);
            }
        });
        Self { locale }
    }

    /// The current language (tracked).
    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    /// Switches language and remembers the choice.
    pub fn set_locale(self, locale: Locale) {
        self.locale.set(locale);
        // A failed write only means the choice is not remembered; the switch still applies.
        let _ = Prefs::set_locale(locale);
    }

    /// The text of `key` (tracked).
    pub fn t(self, key: &'static str) -> &'static str {
        i18n::text(self.locale.get(), key)
    }

    /// The text of `key` with `{name}` placeholders filled (tracked).
    pub fn f(self, key: &'static str, args: &[(&str, &str)]) -> String {
        i18n::format(self.locale.get(), key, args)
    }
}
