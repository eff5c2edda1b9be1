//! Writes the seeded workspaces the benchmark loads (see `make bench`):
//! `cargo run --example bench_data -- <deals> <tasks> <out.json>`.

use std::time::Instant;

use chrono::{TimeZone, Utc};
use pipeline_crm::domain::demo::{sample_workspace, SampleSize};
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
        .unwrap_or_else(|| format!("bench-{deals}.json"));
    let started = Instant::now();
    let size = SampleSize {
        tasks,
        ..SampleSize::scaled(deals)
    };
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
    std::fs::write(&out, serde_json::to_string(&ws).expect("serialises")).expect("writes");
    eprintln!(
        "{out}: {deals} deals, {tasks} tasks in {:?}",
        started.elapsed()
    );
}
