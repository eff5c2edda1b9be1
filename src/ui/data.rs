//! Data exchange: export as JSON or CSV, import a file (replace or merge,
//! with a preview), and the recovery screen for stored data that cannot be read.

use leptos::ev;
use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;

use super::i18n::*;
use super::widgets::Modal;
use super::{now, use_app, AppState, ImportRefused, Route};
use crate::domain::exchange::{
    clients_csv, deals_csv, export_file_name, export_fits, export_json, match_pipelines,
    merge_file_report, read_export, replace_report, tasks_csv, ImportError, ImportFile, ImportMode,
    MergeReport, PipelineMatch, Problem, ProblemReason, RecordType, Unreadable, MAX_FILE_BYTES,
};
use crate::domain::format::FormatError;
use crate::storage::{self, KeptCopy};

/// Offers `content` as a file download named `name`.
pub fn download(name: &str, content: &str, mime: &str) {
    // The file is made from the text's UTF-8 bytes as they are: going
    // through a JavaScript string would decode them and the Blob encode
    // them again.
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(content.as_bytes()));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Some(a) = document()
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

fn record_name(i18n: I18n, r: RecordType) -> String {
    match r {
        RecordType::Settings => t_string!(i18n, data.record_settings),
        RecordType::Pipeline => t_string!(i18n, data.record_pipeline),
        RecordType::Stage => t_string!(i18n, data.record_stage),
        RecordType::Deal => t_string!(i18n, data.record_deal),
        RecordType::Client => t_string!(i18n, data.record_client),
        RecordType::Task => t_string!(i18n, data.record_task),
        RecordType::Salesperson => t_string!(i18n, data.record_salesperson),
        RecordType::Tombstone => t_string!(i18n, data.record_tombstone),
    }
    .to_string()
}

/// What is wrong with a field that does not read.
fn unreadable_text(i18n: I18n, why: &Unreadable) -> String {
    match why {
        Unreadable::Missing => t_string!(i18n, data.why_missing_field).to_string(),
        Unreadable::NotText => t_string!(i18n, data.why_not_text).to_string(),
        Unreadable::NotWholeNumber => t_string!(i18n, data.why_not_whole).to_string(),
        Unreadable::NotInRange { min, max } => {
            tf!(i18n, data.why_not_in_range, min = min, max = max)
        }
        Unreadable::NotAmount => t_string!(i18n, data.why_not_amount).to_string(),
        Unreadable::NotYesNo => t_string!(i18n, data.why_not_yes_no).to_string(),
        Unreadable::NotId => t_string!(i18n, data.why_not_id).to_string(),
        Unreadable::NotDateTime => t_string!(i18n, data.why_not_date_time).to_string(),
        Unreadable::NotDate => t_string!(i18n, data.why_not_date).to_string(),
        Unreadable::DateOutOfRange => t_string!(i18n, data.why_date_range).to_string(),
        Unreadable::NotOneOf { found, allowed } => tf!(
            i18n,
            data.why_not_one_of,
            found = found,
            allowed = allowed.join(", ")
        ),
        Unreadable::NotList => t_string!(i18n, data.why_not_list).to_string(),
        Unreadable::NotRecord => t_string!(i18n, data.why_not_record).to_string(),
        Unreadable::Other(detail) => tf!(i18n, data.why_unreadable, detail = detail),
    }
}

/// One problem of a refused file, as a sentence: which record, which field, why.
fn problem_text(i18n: I18n, p: &Problem) -> String {
    let mut record = format!("{} #{}", record_name(i18n, p.record), p.index + 1);
    if let Some(label) = p.label.as_ref().filter(|l| !l.is_empty()) {
        // A title too long to show is named by its start.
        let mut short: String = label.chars().take(60).collect();
        if short.len() < label.len() {
            short.push('…');
        }
        record.push_str(&format!(" “{short}”"));
    }
    if let Some(id) = p.id {
        record.push_str(&format!(" ({id})"));
    }
    let why = match &p.reason {
        ProblemReason::Unreadable(why) => unreadable_text(i18n, why),
        ProblemReason::DuplicateId => t_string!(i18n, data.why_duplicate).to_string(),
        ProblemReason::MissingReference(to) => {
            tf!(i18n, data.why_missing, record = record_name(i18n, *to))
        }
        ProblemReason::NegativeAmount => t_string!(i18n, error.negative_amount).to_string(),
        ProblemReason::AmountTooLarge => t_string!(i18n, error.amount_too_large).to_string(),
        ProblemReason::InvalidCurrency => t_string!(i18n, data.why_currency).to_string(),
        ProblemReason::EmptyText => t_string!(i18n, data.why_empty).to_string(),
        ProblemReason::ProbabilityOutOfRange => t_string!(i18n, error.probability).to_string(),
        ProblemReason::RatingOutOfRange => t_string!(i18n, error.rating).to_string(),
        ProblemReason::NoOpenStage => t_string!(i18n, error.open_stage_required).to_string(),
        ProblemReason::LostReasonMismatch => t_string!(i18n, data.why_lost_reason).to_string(),
        ProblemReason::IdleDaysOutOfRange => t_string!(i18n, error.idle_days).to_string(),
        ProblemReason::TooLong { max } => tf!(i18n, data.why_too_long, max = max),
    };
    tf!(
        i18n,
        data.problem,
        record = record,
        field = p.field,
        why = why
    )
}

/// Why a file was refused, as sentences: a summary, then one line per record.
pub fn import_error_text(i18n: I18n, e: &ImportError) -> (String, Vec<String>) {
    match e {
        ImportError::TooLarge { bytes } => (
            tf!(
                i18n,
                data.too_large,
                size = bytes / (1024 * 1024),
                limit = MAX_FILE_BYTES / (1024 * 1024)
            ),
            Vec::new(),
        ),
        ImportError::TooDeep => (t_string!(i18n, data.too_deep).to_string(), Vec::new()),
        ImportError::NotJson { line, column } => (
            tf!(i18n, data.not_json, line = line, column = column),
            Vec::new(),
        ),
        ImportError::NotOurFile => (t_string!(i18n, data.not_ours).to_string(), Vec::new()),
        ImportError::TooNew { found } => (tf!(i18n, data.too_new, found = found), Vec::new()),
        ImportError::WrongShape(what) => (tf!(i18n, data.wrong_shape, what = what), Vec::new()),
        ImportError::Invalid(problems) => (
            t_string!(i18n, data.invalid).to_string(),
            problems.iter().map(|p| problem_text(i18n, p)).collect(),
        ),
    }
}

/// Reads the chosen file's text, refusing a too large one before reading it.
async fn read_file(input: &web_sys::HtmlInputElement) -> Result<String, ImportError> {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return Err(ImportError::NotOurFile);
    };
    let size = file.size() as usize;
    if size > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge { bytes: size });
    }
    // The file's bytes, not its text: a JavaScript string of it would be
    // decoded from UTF-8 only to be encoded again for Rust. Bytes that are
    // not UTF-8 become U+FFFD and a byte order mark is dropped, as
    // `File.text()` does.
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| ImportError::NotOurFile)?;
    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

struct Checked {
    file: ImportFile,
    /// Their pipelines that are ours under other ids.
    matches: Vec<PipelineMatch>,
    /// What merging would do, with those pipelines mapped onto ours.
    merge_report: MergeReport,
    /// What merging would do, with every pipeline of theirs kept.
    separate_report: MergeReport,
}

/// The import flow: choose a file, see what it holds and what merging would
/// do, then merge or (after confirming) replace.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let checked = RwSignal::new(None::<Checked>);
    let error = RwSignal::new(None::<(String, Vec<String>)>);
    let confirm_replace = RwSignal::new(false);
    let keep_separate = RwSignal::new(false);
    let input = NodeRef::<leptos::html::Input>::new();
    let reading = RwSignal::new(false);
    let on_change = move |_ev: ev::Event| {
        let Some(el) = input.get() else { return };
        checked.set(None);
        error.set(None);
        keep_separate.set(false);
        reading.set(true);
        leptos::task::spawn_local(async move {
            let result = match read_file(&el).await {
                Ok(text) => {
                    let owner = state
                        .workspace
                        .with_untracked(|ws| ws.salespeople.first().map(|s| s.name.clone()))
                        .unwrap_or_default();
                    read_export(&text, now(), &owner, Uuid::new_v4).map(|file| {
                        state.workspace.with_untracked(|ws| {
                            let theirs = &file.workspace;
                            // Before the first run the file replaces the
                            // placeholder workspace (see `import_file`).
                            if !state.ready.get_untracked() {
                                let report = replace_report(theirs);
                                return Checked {
                                    merge_report: report.clone(),
                                    separate_report: report,
                                    matches: Vec::new(),
                                    file,
                                };
                            }
                            let matches = match_pipelines(ws, theirs);
                            let merge_report = merge_file_report(ws, theirs, true);
                            let separate_report = if matches.is_empty() {
                                merge_report.clone()
                            } else {
                                merge_file_report(ws, theirs, false)
                            };
                            Checked {
                                file,
                                matches,
                                merge_report,
                                separate_report,
                            }
                        })
                    })
                }
                Err(e) => Err(e),
            };
            reading.set(false);
            match result {
                Ok(c) => checked.set(Some(c)),
                Err(e) => error.set(Some(import_error_text(i18n, &e))),
            }
        });
    };
    let apply = move |mode: ImportMode| {
        if checked.with_untracked(Option::is_none) {
            return;
        }
        let result = checked.with_untracked(|c| {
            c.as_ref()
                .map(|c| state.import_file(&c.file, mode))
                .unwrap_or(Err(ImportRefused::File(ImportError::NotOurFile)))
        });
        match result {
            Ok(report) => {
                let message = match mode {
                    ImportMode::Replace => t_string!(i18n, data.replaced).to_string(),
                    ImportMode::Merge | ImportMode::MergeSeparately => tf!(
                        i18n,
                        data.merged,
                        new = report.new,
                        updated = report.updated,
                        conflicts = report.conflicts
                    ),
                };
                state.toasts.show(message);
                checked.set(None);
                confirm_replace.set(false);
                if let Some(el) = input.get_untracked() {
                    el.set_value("");
                }
                state.navigate(Route::Board);
            }
            Err(ImportRefused::ReadOnly) => error.set(Some((
                t_string!(i18n, error.read_only).to_string(),
                Vec::new(),
            ))),
            Err(ImportRefused::File(e)) => error.set(Some(import_error_text(i18n, &e))),
        }
    };
    let has_data = move || state.ready.get();
    let summary = move || {
        checked.with(|c| c.as_ref().map(|c| {
            let w = &c.file.workspace;
            let r = if keep_separate.get() { &c.separate_report } else { &c.merge_report };
            let matched = has_data().then(|| {
                c.matches
                    .iter()
                    .map(|m| view! { <p>{tf!(i18n, data.pipeline_matches, name = m.name.clone())}</p> })
                    .collect_view()
            });
            view! {
                <div class="import-preview" role="status">
                    <p>{tf!(i18n, data.holds, deals = w.deals.len(), clients = w.clients.len(), tasks = w.tasks.len(), pipelines = w.pipelines.len())}</p>
                    {c.file.migrated_from.map(|v| view! { <p class="muted">{tf!(i18n, data.migrated, version = v)}</p> })}
                    {matched}
                    <p>{tf!(i18n, data.preview, new = r.new, updated = r.updated, unchanged = r.unchanged, conflicts = r.conflicts, deleted = r.deleted)}</p>
                </div>
            }
        }))
    };
    view! {
        <section class="panel" aria-labelledby="import-title">
            <h3 id="import-title">{t!(i18n, data.import_title)}</h3>
            <p class="muted small">{t!(i18n, data.import_help)}</p>
            <label>
                {t!(i18n, data.choose_file)}
                <input type="file" accept=".json,application/json" node_ref=input on:change=on_change />
            </label>
            <Show when=move || reading.get()>
                <p role="status">{t!(i18n, data.reading)}</p>
            </Show>
            {move || error.get().map(|(summary, lines)| view! {
                <div class="form-error import-error" role="alert">
                    <p>{summary}</p>
                    <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                    <p>{t!(i18n, data.nothing_changed)}</p>
                </div>
            })}
            {summary}
            <Show when=move || has_data() && checked.with(|c| c.as_ref().is_some_and(|c| !c.matches.is_empty()))>
                <label class="checkbox">
                    <input type="checkbox" bind:checked=keep_separate />
                    {t!(i18n, data.keep_separate)}
                </label>
            </Show>
            <Show when=move || checked.with(Option::is_some)>
                <div class="dialog-buttons left">
                    <Show when=has_data>
                        <button class="primary" on:click=move |_| {
                            apply(if keep_separate.get_untracked() { ImportMode::MergeSeparately } else { ImportMode::Merge })
                        }>{t!(i18n, data.merge)}</button>
                    </Show>
                    <button class:danger=has_data on:click=move |_| {
                        if has_data() { confirm_replace.set(true) } else { apply(ImportMode::Replace) }
                    }>{t!(i18n, data.replace)}</button>
                </div>
            </Show>
            <Modal
                open=confirm_replace
                on_close=Callback::new(move |_| confirm_replace.set(false))
                title=Signal::derive(move || t_string!(i18n, data.replace_title).to_string())
            >
                <p>
                    {move || state.workspace.with(|ws| tf!(i18n, data.replace_text, deals = ws.deals.len(), clients = ws.clients.len(), tasks = ws.tasks.len()))}
                </p>
                <div class="dialog-buttons">
                    <button on:click=move |_| export_everything(state)>{t!(i18n, data.export_json)}</button>
                    <button class="danger" on:click=move |_| apply(ImportMode::Replace)>{t!(i18n, data.confirm_replace)}</button>
                    <button on:click=move |_| confirm_replace.set(false)>{t!(i18n, common.cancel)}</button>
                </div>
            </Modal>
        </section>
    }
}

/// Downloads everything as one JSON file.
pub fn export_everything(state: AppState) {
    let at = now();
    let json = state.workspace.with_untracked(|ws| export_json(ws, at));
    if !export_fits(json.len()) {
        let i18n = state.i18n;
        state.toasts.show(tf!(
            i18n,
            data.export_too_large,
            size = json.len() / (1024 * 1024),
            limit = MAX_FILE_BYTES / (1024 * 1024)
        ));
        return;
    }
    download(
        &export_file_name(at, "export", "json"),
        &json,
        "application/json",
    );
}

/// The data screen: export and import.
#[component]
pub fn DataPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    let csv = move |what: &'static str| {
        let at = now();
        let text = state.workspace.with_untracked(|ws| match what {
            "deals" => deals_csv(ws),
            "clients" => clients_csv(ws),
            _ => tasks_csv(ws),
        });
        download(
            &export_file_name(at, what, "csv"),
            &text,
            "text/csv;charset=utf-8",
        );
    };
    view! {
        <section aria-labelledby="data-title">
            <h2 id="data-title">{t!(i18n, data.title)}</h2>
            <section class="panel" aria-labelledby="export-title">
                <h3 id="export-title">{t!(i18n, data.export_title)}</h3>
                <p class="muted small">{t!(i18n, data.export_help)}</p>
                <div class="dialog-buttons left">
                    <button class="primary" on:click=move |_| export_everything(state)>{t!(i18n, data.export_json)}</button>
                    <button on:click=move |_| csv("deals")>{t!(i18n, data.export_deals)}</button>
                    <button on:click=move |_| csv("clients")>{t!(i18n, data.export_clients)}</button>
                    <button on:click=move |_| csv("tasks")>{t!(i18n, data.export_tasks)}</button>
                </div>
            </section>
            <ImportPanel />
            <KeptCopies />
        </section>
    }
}

fn kept_label(i18n: I18n, copy: &KeptCopy) -> String {
    match copy {
        KeptCopy::Unreadable => t_string!(i18n, data.kept_unreadable).to_string(),
        KeptCopy::BeforeMigration(v) => {
            tf!(i18n, data.kept_before_update, version = *v).to_string()
        }
    }
}

/// Copies of the user's data kept aside (unreadable data, data from before
/// an update): offered as downloads, and deleted on request to free the
/// quota. Shown only when there is one.
#[component]
fn KeptCopies() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app();
    // Storage is not reactive: bumped after a deletion to read it again.
    let read = RwSignal::new(0u32);
    let copies = move || {
        read.track();
        storage::kept_copies()
    };
    let deleting = RwSignal::new(None::<KeptCopy>);
    let close = Callback::new(move |_| deleting.set(None));
    let title = Signal::derive(move || t_string!(i18n, data.kept_delete_title).to_string());
    let confirm = move |_| {
        let Some(copy) = deleting.get_untracked() else {
            return;
        };
        let message = match storage::delete_kept_copy(&copy) {
            Ok(()) => {
                // The room is free now: save what the full storage refused.
                if state.autosave.problem.get_untracked()
                    == Some(storage::SaveProblem::QuotaExceeded)
                {
                    state.autosave.save_now();
                }
                t_string!(i18n, data.kept_deleted).to_string()
            }
            Err(why) => tf!(i18n, data.kept_not_deleted, why = why).to_string(),
        };
        deleting.set(None);
        read.update(|n| *n += 1);
        state.toasts.show(message);
    };
    // The whole (short) list is drawn with plain texts, redrawn when the
    // copies or the language change: smaller code than a keyed list of live
    // bindings.
    let list = move |copies: Vec<(KeptCopy, usize)>| {
        copies
            .into_iter()
            .map(|(copy, chars)| {
                let what = kept_label(i18n, &copy);
                let size = tf!(i18n, data.kept_size, size = storage::stored_kib(chars)).to_string();
                let download_label = tf!(i18n, data.kept_download_named, what = what.clone()).to_string();
                let delete_label = tf!(i18n, data.kept_delete_named, what = what.clone()).to_string();
                let file = match copy {
                    KeptCopy::Unreadable => "unreadable-data",
                    KeptCopy::BeforeMigration(_) => "before-update",
                };
                view! {
                    <li>
                        <span>{what}</span>
                        " "
                        <span class="muted small">{size}</span>
                        <div class="dialog-buttons left">
                            <button
                                aria-label=download_label
                                on:click=move |_| {
                                    if let Some(text) = storage::kept_copy_text(&copy) {
                                        download(&export_file_name(now(), file, "json"), &text, "application/json");
                                    }
                                }
                            >
                                {t_string!(i18n, data.kept_download).to_string()}
                            </button>
                            <button class="danger" aria-label=delete_label on:click=move |_| deleting.set(Some(copy))>
                                {t_string!(i18n, data.kept_delete).to_string()}
                            </button>
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        {move || {
            let copies = copies();
            (!copies.is_empty())
                .then(|| {
                    view! {
                        <section class="panel" aria-labelledby="kept-title">
                            <h3 id="kept-title">{t!(i18n, data.kept_title)}</h3>
                            <p class="muted small">{t!(i18n, data.kept_help)}</p>
                            <ul class="kept-copies">{list(copies)}</ul>
                        </section>
                    }
                })
        }}
        <Modal open=Signal::derive(move || deleting.get().is_some()) on_close=close title>
            <p>
                {move || {
                    let what = deleting.get().map(|c| kept_label(i18n, &c)).unwrap_or_default();
                    tf!(i18n, data.kept_delete_text, what = what).to_string()
                }}
            </p>
            <div class="dialog-buttons">
                <button type="button" class="danger" on:click=confirm>{t!(i18n, data.kept_confirm_delete)}</button>
                <button type="button" on:click=move |_| close.run(())>{t!(i18n, common.cancel)}</button>
            </div>
        </Modal>
    }
}

/// Shown when the stored data cannot be read: nothing is overwritten; the
/// data is offered as a download, and the user may start fresh or import.
#[component]
pub fn Recovery(problem: FormatError) -> impl IntoView {
    let i18n = use_i18n();
    let newer = matches!(problem, FormatError::TooNew { .. });
    let detail = problem.to_string();
    let started = RwSignal::new(false);
    let download_raw = move |_| {
        if let Some(raw) = storage::unreadable_data() {
            download(
                &export_file_name(now(), "unreadable-data", "json"),
                &raw,
                "application/json",
            );
        }
    };
    view! {
        <Show
            when=move || !started.get()
            fallback=|| view! { <super::welcome::Welcome /> }
        >
            <section class="panel recovery" aria-labelledby="recovery-title">
                <h2 id="recovery-title">{t!(i18n, recovery.title)}</h2>
                <p>
                    {if newer {
                        t_string!(i18n, recovery.newer).to_string()
                    } else {
                        t_string!(i18n, recovery.corrupt).to_string()
                    }}
                </p>
                <p class="muted small">{detail.clone()}</p>
                <p>{t!(i18n, recovery.kept)}</p>
                <div class="dialog-buttons left">
                    <button class="primary" on:click=download_raw>{t!(i18n, recovery.download)}</button>
                    <Show when=move || !newer>
                        <button on:click=move |_| started.set(true)>{t!(i18n, recovery.start_fresh)}</button>
                    </Show>
                </div>
            </section>
            <ImportPanel />
        </Show>
    }
}
