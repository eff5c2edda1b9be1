import { expect, type Locator, type Page } from "@playwright/test";

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

/** A deal's card, wherever it is on the board. */
export function card(page: Page, title: string): Locator {
  return page.getByRole("article", { name: title, exact: true });
}

/** Whitespace-tolerant text (amounts are grouped with narrow no-break spaces). */
export function text(s: string): RegExp {
  return new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ /g, "\\s"));
}
