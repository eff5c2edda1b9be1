//! Writes the seeded workspaces the benchmark loads (see `make bench`):
//! `cargo run --example bench_data -- <deals> <tasks> <out-prefix>` writes
//! `<out-prefix>.layout.json` (every localStorage key and value as the app
//! stores the workspace) and `<out-prefix>.json` (plain JSON, for the floor page).

use std::time::Instant;

use chrono::{TimeZone, Utc};
use pipeline_crm::domain::demo::{sample_workspace, SampleSize};
use pipeline_crm::domain::layout::plan;
use pipeline_crm::domain::StagePreset;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let deals: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let tasks: usize = args
        .get(2)
        .and_then(|a| a.parse().ok())
        .unwrap_or(deals * 5 / 3);
    let out = args
        .get(3)
        .cloned()
        .unwrap_or_else(|| format!("bench-{deals}"));
    let started = Instant::now();
    let size = SampleSize {
        tasks,
        ..SampleSize::scaled(deals)
    };
    // Fixed seed and clock: every run benchmarks the same data.
    let now = Utc.with_ymd_and_hms(2026, 3, 20, 12, 0, 0).unwrap();
    let names = StagePreset::ClassicFunnel.stage_names();
    let ws = sample_workspace(
        StagePreset::ClassicFunnel,
        "Classic funnel",
        &names,
        &["Anna", "Bruno", "Chiara"],
        size,
        42,
        now,
    );
    let json = serde_json::to_string(&ws).expect("serialises");
    let layout: std::collections::BTreeMap<String, String> = plan(&ws, &Default::default())
        .writes
        .into_iter()
        .map(|w| (w.key, w.value))
        .collect();
    let stored: usize = layout
        .iter()
        .map(|(k, v)| k.chars().count() + v.chars().count())
        .sum();
    std::fs::write(format!("{out}.json"), &json).expect("writes");
    std::fs::write(
        format!("{out}.layout.json"),
        serde_json::to_string(&layout).expect("serialises"),
    )
    .expect("writes");
    eprintln!(
        "{out}: {deals} deals, {tasks} tasks; JSON {} bytes, stored {stored} characters in {} keys; {:?}",
        json.len(),
        layout.len(),
        started.elapsed()
    );
}
