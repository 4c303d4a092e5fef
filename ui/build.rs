fn main() {
    // Debug info lets the testing backend (and AT-SPI tools) find elements by accessible label.
    let config = slint_build::CompilerConfiguration::new().with_style("fluent".into()).with_debug_info(true);
    slint_build::compile_with_config("app.slint", config).expect("compile ui/app.slint");
}
