// The benchmark: drives headless Chromium against the release build and
// prints one JSON line per figure, then a readable table, and records the run
// in BENCHMARKS.md. Run it with `make bench` (which builds the site and the
// seeded workspaces first).
//
// Usage: node bench/run.mjs <dist> <data-dir> [--runs N] [--no-write]

import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, type as osType, release } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";

const args = process.argv.slice(2);
const dist = args[0] ?? "dist";
const dataDir = args[1] ?? "target/bench";
const runs = Number(args[args.indexOf("--runs") + 1] || 5) || 5;
const write = !args.includes("--no-write");
const port = 4191;
const base = `http://127.0.0.1:${port}/`;
const KEY = "pipeline-crm.workspace";
const figures = [];

function figure(name, value, unit, extra = {}) {
  const line = { figure: name, value, unit, ...extra };
  figures.push(line);
  console.log(JSON.stringify(line));
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const p95 = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)];
};
const round = (x) => Math.round(x * 10) / 10;

// The site as a static host serves it, plus the floor and blank pages.
const site = join(dataDir, "site");
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
cpSync(dist, site, { recursive: true });
cpSync("bench/floor.html", join(site, "floor.html"));
cpSync("bench/blank.html", join(site, "blank.html"));
const server = spawn(process.execPath, ["tests/e2e/serve.mjs", site, String(port)], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
const chromiumVersion = browser.version();

const readyScript = () => {
  // Marks the moment the board shows its first card: the app is interactive.
  const observer = new MutationObserver(() => {
    if (document.querySelector('section[aria-label="Pipeline board"] article')) {
      window.__boardReady = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

/** A fresh browser context whose localStorage holds `entries`, and its page
 * (measured loads navigate this same page: a new tab might not see a large
 * value written a moment ago by another). */
async function contextWith(entries) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + "blank.html");
  for (const [key, value] of Object.entries(entries)) {
    await page.evaluate(([k, v]) => localStorage.setItem(k, v), [key, value]);
  }
  await page.addInitScript(readyScript);
  return { context, page };
}

async function openBoard({ page }) {
  await page.goto(base + "#/board");
  await page.waitForFunction(() => window.__boardReady !== undefined, null, { timeout: 60_000 });
  return page;
}

try {
  // 1. What the first load fetches, gzip-compressed.
  {
    const context = await browser.newContext();
    const page = await context.newPage();
    const files = {};
    page.on("response", async (response) => {
      if (!response.url().startsWith(base)) return;
      try {
        const body = await response.body();
        const name = new URL(response.url()).pathname.split("/").pop() || "index.html";
        files[name] = { raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
      } catch {}
    });
    await page.goto(base);
    await page.getByRole("button", { name: "Load a demo pipeline" }).waitFor();
    await page.waitForLoadState("networkidle");
    const total = Object.values(files).reduce((a, f) => a + f.gzip, 0);
    const raw = Object.values(files).reduce((a, f) => a + f.raw, 0);
    figure("transfer_gzip_bytes", total, "bytes", { raw_bytes: raw, files });
    await context.close();
  }

  // 2. Cold load with 1 000 deals, and the floor on the same data.
  {
    const stored = JSON.parse(readFileSync(join(dataDir, "1k.layout.json"), "utf8"));
    const plain = readFileSync(join(dataDir, "1k.json"), "utf8");
    const app = [];
    const floor = [];
    const wasmReceived = [];
    const appStart = [];
    const painted = [];
    for (let i = 0; i < runs; i++) {
      const opened = await contextWith({ ...stored, "bench.floor": plain });
      const page = await openBoard(opened);
      // The page is empty until the app draws it: its first contentful
      // paint is the frame that shows the board (style, layout and paint,
      // the browser's first of the page).
      await page.waitForFunction(() => performance.getEntriesByName("first-contentful-paint").length > 0);
      const phases = await page.evaluate(() => ({
        ready: window.__boardReady,
        painted: performance.getEntriesByName("first-contentful-paint")[0].startTime,
        wasm: performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"))?.responseEnd,
        start: performance.getEntriesByName("app-start")[0]?.startTime,
      }));
      app.push(phases.ready);
      painted.push(phases.painted);
      wasmReceived.push(phases.wasm);
      appStart.push(phases.start);
      await page.goto(base + "floor.html");
      await page.waitForFunction(() => window.__floorDone !== undefined);
      floor.push(await page.evaluate(() => window.__floorDone));
      await opened.context.close();
    }
    figure("cold_load_1k_ms", round(median(app)), "ms", { runs: app.map(round) });
    figure("floor_1k_ms", round(median(floor)), "ms", { runs: floor.map(round) });
    figure("cold_load_ratio", round(median(app) / median(floor)), "x");
    // Where the cold load goes: until the wasm's last byte arrived; until the
    // app's code starts (the module compiled and instantiated); the app's own
    // work from there to the first card.
    figure("cold_load_1k_phases_ms", round(median(appStart)), "ms", {
      wasm_received: round(median(wasmReceived)),
      app_code_starts: round(median(appStart)),
      app_work: round(median(app.map((t, i) => t - appStart[i]))),
    });
    if (painted.some((t, i) => t < app[i])) console.error("note: a first paint came before the first card");
    figure("cold_load_1k_painted_ms", round(median(painted)), "ms", { runs: painted.map(round) });
  }

  // 3 and 4. Moving a deal and typing a search with 10 000 deals.
  {
    const stored = JSON.parse(readFileSync(join(dataDir, "10k.layout.json"), "utf8"));
    const opened = await contextWith(stored);
    const page = await openBoard(opened);
    await page.evaluate((key) => {
      window.__paint = [];
      window.__persist = [];
      let pending = null;
      document.addEventListener(
        "keydown",
        (event) => {
          // Shift+→ sends Shift first: only the key that moves or types counts.
          if (["Shift", "Control", "Alt", "Meta"].includes(event.key)) return;
          const t0 = performance.now();
          pending = t0;
          // The first task after the next frame runs once that frame is painted.
          requestAnimationFrame(() => setTimeout(() => window.__paint.push(performance.now() - t0), 0));
        },
        true,
      );
      const setItem = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k, v) {
        const result = setItem.call(this, k, v);
        // Every save ends by writing its revision token: persisted then.
        if (k === key && pending !== null) {
          window.__persist.push(performance.now() - pending);
          pending = null;
        }
        return result;
      };
    }, "pipeline-crm.revision");
    const first = page.locator('section[aria-label="Pipeline board"] article a').first();
    const title = await first.textContent();
    await first.focus();
    const moves = 24;
    for (let i = 0; i < moves; i++) {
      const before = await page.evaluate(() => window.__persist.length);
      await page.keyboard.press(i % 2 === 0 ? "Shift+ArrowRight" : "Shift+ArrowLeft");
      await page.waitForFunction((n) => window.__persist.length > n, before, { timeout: 30_000 });
      await page.getByRole("link", { name: title, exact: true }).first().focus();
    }
    const paint = await page.evaluate(() => window.__paint);
    const persist = await page.evaluate(() => window.__persist);
    figure("move_10k_to_paint_ms", round(median(paint)), "ms", { p95: round(p95(paint)), samples: paint.length });
    figure("move_10k_to_persisted_ms", round(median(persist)), "ms", { p95: round(p95(persist)), samples: persist.length });

    await page.evaluate(() => (window.__paint = []));
    const search = page.getByLabel("Search deals");
    await search.focus();
    for (const key of ["w", "e", "b", "s", "Backspace", "Backspace", "Backspace", "Backspace", "a", "c", "m", "e", "Backspace", "Backspace", "Backspace", "Backspace", "z", "Backspace", "t", "Backspace"]) {
      await page.keyboard.press(key);
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    }
    const keys = await page.evaluate(() => window.__paint);
    figure("search_10k_keystroke_ms", round(median(keys)), "ms", { p95: round(p95(keys)), samples: keys.length });
    await opened.context.close();
  }

  // 5. 10 000 deals and 50 000 tasks: size in localStorage, and load time.
  {
    const stored = JSON.parse(readFileSync(join(dataDir, "scale.layout.json"), "utf8"));
    const plainBytes = readFileSync(join(dataDir, "scale.json")).length;
    // The quota measured, not assumed: the longest value this origin may store.
    const quotaContext = await browser.newContext();
    const q = await quotaContext.newPage();
    await q.goto(base + "blank.html");
    const quotaChars = await q.evaluate(() => {
      let lo = 0;
      let hi = 64 * 1024 * 1024;
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2);
        try {
          localStorage.setItem("probe", "\u0800".repeat(mid));
          lo = mid;
        } catch {
          hi = mid - 1;
        }
        localStorage.removeItem("probe");
      }
      return lo;
    });
    await quotaContext.close();
    const chars = Object.entries(stored).reduce((n, [k, v]) => n + k.length + v.length, 0);
    figure("scale_stored_chars", chars, "characters", {
      utf16_bytes: chars * 2,
      plain_json_bytes: plainBytes,
      quota_chars_measured: quotaChars,
      share_of_quota: round((chars / quotaChars) * 100) + " %",
    });
    const loads = [];
    for (let i = 0; i < runs; i++) {
      const opened = await contextWith(stored);
      const page = await openBoard(opened);
      loads.push(await page.evaluate(() => window.__boardReady));
      await opened.context.close();
    }
    figure("scale_load_ms", round(median(loads)), "ms", { runs: loads.map(round) });
  }
} finally {
  await browser.close();
  server.kill();
}

// The readable table, against the budgets of the issue.
const get = (name) => figures.find((f) => f.figure === name);
const budgets = [
  ["Transfer, first load (gzip)", `${(get("transfer_gzip_bytes").value / 1024).toFixed(1)} KiB`, "≤ 200 KiB", get("transfer_gzip_bytes").value <= 200 * 1024],
  ["Cold load, 1 000 deals", `${get("cold_load_1k_ms").value} ms`, "≤ 150 ms", get("cold_load_1k_ms").value <= 150],
  ["… floor (read + JSON.parse)", `${get("floor_1k_ms").value} ms`, "", null],
  ["… ratio to the floor", `${get("cold_load_ratio").value}×`, "≤ 3×", get("cold_load_ratio").value <= 3],
  ["… the board's first frame painted", `${get("cold_load_1k_painted_ms").value} ms`, "", null],
  ["… wasm received / app's code starts / app's own work", `${get("cold_load_1k_phases_ms").wasm_received} / ${get("cold_load_1k_phases_ms").app_code_starts} / ${get("cold_load_1k_phases_ms").app_work} ms`, "", null],
  ["Move, 10 000 deals: to paint (median / p95)", `${get("move_10k_to_paint_ms").value} / ${get("move_10k_to_paint_ms").p95} ms`, "≤ 16 ms median", get("move_10k_to_paint_ms").value <= 16],
  ["Move, 10 000 deals: to persisted (median / p95)", `${get("move_10k_to_persisted_ms").value} / ${get("move_10k_to_persisted_ms").p95} ms`, "≤ 50 ms", get("move_10k_to_persisted_ms").value <= 50],
  ["Search keystroke, 10 000 deals (median / p95)", `${get("search_10k_keystroke_ms").value} / ${get("search_10k_keystroke_ms").p95} ms`, "≤ 50 ms", get("search_10k_keystroke_ms").value <= 50],
  ["Stored, 10 000 deals + 50 000 tasks", `${get("scale_stored_chars").value} chars (${get("scale_stored_chars").share_of_quota} of the measured quota)`, "fits", get("scale_stored_chars").value <= get("scale_stored_chars").quota_chars_measured],
  ["Load, 10 000 deals + 50 000 tasks", `${get("scale_load_ms").value} ms`, "≤ 500 ms", get("scale_load_ms").value <= 500],
];
const table = [
  "| figure | measured | budget | met |",
  "|---|---|---|---|",
  ...budgets.map(([name, value, budget, ok]) => `| ${name} | ${value} | ${budget} | ${ok === null ? "" : ok ? "yes" : "**no**"} |`),
].join("\n");
console.log("\n" + table);

if (write) {
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? "CPU"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ${osType()} ${release()}, Chromium ${chromiumVersion}`;
  const stamp = new Date().toISOString().slice(0, 16).replace("T", " ");
  const section = [
    "<!-- latest-run:start -->",
    `Latest run: ${stamp} UTC, \`make bench\`, on ${machine}. Medians of ${runs} cold loads; ${get("move_10k_to_paint_ms").samples} moves; ${get("search_10k_keystroke_ms").samples} keystrokes.`,
    "",
    table,
    "",
    "```json",
    ...figures.map((f) => JSON.stringify(f)),
    "```",
    "<!-- latest-run:end -->",
  ].join("\n");
  let doc = "";
  try {
    doc = readFileSync("BENCHMARKS.md", "utf8");
  } catch {}
  doc = doc.includes("<!-- latest-run:start -->")
    ? doc.replace(/<!-- latest-run:start -->[\s\S]*<!-- latest-run:end -->/, section)
    : `${doc}\n${section}\n`;
  writeFileSync("BENCHMARKS.md", doc);
  writeFileSync(join(dataDir, "results.jsonl"), figures.map((f) => JSON.stringify(f)).join("\n") + "\n");
}
