//! Translations (English and Polish) from `locales/*.json`.
//!
//! `load_locales!` is deprecated in leptos_i18n 0.6 in favour of a build
//! script with `leptos_i18n_build`, whose dependencies (ICU data export with
//! TLS networking) would roughly double a cold build on two cores; the macro
//! reads the same files and `[package.metadata.leptos-i18n]`.
#![allow(deprecated)]
leptos_i18n::load_locales!();
pub use i18n::*;
pub use leptos_i18n::I18nContext;

/// The translations in the reader's language, as the screens pass them around.
pub type I18n = I18nContext<Locale>;

/// Puts values into a translated template's `{name}` placeholders.
///
/// Placeholders are filled here rather than by leptos_i18n's `{{ name }}`
/// interpolation, which `t_string!` only supports when the build-script
/// code generation is used (see above).
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut text = template.to_string();
    for (name, value) in values {
        text = text.replace(&format!("{{{name}}}"), &value.to_string());
    }
    text
}

/// A translation with its `{name}` placeholders filled:
/// `tf!(i18n, board.moved, title = t, stage = s)`.
macro_rules! tf {
    ($i18n:expr, $($key:ident).+, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::ui::i18n::fill(
            t_string!($i18n, $($key).+),
            &[$((stringify!($name), &$value as &dyn std::fmt::Display)),+],
        )
    };
}
pub(crate) use tf;
