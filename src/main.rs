fn main() {
    pipeline_crm::ui::mount();
}
