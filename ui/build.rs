fn main() {
    // Debug info lets the testing backend (and AT-SPI tools) find elements by accessible label.
    // The English interface is a Slint bundled translation: translations/en/LC_MESSAGES/kiosk-ui.po
    // (the domain is this crate's name) is compiled in (no gettext at run time);
    // `slint::select_bundled_translation("en" | "")` picks it. No per-component context, so one
    // Chinese string has one English translation wherever it is used.
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent".into())
        .with_debug_info(true)
        .with_bundled_translations("translations")
        .with_default_translation_context(slint_build::DefaultTranslationContext::None);
    slint_build::compile_with_config("app.slint", config).expect("compile ui/app.slint");
}
