import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { addDeal, card, demoPage, exportText, importFile, startWith } from "./helpers";

const KEY = "pipeline-crm.workspace";

/** The export without its time stamp, for comparing two exports. */
async function exportedRecords(page: Page) {
  const file = JSON.parse(await exportText(page));
  delete file.exported_at;
  return file;
}

// Stores `workspace` as earlier builds laid it out: a JSON meta value and
// one JSON shard per family (`deals` replaces the workspace's deals).
async function storeAsEarlierBuild(page: Page, workspace: any, deals: unknown[] = workspace.deals) {
  // A save still pending in the page would land on what is written here:
  // the page saves what it holds as it unloads, and the reloaded one has
  // nothing to save until something changes.
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).waitFor();
  const meta = {
    format_version: workspace.format_version,
    layout: 1,
    settings: workspace.settings,
    pipelines: workspace.pipelines,
    salespeople: workspace.salespeople,
    shards: { deals: 1, tasks: 1, clients: 1, tombstones: 1 },
  };
  const shards = {
    "pipeline-crm.deals.1.0": deals,
    "pipeline-crm.tasks.1.0": workspace.tasks,
    "pipeline-crm.clients.1.0": workspace.clients,
    "pipeline-crm.tombstones.1.0": workspace.tombstones,
  };
  await page.evaluate(
    ([key, meta, shards]) => {
      localStorage.setItem(key, JSON.stringify(meta));
      for (const [k, v] of Object.entries(shards)) localStorage.setItem(k, JSON.stringify(v));
    },
    [KEY, meta, shards] as const,
  );
  return Object.keys(shards);
}

async function renameDeal(page: Page, from: string, to: string) {
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await page.getByRole("link", { name: from, exact: true }).click();
  await page.getByLabel("Title").fill(to);
  await page.getByRole("button", { name: "Save deal" }).click();
  await expect(page.getByText("Saved.")).toBeVisible();
  await page.getByRole("link", { name: "Board", exact: true }).click();
}

test("a reload keeps every record: the export before equals the export after", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const before = await exportedRecords(page);
  expect(before.app).toBe("pipeline-crm");
  expect(before.workspace.deals.length).toBeGreaterThan(10);
  await page.reload();
  expect(await exportedRecords(page)).toEqual(before);
  await context.close();
});

test("an edit made just before closing the tab is there when it is reopened", async ({ context }) => {
  const page = await context.newPage();
  await startWith(page, "Classic funnel");
  await addDeal(page, "Saved on close", "10");
  await page.close({ runBeforeUnload: true });
  const again = await context.newPage();
  await again.goto("./");
  await expect(card(again, "Saved on close")).toBeVisible();
});

test("two tabs editing different deals both keep their edits", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  await addDeal(a, "First", "10");
  await addDeal(a, "Second", "20");
  const b = await context.newPage();
  await b.goto("./");
  await expect(card(b, "Second")).toBeVisible();
  await renameDeal(a, "First", "First, edited in A");
  // B sees A's change without a reload.
  await expect(card(b, "First, edited in A")).toBeVisible();
  await renameDeal(b, "Second", "Second, edited in B");
  await expect(card(a, "Second, edited in B")).toBeVisible();
  for (const page of [a, b]) {
    await page.reload();
    await expect(card(page, "First, edited in A")).toBeVisible();
    await expect(card(page, "Second, edited in B")).toBeVisible();
  }
});

test("a deal form left open in one tab keeps what another tab saved meanwhile", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  await addDeal(a, "Website", "1000");
  const b = await context.newPage();
  await b.goto("./");
  await b.getByRole("link", { name: "Website", exact: true }).click();
  const form = b.getByRole("form", { name: "Details" });
  // B is typing, not saved yet, while A renames the deal.
  await form.getByLabel("Needs and expectations").fill("An online shop");
  await renameDeal(a, "Website", "Website and shop");
  await expect(form.getByLabel("Title")).toHaveValue("Website and shop");
  await expect(form.getByRole("status")).toHaveText(/changed in another tab/);
  await expect(form.getByLabel("Needs and expectations")).toHaveValue("An online shop");
  await form.getByRole("button", { name: "Save deal" }).click();
  await expect(form.getByRole("status")).toHaveText("Saved.");
  for (const page of [a, b]) {
    await page.goto("./");
    await page.getByRole("link", { name: "Website and shop", exact: true }).click();
    await expect(page.getByLabel("Needs and expectations")).toHaveValue("An online shop");
  }
});

test("a stale tab never writes over newer data nor brings back a deleted deal", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  for (const title of ["Kept", "Renamed", "Deleted"]) await addDeal(a, title, "10");
  const stale = await context.newPage();
  // This tab hears nothing from the others, like a tab asleep in the background.
  await stale.addInitScript(() => window.addEventListener("storage", (e) => e.stopImmediatePropagation(), true));
  await stale.goto("./");
  await expect(card(stale, "Deleted")).toBeVisible();

  await renameDeal(a, "Renamed", "Renamed in A");
  await a.getByRole("link", { name: "Deleted", exact: true }).click();
  await a.getByRole("button", { name: "Delete deal" }).click();
  await expect(card(a, "Deleted")).toHaveCount(0);
  await expect(card(stale, "Renamed")).toBeVisible(); // still stale

  await renameDeal(stale, "Kept", "Kept, edited in the stale tab");
  for (const page of [a, stale]) {
    await page.reload();
    await expect(card(page, "Kept, edited in the stale tab")).toBeVisible();
    await expect(card(page, "Renamed in A")).toBeVisible();
    await expect(card(page, "Deleted")).toHaveCount(0);
  }
});

test("the last deal, deleted in a stale tab, stays deleted", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  await addDeal(a, "Doomed", "10");
  const stale = await context.newPage();
  await stale.addInitScript(() => window.addEventListener("storage", (e) => e.stopImmediatePropagation(), true));
  await stale.goto("./");
  await expect(card(stale, "Doomed")).toBeVisible();

  const revision = () => a.evaluate(() => localStorage.getItem("pipeline-crm.revision"));
  const before = await revision();
  await renameDeal(a, "Doomed", "Doomed, renamed in A");
  await expect.poll(revision).not.toBe(before);
  await a.close();
  // The stale tab, now alone, deletes its only deal: its deals shard is now
  // empty, and must still replace the one the other tab saved.
  await stale.getByRole("link", { name: "Doomed", exact: true }).click();
  await stale.getByRole("button", { name: "Delete deal" }).click();
  await expect(card(stale, "Doomed")).toHaveCount(0);
  const later = await context.newPage();
  await later.goto("./");
  await expect(later.getByRole("region", { name: "Pipeline board" })).toBeVisible();
  await expect(card(later, "Doomed, renamed in A")).toHaveCount(0);
  await expect(card(later, "Doomed")).toHaveCount(0);
});

test("a full storage quota shows a banner, keeps the data in memory and export, and recovers", async ({ page }) => {
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if ((window as any).__quotaFull) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Before the quota", "10");
  await page.evaluate(() => ((window as any).__quotaFull = true));
  await addDeal(page, "Not yet saved", "20");
  const banner = page.getByRole("alert").filter({ hasText: "Your last changes are not saved" });
  await expect(banner).toBeVisible();
  const exported = JSON.parse(await exportText(page));
  expect(exported.workspace.deals.map((d: any) => d.title)).toContain("Not yet saved");
  await page.evaluate(() => ((window as any).__quotaFull = false));
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await addDeal(page, "After space freed up", "30");
  await expect(banner).toHaveCount(0);
  await page.reload();
  for (const title of ["Before the quota", "Not yet saved", "After space freed up"]) await expect(card(page, title)).toBeVisible();
});

test("a change refused by a full storage is saved when the page closes, once there is room", async ({ page }) => {
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if (this === localStorage && sessionStorage.getItem("full") === "yes") throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await startWith(page, "Classic funnel");
  await page.evaluate(() => sessionStorage.setItem("full", "yes"));
  await addDeal(page, "Refused at first", "10");
  await expect(page.getByRole("alert").filter({ hasText: "Your last changes are not saved" })).toBeVisible();
  // Room is freed elsewhere (another tab, the browser's settings); no further change is made here.
  await page.evaluate(() => sessionStorage.removeItem("full"));
  await page.reload();
  await expect(card(page, "Refused at first")).toBeVisible();
});

test("with the storage full, the banner points to the copies kept aside, and deleting one saves the changes", async ({ page }) => {
  const COPY = "pipeline-crm.workspace.before-migration-from-v1";
  await page.addInitScript((copy) => {
    // Full while the kept copy takes its room.
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if ((window as any).__fullWithCopy && this.getItem(copy) !== null && key !== copy) {
        throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      }
      return setItem.call(this, key, value);
    };
  }, COPY);
  await startWith(page, "Classic funnel");
  await page.evaluate((copy) => {
    localStorage.setItem(copy, "x".repeat(20000));
    (window as any).__fullWithCopy = true;
  }, COPY);
  await addDeal(page, "Waiting for room", "10");
  const banner = page.getByRole("alert").filter({ hasText: "Your last changes are not saved" });
  await banner.getByRole("link", { name: "Copies of your data kept aside take 40 KB: delete them on Import / export to make room." }).click();

  const kept = page.getByRole("region", { name: "Copies kept aside" });
  await kept.getByRole("button", { name: "Delete: Your data as it was before the update from format 1" }).click();
  await page.getByRole("dialog", { name: "Delete this copy?" }).getByRole("button", { name: "Delete the copy" }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Waiting for room")).toBeVisible();
});

test("without localStorage the app works in memory and says so", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, "localStorage", { get() { throw new DOMException("Access denied", "SecurityError"); } });
  });
  await startWith(page, "Classic funnel");
  await expect(page.getByRole("alert").filter({ hasText: "your work lives only in this tab" })).toBeVisible();
  await addDeal(page, "In memory", "10");
  await expect(card(page, "In memory")).toBeVisible();
});

test("unreadable stored data is never overwritten: a recovery screen offers it as a download", async ({ page }) => {
  await page.goto("./");
  await page.evaluate((key) => localStorage.setItem(key, '{"format_version": 2, "deals": [broken'), KEY);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Your stored data could not be opened" })).toBeVisible();
  expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toBe('{"format_version": 2, "deals": [broken');
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the stored data" }).click()]);
  expect(readFileSync((await download.path())!, "utf8")).toBe('{"format_version": 2, "deals": [broken');
  await page.getByRole("button", { name: "Start fresh" }).click();
  await page.getByRole("button", { name: "Start with Classic funnel" }).click();
  await addDeal(page, "Fresh start", "10");
  await page.reload();
  await expect(card(page, "Fresh start")).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem("pipeline-crm.workspace.unreadable"))).toBe('{"format_version": 2, "deals": [broken');
});

test("a damaged shard: the download holds every stored value, and starting fresh overwrites none of them", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Kept deal", "10");
  // Read what is stored once the deal is saved, not while the save is pending.
  await page.reload();
  await expect(card(page, "Kept deal")).toBeVisible();
  const stored = await page.evaluate(() =>
    Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("pipeline-crm.")).map((k) => [k, localStorage.getItem(k)!])),
  );
  const shards = Object.keys(stored).filter((k) => /^pipeline-crm\.(deals|tasks|clients|tombstones)\./.test(k));
  expect(shards).toContain("pipeline-crm.deals.1.0");
  await page.evaluate(() => localStorage.setItem("pipeline-crm.tasks.1.0", "bin.1:damaged"));
  stored["pipeline-crm.tasks.1.0"] = "bin.1:damaged";
  await page.reload();
  await expect(page.getByRole("heading", { name: "Your stored data could not be opened" })).toBeVisible();

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download the stored data" }).click()]);
  const saved = JSON.parse(readFileSync((await download.path())!, "utf8"));
  for (const key of [KEY, ...shards]) expect(saved[key]).toBe(stored[key]);

  await page.getByRole("button", { name: "Start fresh" }).click();
  await page.getByRole("button", { name: "Start with Classic funnel" }).click();
  await addDeal(page, "Fresh start", "10");
  await page.reload();
  await expect(card(page, "Fresh start")).toBeVisible();
  await expect(card(page, "Kept deal")).toHaveCount(0);
  const kept = await page.evaluate(() =>
    Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("pipeline-crm.workspace.unreadable")).map((k) => [k, localStorage.getItem(k)])),
  );
  expect(kept["pipeline-crm.workspace.unreadable"]).toBe(stored[KEY]);
  for (const key of shards) expect(kept[`pipeline-crm.workspace.unreadable.${key}`]).toBe(stored[key]);
});

test("copies kept aside are listed with their size, downloaded, and deleted only after a confirmation", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Kept deal", "10");
  await page.getByRole("link", { name: "Import / export" }).click();
  await expect(page.getByRole("heading", { name: "Import and export" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Copies kept aside" })).toHaveCount(0);

  // A damaged shard: the data is set aside by the first save after starting fresh.
  await page.evaluate(() => localStorage.setItem("pipeline-crm.tasks.1.0", "bin.1:damaged"));
  await page.reload();
  await page.getByRole("button", { name: "Start fresh" }).click();
  await page.getByRole("button", { name: "Start with Classic funnel" }).click();
  await addDeal(page, "Fresh start", "10");
  // And a copy an update kept of the data before migrating it.
  await page.evaluate(() => localStorage.setItem("pipeline-crm.workspace.before-migration-from-v1", '{"format_version": 1}'));

  await page.getByRole("link", { name: "Import / export" }).click();
  const kept = page.getByRole("region", { name: "Copies kept aside" });
  await expect(kept.getByRole("listitem")).toHaveCount(2);
  await expect(kept.getByRole("listitem").first()).toContainText(/Data that could not be read\s+\d+ KB/);
  await expect(kept.getByRole("listitem").nth(1)).toContainText("Your data as it was before the update from format 1");

  const [unreadable] = await Promise.all([page.waitForEvent("download"), kept.getByRole("button", { name: "Download: Data that could not be read" }).click()]);
  expect(JSON.parse(readFileSync((await unreadable.path())!, "utf8"))["pipeline-crm.tasks.1.0"]).toBe("bin.1:damaged");
  const [before] = await Promise.all([
    page.waitForEvent("download"),
    kept.getByRole("button", { name: "Download: Your data as it was before the update from format 1" }).click(),
  ]);
  expect(readFileSync((await before.path())!, "utf8")).toBe('{"format_version": 1}');

  // Cancelling changes nothing; confirming deletes that copy and only that copy.
  await kept.getByRole("button", { name: "Delete: Data that could not be read" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete this copy?" });
  await expect(dialog).toContainText("“Data that could not be read” will be removed from this browser for good.");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(kept.getByRole("listitem")).toHaveCount(2);
  await kept.getByRole("button", { name: "Delete: Data that could not be read" }).click();
  await dialog.getByRole("button", { name: "Delete the copy" }).click();
  await expect(page.getByText("The copy was deleted.")).toBeVisible();
  await expect(kept.getByRole("listitem")).toHaveCount(1);
  const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("pipeline-crm.workspace.")));
  expect(left).toEqual(["pipeline-crm.workspace.before-migration-from-v1"]);

  await kept.getByRole("button", { name: "Delete: Your data as it was before the update from format 1" }).click();
  await dialog.getByRole("button", { name: "Delete the copy" }).click();
  await expect(page.getByRole("heading", { name: "Copies kept aside" })).toHaveCount(0);

  // The workspace itself is untouched.
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Fresh start")).toBeVisible();
});

test("data from a newer version opens read-only and is never overwritten", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "From the future", "10");
  const file = JSON.parse(await exportText(page));
  await page.reload(); // nothing left pending
  const stored = await page.evaluate(([key, workspace]) => {
    const data = { ...workspace, format_version: 99, shiny_new_field: { anything: true } };
    const text = JSON.stringify(data);
    localStorage.setItem(key, text);
    return text;
  }, [KEY, file.workspace] as const);
  await page.reload();
  await expect(page.getByRole("alert").filter({ hasText: "saved by a newer version of the app (format 99)" })).toBeVisible();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "From the future")).toBeVisible();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Not allowed");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("The app is read-only: nothing can be changed.");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  // Nor does an import change it.
  const colleague = { ...file, workspace: { ...file.workspace, deals: file.workspace.deals.map((d: any) => ({ ...d, title: "Imported over it" })) } };
  await importFile(page, "colleague.json", JSON.stringify(colleague));
  await page.getByRole("button", { name: "Merge into my data" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The app is read-only: nothing can be changed." })).toBeVisible();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "From the future")).toBeVisible();
  await page.reload();
  expect(await page.evaluate((key) => localStorage.getItem(key), KEY)).toBe(stored);
});

test("stored data is packed to fit the quota, and plain data from earlier builds still opens", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Packed", "10");
  const file = JSON.parse(await exportText(page));
  await page.reload();
  expect(await page.evaluate((key) => localStorage.getItem(key)!.slice(0, 6), KEY)).toBe("lz4.1:");
  await page.evaluate(([key, workspace]) => localStorage.setItem(key, JSON.stringify(workspace)), [KEY, file.workspace] as const);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Packed")).toBeVisible();
});

test("shards an earlier build wrote as JSON open, and the next save rewrites them all in the binary encoding", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Kept from before", "10");
  const { workspace } = JSON.parse(await exportText(page));
  // The sharded layout as earlier builds wrote it: the same keys, JSON values.
  const shards = await storeAsEarlierBuild(page, workspace);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Kept from before")).toBeVisible();

  await addDeal(page, "Added after", "20");
  const prefixes = () =>
    page.evaluate((keys) => keys.map((k) => localStorage.getItem(k)?.slice(0, 6)), shards);
  await expect.poll(prefixes).toEqual(["bin.1:", "bin.1:", "bin.1:", "bin.1:"]);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Kept from before")).toBeVisible();
  await expect(card(page, "Added after")).toBeVisible();
});

test("JSON shards of an earlier build are removed once the layout outgrows them", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Seed", "10");
  const { workspace } = JSON.parse(await exportText(page));
  // 256 deals: one shard; the 257th doubles the deal shards.
  const deals = Array.from({ length: 256 }, (_, i) => ({
    ...workspace.deals[0],
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
    title: `Deal ${i + 1}`,
  }));
  await storeAsEarlierBuild(page, workspace, deals);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await page.getByLabel("Search deals").fill("Deal 256");
  await expect(card(page, "Deal 256")).toBeVisible();
  await page.getByLabel("Search deals").fill("");

  await addDeal(page, "Deal 257", "10");
  const dealKeys = () =>
    page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("pipeline-crm.deals.")).sort());
  await expect.poll(dealKeys).toEqual(["pipeline-crm.deals.2.0", "pipeline-crm.deals.2.1"]);
  await page.reload();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  for (const title of ["Deal 1", "Deal 256", "Deal 257"]) {
    await page.getByLabel("Search deals").fill(title);
    await expect(card(page, title)).toBeVisible();
  }
});

test("an export imported on another browser gives back the same data", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const text = await exportText(page);
  const other = await browser.newContext();
  const fresh = await other.newPage();
  await fresh.goto("./");
  await importFile(fresh, "colleague.json", text, true);
  await expect(fresh.getByRole("status").filter({ hasText: "The file holds" })).toBeVisible();
  await fresh.getByRole("button", { name: "Replace my data…" }).click();
  await expect(fresh.getByRole("region", { name: "Pipeline board" })).toBeVisible();
  const original = JSON.parse(text);
  delete original.exported_at;
  expect(await exportedRecords(fresh)).toEqual(original);
  await context.close();
  await other.close();
});

test("merging a colleague's file shows a preview, then adds their deals to mine", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const theirs = await exportText(page);
  const mine = await browser.newContext();
  const me = await mine.newPage();
  await startWith(me, "Classic funnel");
  await addDeal(me, "My own deal", "10");
  await me.getByRole("link", { name: "Import / export" }).click();
  await importFile(me, "colleague.json", theirs);
  await expect(me.getByRole("status").filter({ hasText: "Merging would add" })).toBeVisible();
  await me.getByRole("button", { name: "Merge into my data" }).click();
  await expect(card(me, "My own deal")).toBeVisible();
  const count = JSON.parse(theirs).workspace.deals.filter((d: any) => d.outcome !== "won" && d.outcome !== "lost").length;
  expect(await me.getByRole("region", { name: "Pipeline board" }).getByRole("article").count()).toBeGreaterThanOrEqual(1);
  expect(count).toBeGreaterThan(0);
  await context.close();
  await mine.close();
});

test("replacing asks first", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const text = await exportText(page);
  await importFile(page, "same.json", text);
  await page.getByRole("button", { name: "Replace my data…" }).click();
  const dialog = page.getByRole("dialog", { name: "Replace all your data?" });
  await expect(dialog).toContainText("will be replaced");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await context.close();
});

test("each kind of bad file is refused with its own message and changes nothing", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const good = JSON.parse(await exportText(page));
  const before = await exportedRecords(page);
  const badDeal = structuredClone(good);
  badDeal.workspace.deals[2].value.minor = -500;
  const unknownKind = structuredClone(good);
  unknownKind.workspace.pipelines[0].stages[0].kind = "mystery";
  const orphanTask = structuredClone(good);
  orphanTask.workspace.tasks[0].deal_id = "00000000-0000-4000-8000-000000000000";
  const cases: [string, string | Buffer, RegExp][] = [
    ["notes.txt", "just some notes", /not valid JSON \(line 1, column 1\)/],
    ["other.json", JSON.stringify({ hello: "world" }), /not an export of this app/],
    ["future.json", JSON.stringify({ ...good, format_version: 99 }), /newer version of the app \(format 99\)/],
    ["bad-deal.json", JSON.stringify(badDeal), new RegExp(`Deal #3 “${badDeal.workspace.deals[2].title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}” \\(.+\\), field “value”: An amount cannot be negative`)],
    ["kind.json", JSON.stringify(unknownKind), /Pipeline #1 .*field “stages\[0\]\.kind”: “mystery” is not one of: open, won, lost, parking, post_sale\./],
    ["orphan.json", JSON.stringify(orphanTask), /Task #1 .*field “deal_id”: refers to a Deal that is not in the file/],
    ["deep.json", "[".repeat(5000) + "]".repeat(5000), /nested too deeply/],
  ];
  for (const [name, content, message] of cases) {
    await importFile(page, name, content);
    const alert = page.getByRole("alert").filter({ hasText: "Nothing was changed." });
    await expect(alert).toContainText(message);
    await expect(page.getByRole("button", { name: "Merge into my data" })).toHaveCount(0);
  }
  expect(await exportedRecords(page)).toEqual(before);
  await context.close();
});

test("markup in an imported name is shown as text, never run", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const file = JSON.parse(await exportText(page));
  const evil = `<img src=x onerror="window.__pwned=1">`;
  file.workspace.clients[0].name = evil;
  file.workspace.deals[0].title = evil;
  await importFile(page, "evil.json", JSON.stringify(file));
  await page.getByRole("button", { name: "Replace my data…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Replace my data" }).click();
  await page.getByRole("link", { name: "Clients" }).click();
  await expect(page.getByRole("link", { name: evil })).toBeVisible();
  await page.getByRole("link", { name: evil }).click();
  await expect(page.getByRole("heading", { name: evil })).toBeVisible();
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(await page.locator("img").count()).toBe(0);
  await context.close();
});

test("CSV exports neutralise cells a spreadsheet would run as formulas", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "=HYPERLINK(\"http://evil.example\",\"Click\")", "10");
  await addDeal(page, "Plain, with a comma", "10");
  const csv = await exportText(page, "Deals (CSV)");
  expect(csv.split("\r\n")[0]).toMatch(/^id,title,client,owner,pipeline,stage,outcome,value,currency/);
  expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""Click"")"`);
  expect(csv).toContain(`"Plain, with a comma"`);
});
