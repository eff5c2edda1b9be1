import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";

/** Opens the app on a fresh browser profile and picks a stage preset. */
export async function startWith(page: Page, preset: "Classic funnel" | "Trainer's process" | "SPANCO", path = "./") {
  await page.goto(path);
  await page.getByRole("button", { name: `Start with ${preset}` }).click();
  await expect(page.getByRole("region", { name: "Pipeline board" })).toBeVisible();
}

/** Adds a deal through the "New deal" dialog. */
export async function addDeal(page: Page, title: string, value = "", stage?: string) {
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill(title);
  if (value) await dialog.getByLabel(/^Value/).fill(value);
  if (stage) await dialog.getByLabel("Stage").selectOption({ label: stage });
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
}

/** The column of a stage on the board. */
export function column(page: Page, stage: string): Locator {
  return page.getByRole("region", { name: "Pipeline board" }).getByRole("region", { name: stage, exact: true });
}

/** Scrolls down with the mouse wheel, as a user would, until `cards` holds
 * `count` cards: a column draws the cards of its page as the board is
 * scrolled toward them. */
export async function scrollUntilDrawn(page: Page, cards: Locator, count: number) {
  await expect(async () => {
    await page.mouse.wheel(0, 2000);
    await expect(cards).toHaveCount(count, { timeout: 1000 });
  }).toPass();
}

/** Waits until the board has drawn all it draws without scrolling: it
 * draws one more column each frame after the first, so after a frame per
 * column and closed zone (and a few more) nothing else comes. */
export async function boardSettled(page: Page) {
  await page.evaluate(async () => {
    const columns = document.querySelectorAll("section").length + 4;
    for (let i = 0; i < columns; i++) {
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
  });
}

/** A deal's card, wherever it is on the board. */
export function card(page: Page, title: string): Locator {
  return page.getByRole("article", { name: title, exact: true });
}

/** Whitespace-tolerant text (amounts are grouped with narrow no-break spaces). */
export function text(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s"));
}

/** A fresh browser profile with the demo pipeline loaded. */
export async function demoPage(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("./");
  await page.getByRole("button", { name: "Load a demo pipeline" }).click();
  await expect(page.getByRole("article").first()).toBeVisible();
  return { context, page };
}

/** Clicks `button` and returns the downloaded file's text. */
export async function downloaded(page: Page, button: Locator): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return readFileSync((await file.path())!, "utf8");
}

/** Clicks an export button on Import / export and returns the file's text. */
export async function exportText(page: Page, button = "Export everything (JSON)"): Promise<string> {
  await page.getByRole("link", { name: "Import / export" }).click();
  return downloaded(page, page.getByRole("button", { name: button }));
}

/** Chooses a file to import on Import / export (reached from the header,
 * unless `here`: the welcome screen offers the import itself). */
export async function importFile(page: Page, name: string, text: string | Buffer, here = false) {
  if (!here) await page.getByRole("link", { name: "Import / export" }).click();
  await page.getByLabel("Choose a file to import").setInputFiles({ name, mimeType: "application/json", buffer: Buffer.isBuffer(text) ? text : Buffer.from(text) });
}
