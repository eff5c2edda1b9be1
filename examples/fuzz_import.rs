//! `make fuzz`: imports damaged copies of exported files, by default a
//! million, and counts what went wrong. A file may be refused or accepted;
//! what must never happen is a panic, a refused file that changed the
//! workspace (a partial write), or an accepted one that left it invalid.
//! Damaged files that do are written to `target/fuzz-findings/` to be replayed.
//!
//! `cargo run --profile fuzz --example fuzz_import -- [runs] [seed]`

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe};

use chrono::{TimeZone, Utc};
use pipeline_crm::domain::demo::{sample_workspace, SampleRng, SampleSize};
use pipeline_crm::domain::exchange::{export_json, import, validate, ImportMode};
use pipeline_crm::domain::mutation::{mutate_bytes, mutate_values};
use pipeline_crm::domain::{Command, DealInput, Money, StagePreset, Workspace};

thread_local! {
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The files that get damaged: a small workspace and the demo one.
fn bases() -> Vec<serde_json::Value> {
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
    let mut small = SampleSize::DEMO;
    small.deals = 4;
    small.clients = 3;
    small.tasks = 5;
    [small, SampleSize::DEMO]
        .into_iter()
        .map(|size| {
            let preset = StagePreset::TrainersProcess;
            let names = preset.stage_names();
            let ws = sample_workspace(
                preset,
                "Trainer's process",
                &names,
                &["Anna", "Bob"],
                size,
                7,
                now,
            );
            serde_json::from_str(&export_json(&ws, now)).expect("an export is JSON")
        })
        .collect()
}

/// The workspace files are imported into: a user's own, with one deal.
fn ours() -> Workspace {
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    let mut n = 0u128;
    let mut ids = || {
        n += 1;
        uuid::Uuid::from_u128(n)
    };
    let mut ws = Workspace::new(StagePreset::ClassicFunnel, "EUR", "Me", now, &mut ids);
    let owner = ws.salespeople[0].id;
    let input = DealInput::new(
        "Mine",
        owner,
        Money {
            minor: 1000,
            currency: "EUR".into(),
        },
    );
    ws.apply(
        Command::CreateDeal {
            id: ids(),
            stage_id: None,
            input,
        },
        now,
    )
    .expect("a deal is added");
    ws
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: u64 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(0x5eed);
    panic::set_hook(Box::new(|info| {
        LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string())
    }));
    let bases = bases();
    let texts: Vec<String> = bases.iter().map(|b| b.to_string()).collect();
    let ours = ours();
    let now = Utc.with_ymd_and_hms(2026, 3, 10, 9, 0, 0).unwrap();
    let started = std::time::Instant::now();
    let (mut accepted, mut refused, mut panics, mut partial, mut invalid) =
        (0u64, 0u64, 0u64, 0u64, 0u64);
    let keep = |kind: &str, i: u64, text: &str, why: &str| {
        let dir = std::path::Path::new("target/fuzz-findings");
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(dir.join(format!("{kind}-{seed}-{i}.json")), text);
        eprintln!("run {i}: {kind}: {why}");
    };
    for i in 0..runs {
        let mut rng = SampleRng::new(seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // Mostly the small file, whose imports are quick; now and then the demo.
        let base = usize::from(rng.below(10) == 0);
        let edits = 1 + rng.below(4) as usize;
        let text = if rng.below(2) == 0 {
            mutate_bytes(&texts[base], &mut rng, edits)
        } else {
            mutate_values(&bases[base], &mut rng, edits).to_string()
        };
        let mode = [
            ImportMode::Replace,
            ImportMode::Merge,
            ImportMode::MergeSeparately,
        ][rng.below(3) as usize];
        let mut ws = ours.clone();
        let mut n = 1u128 << 100;
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            import(&mut ws, &text, mode, now, "Me", || {
                n += 1;
                uuid::Uuid::from_u128(n)
            })
        }));
        match outcome {
            Err(_) => {
                panics += 1;
                keep("panic", i, &text, &LAST_PANIC.with(|p| p.borrow().clone()));
            }
            Ok(Err(_)) if ws != ours => {
                partial += 1;
                keep("partial", i, &text, "a refused file changed the workspace");
            }
            Ok(Err(_)) => refused += 1,
            Ok(Ok(_)) => match validate(&ws) {
                Ok(()) => accepted += 1,
                Err(problems) => {
                    invalid += 1;
                    keep("invalid", i, &text, &format!("{:?}", problems.first()));
                }
            },
        }
        if (i + 1) % 100_000 == 0 {
            eprintln!("{} runs, {:.0} s", i + 1, started.elapsed().as_secs_f64());
        }
    }
    println!(
        "{runs} damaged files (seed {seed}) in {:.0} s: {accepted} accepted, {refused} refused; {panics} panics, {partial} partial writes, {invalid} left invalid",
        started.elapsed().as_secs_f64()
    );
    if panics + partial + invalid > 0 {
        std::process::exit(1);
    }
}
