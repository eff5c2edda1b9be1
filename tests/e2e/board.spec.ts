import { expect, test } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { readFileSync } from "node:fs";
import { addDeal, boardSettled, card, column, scrollUntilDrawn, startWith, text } from "./helpers";

test("the first run offers the three presets and a demo, and the choice sets the columns", async ({ page }) => {
  await page.goto("./");
  await expect(page.getByRole("button", { name: "Start with Classic funnel" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Start with Trainer's process" })).toBeVisible();
  await page.getByRole("button", { name: "Start with SPANCO" }).click();
  for (const stage of ["Suspect", "Prospect", "Approach", "Negotiation", "Conclusion"]) {
    await expect(column(page, stage)).toBeVisible();
  }
  // Order is the Won stage: reachable below the board, not a column.
  await expect(column(page, "Order")).toHaveCount(0);
  await expect(page.getByText(/^Won: 0/)).toBeVisible();
});

test("the demo pipeline fills the board in one click", async ({ page }) => {
  await page.goto("./");
  await page.getByRole("button", { name: "Load a demo pipeline" }).click();
  await expect(page.getByRole("region", { name: "Pipeline board" }).getByRole("article").first()).toBeVisible();
  expect(await page.getByRole("article").count()).toBeGreaterThan(5);
});

test("added deals land in the first column with its totals; a reload keeps them", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await expect(page.getByText("No deals yet")).toBeVisible();
  await addDeal(page, "Website redesign for Acme", "12 500,50");
  await addDeal(page, "Support contract", "1000");
  const first = column(page, "New lead");
  await expect(first.getByRole("article")).toHaveCount(2);
  await expect(first).toContainText(text("Deals: 2 · Total: 13 500.50 EUR · Weighted: 1 350.05 EUR"));
  await page.reload();
  await expect(column(page, "New lead").getByRole("article")).toHaveCount(2);
  await expect(card(page, "Website redesign for Acme")).toContainText(text("12 500.50 EUR"));
});

test("bad values are refused inline and nothing is saved", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel(/^Value/).fill("100");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("The title cannot be empty.");
  await dialog.getByLabel("Title").fill("Negative");
  await dialog.getByLabel(/^Value/).fill("-5");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Value: An amount cannot be negative.");
  await dialog.getByLabel(/^Value/).fill("12,345");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog.getByRole("alert")).toContainText("at most two decimals");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("article")).toHaveCount(0);

  // On the deal page too: a value that does not read is not saved.
  await addDeal(page, "Acme", "10");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByLabel("Value", { exact: true }).fill("abc");
  await page.getByRole("button", { name: "Save deal" }).click();
  await expect(page.getByRole("alert")).toContainText("Value:");
  // Reloading asks first; leaving anyway keeps the stored deal as it was.
  page.once("dialog", (d) => d.accept());
  await page.reload();
  await expect(page.getByRole("heading", { name: "Acme", level: 2 })).toBeVisible();
  await expect(page.getByLabel("Value", { exact: true })).toHaveValue("10.00");
});

test("dragging a card moves it, updates both columns' totals and records the stage history", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await addDeal(page, "Globex", "500");
  await card(page, "Acme").dragTo(column(page, "Needs analysis"));
  await expect(column(page, "Needs analysis").getByRole("article", { name: "Acme" })).toBeVisible();
  await expect(column(page, "New lead")).toContainText(text("Deals: 1 · Total: 500.00 EUR"));
  await expect(column(page, "Needs analysis")).toContainText(text("Deals: 1 · Total: 1 000.00 EUR · Weighted: 400.00 EUR"));
  await page.getByRole("link", { name: "Acme" }).click();
  const timeline = page.getByRole("region", { name: "Timeline" });
  await expect(timeline.getByRole("listitem").first()).toContainText("Moved to Needs analysis");
  await expect(timeline).toContainText("Deal created");
});

test("a card moves by keyboard and from its menu", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(column(page, "Contact made").getByRole("article", { name: "Acme" })).toBeVisible();
  // Focus follows the card, so it can keep moving.
  await expect(page.getByRole("link", { name: "Acme" })).toBeFocused();
  // The focus is on the moved card by the frame that shows it: a screen
  // reader never sees it resting on the page in between.
  await page.evaluate(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Shift") return;
      document.removeEventListener("keydown", onKey, true);
      requestAnimationFrame(() => ((window as any).focusedAtFrame = document.activeElement?.textContent));
    };
    document.addEventListener("keydown", onKey, true);
  });
  await page.keyboard.press("Shift+ArrowRight");
  await expect(column(page, "Needs analysis").getByRole("article", { name: "Acme" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Acme" })).toBeFocused();
  expect(await page.evaluate(() => (window as any).focusedAtFrame)).toBe("Acme");
  await page.keyboard.press("Shift+ArrowLeft");
  await expect(column(page, "Contact made").getByRole("article", { name: "Acme" })).toBeVisible();

  await page.getByRole("button", { name: "Actions for Acme" }).click();
  await page.getByRole("menuitem", { name: "Move to Negotiation" }).click();
  await expect(column(page, "Negotiation").getByRole("article", { name: "Acme" })).toBeVisible();
});

test("a card's actions open in full even when it is the only deal on the board", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme");
  await page.getByRole("button", { name: "Actions for Acme" }).click();
  const items = page.getByRole("menuitem");
  expect(await items.count()).toBeGreaterThan(5);
  // Nothing hides behind a scrollbar inside the board.
  const board = page.getByRole("region", { name: "Pipeline board" });
  expect(await board.evaluate((b) => b.scrollHeight - b.clientHeight)).toBeLessThanOrEqual(1);
  await expect(items.last()).toBeInViewport();
  await expect(items.first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(items).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Acme" })).toBeFocused();
});

test("closing as lost needs a reason; with one it is accepted", async ({ page }) => {
  await startWith(page, "Trainer's process");
  await addDeal(page, "Acme", "1000");
  await card(page, "Acme").dragTo(page.getByText(/^Lost: 0/));
  const dialog = page.getByRole("dialog", { name: "Close “Acme” as lost" });
  await dialog.getByRole("button", { name: "Close as lost" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Choose why the deal was lost.");
  await dialog.getByLabel("Reason").selectOption({ label: "Other" });
  await dialog.getByRole("button", { name: "Close as lost" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Describe the reason when you choose “Other”.");
  await dialog.getByLabel("Reason").selectOption({ label: "Chose a competitor" });
  await dialog.getByRole("button", { name: "Close as lost" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("region", { name: "Pipeline board" }).getByRole("article")).toHaveCount(0);
  await expect(page.getByText(text("Lost: 1 · 1 000.00 EUR"))).toBeVisible();

  await page.getByText(/^Lost: 1/).click();
  await page.getByRole("link", { name: "Acme" }).click();
  await expect(page.getByText("Chose a competitor", { exact: true })).toBeVisible();
});

test("a win in a pipeline with post-sale care offers the post-sale plan", async ({ page }) => {
  await startWith(page, "Trainer's process");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("button", { name: "Won", exact: true }).click();
  const plan = page.getByRole("region", { name: "Suggested next steps" });
  await expect(plan).toContainText("Plan the post-sale contact");
  await plan.getByRole("button", { name: /^Accept: Plan the post-sale contact/ }).click();
  await expect(page.getByLabel("Stage")).toHaveValue(await page.getByRole("option", { name: "Post-sale care" }).getAttribute("value") ?? "");
  await expect(page.getByRole("region", { name: "Tasks" })).toContainText("Post-sale contact");
});

test("the third follow-up without a decision suggests Let them buy", async ({ page }) => {
  await startWith(page, "Trainer's process");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  const tasks = page.getByRole("region", { name: "Tasks" });
  for (let n = 0; n < 3; n++) {
    await tasks.getByLabel("Kind").selectOption({ label: "Follow-up" });
    await tasks.getByLabel("Note").fill(`Follow-up ${n + 1}`);
    await tasks.getByRole("button", { name: "Add task" }).click();
    await tasks.getByRole("button", { name: new RegExp(`^Mark done: Follow-up Follow-up ${n + 1}`) }).click();
    await tasks.getByRole("button", { name: "Mark done", exact: true }).click();
  }
  const suggestions = page.getByRole("region", { name: "Suggested next steps" });
  await expect(suggestions).toContainText("3 follow-ups without a decision: move the deal to “Let them buy”.");
  await suggestions.getByRole("button", { name: /^Accept: 3 follow-ups/ }).click();
  await page.getByRole("link", { name: "← Back to the board" }).click();
  await expect(column(page, "Let them buy").getByRole("article", { name: "Acme" })).toBeVisible();
});

test("a deleted deal comes back with Undo", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("region", { name: "Tasks" }).getByLabel("Note").fill("Call the CEO");
  await page.getByRole("region", { name: "Tasks" }).getByRole("button", { name: "Add task" }).click();
  await page.getByRole("button", { name: "Delete deal" }).click();
  await expect(page.getByRole("article", { name: "Acme" })).toHaveCount(0);
  await page.getByRole("button", { name: "Undo" }).click();
  await expect(card(page, "Acme")).toBeVisible();
  await page.getByRole("link", { name: "Acme" }).click();
  await expect(page.getByRole("region", { name: "Tasks" })).toContainText("Call the CEO");
});

test("the undo offer goes away after a few seconds", async ({ page }) => {
  await page.clock.install();
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("button", { name: "Delete deal" }).click();
  await expect(page.getByRole("button", { name: "Undo" })).toBeVisible();
  await page.clock.runFor(9_000);
  await expect(page.getByRole("button", { name: "Undo" })).toHaveCount(0);
});

test("removing a stage that holds deals asks where they go and moves them there", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await addDeal(page, "Globex", "2000");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Remove stage New lead" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove stage “New lead”" });
  await expect(dialog).toContainText("Deals in this stage: 2");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(dialog.getByRole("alert")).toContainText("choose where they go");
  await dialog.getByLabel("Move its deals to").selectOption({ label: "Contact made" });
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(column(page, "New lead")).toHaveCount(0);
  await expect(column(page, "Contact made").getByRole("article")).toHaveCount(2);
});

test("stages are renamed, reordered and added, and rejected values are explained", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("link", { name: "Settings" }).click();
  const row = page.getByRole("form", { name: "Stage Closing" });
  await row.getByLabel("Name").fill("Signed");
  await row.getByLabel("Win probability (%)").fill("150");
  await row.getByRole("button", { name: "Save stage Closing" }).click();
  await expect(row.getByRole("alert")).toHaveText("The probability must be a whole number from 0 to 100.");
  await row.getByLabel("Win probability (%)").fill("95");
  await row.getByRole("button", { name: "Save stage Closing" }).click();
  await page.getByRole("button", { name: "Move Signed up" }).click();
  const add = page.getByRole("form", { name: "Add stage" });
  await add.getByLabel("Name").fill("Demo");
  await add.getByRole("button", { name: "Add stage" }).click();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  const headings = page.getByRole("region", { name: "Pipeline board" }).getByRole("heading", { level: 2 });
  await expect(headings).toHaveText(["New lead", "Contact made", "Needs analysis", "Quote / offer sent", "Signed", "Negotiation", "Demo"]);
});

test("the language switches to Polish and stays after a reload", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByLabel("Language").selectOption("pl");
  await expect(page.getByRole("button", { name: "Nowa szansa" })).toBeVisible();
  await expect(page.getByRole("region", { name: "Tablica lejka" })).toBeVisible();
  await expect(page.getByRole("region", { name: "New lead", exact: true })).toContainText(text("Szanse: 1 · Suma: 1 000,00 EUR"));
  await page.reload();
  await expect(page.getByRole("button", { name: "Nowa szansa" })).toBeVisible();
  await expect(page.locator("html")).toHaveAttribute("lang", "pl");
});

test("a Polish browser gets Polish stage names on the first run", async ({ browser }) => {
  const context = await browser.newContext({ locale: "pl-PL" });
  const page = await context.newPage();
  await page.goto("./");
  await page.getByRole("button", { name: "Zacznij od: Klasyczny lejek" }).click();
  await expect(page.getByRole("heading", { name: "Lead pozyskany / Nowy" })).toBeVisible();
  await context.close();
});

test("filters by salesperson and searches by text", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByLabel("New salesperson").fill("Bob");
  await page.getByRole("button", { name: "Add salesperson" }).click();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await addDeal(page, "Acme", "1000");
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Globex");
  await dialog.getByLabel("Owner").selectOption({ label: "Bob" });
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await page.getByLabel("Salesperson").selectOption({ label: "Bob" });
  await expect(page.getByRole("article")).toHaveText([/Globex/]);
  await page.getByLabel("Salesperson").selectOption({ label: "Everyone" });
  await page.getByLabel("Search deals").fill("acm");
  await expect(page.getByRole("article")).toHaveText([/Acme/]);
});

test("the board has no serious accessibility problems and works at 360 px", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto("./");
  await page.getByRole("button", { name: "Load a demo pipeline" }).click();
  await expect(page.getByRole("article").first()).toBeVisible();
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`)).toEqual([]);
  // Nothing but the board scrolls sideways.
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});

test("the built site works from a sub-path of a static host", async ({ page }) => {
  await startWith(page, "Classic funnel", "/nested/crm/");
  await addDeal(page, "Served from a sub-folder", "10");
  await expect(card(page, "Served from a sub-folder")).toBeVisible();
  await page.reload();
  await expect(card(page, "Served from a sub-folder")).toBeVisible();
});

test("a long column shows 50 cards and the rest on request; search reaches them all", async ({ page }) => {
  const workspace = JSON.parse(readFileSync("tests/e2e/fixtures/dashboard.json", "utf8")).workspace;
  const template = workspace.deals.find((d: { outcome: string; stage_id: string }) => d.outcome === "open" && d.stage_id.endsWith("2"));
  for (let i = 1; i <= 60; i++) {
    workspace.deals.push({ ...template, id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: `Bulk lead ${i}` });
  }
  const suspects = workspace.deals.filter((d: { outcome: string; stage_id: string }) => d.outcome === "open" && d.stage_id === template.stage_id).length;
  await page.addInitScript((ws) => {
    if (!localStorage.getItem("pipeline-crm.workspace")) localStorage.setItem("pipeline-crm.workspace", JSON.stringify(ws));
  }, workspace);
  await page.goto("./");

  const suspect = column(page, "Suspect");
  await expect(suspect).toContainText(`Deals: ${suspects} `);
  // The page's cards below the window are drawn as the board is scrolled
  // toward them.
  const cards = suspect.getByRole("article");
  await boardSettled(page);
  expect(await cards.count()).toBeLessThan(50);
  await scrollUntilDrawn(page, cards, 50);
  await suspect.getByRole("button", { name: `Show ${Math.min(50, suspects - 50)} more (${suspects - 50} not shown yet)` }).click();
  await scrollUntilDrawn(page, cards, suspects);
  await expect(suspect.getByRole("button", { name: /^Show \d+ more/ })).toHaveCount(0);

  // A reload starts from the first page again; the search looks past it.
  await page.reload();
  await scrollUntilDrawn(page, cards, 50);
  await page.getByLabel("Search deals").fill("bulk lead 6");
  await expect(suspect.getByRole("article")).toHaveCount(2); // 6 and 60
  await expect(card(page, "Bulk lead 60")).toBeVisible();
});

test("a card moved by keyboard far down a column is drawn there and keeps the focus", async ({ page }) => {
  const workspace = JSON.parse(readFileSync("tests/e2e/fixtures/dashboard.json", "utf8")).workspace;
  const template = workspace.deals.find((d: { outcome: string; stage_id: string }) => d.outcome === "open" && d.stage_id.endsWith("2"));
  // Older than every other deal: they come first in the column.
  for (let i = 25; i >= 1; i--) {
    workspace.deals.unshift({ ...template, id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: `Old lead ${i}`, created_at: "2025-01-01T09:00:00Z" });
  }
  await page.addInitScript((ws) => {
    if (!localStorage.getItem("pipeline-crm.workspace")) localStorage.setItem("pipeline-crm.workspace", JSON.stringify(ws));
  }, workspace);
  await page.goto("./");
  const suspect = column(page, "Suspect");
  await expect(suspect).toContainText("Deals: 46 ");
  await boardSettled(page);
  expect(await suspect.getByRole("article").count()).toBeLessThan(26);

  // The first deal of the next column goes below the old leads.
  const first = column(page, "Prospect").getByRole("article").first();
  const title = (await first.getAttribute("aria-label")) ?? "";
  await first.getByRole("link", { name: title, exact: true }).focus();
  await page.keyboard.press("Shift+ArrowLeft");
  const moved = suspect.getByRole("article", { name: title, exact: true });
  await expect(moved.getByRole("link", { name: title, exact: true })).toBeFocused();
  const above = await moved.evaluate((el) => [...el.closest("ul")!.children].indexOf(el.closest("li")!));
  expect(above).toBeGreaterThanOrEqual(25);
});

test("scrolled back up, the board lets go of the cards far below but not of the one with the focus", async ({ page }) => {
  const workspace = JSON.parse(readFileSync("tests/e2e/fixtures/dashboard.json", "utf8")).workspace;
  const template = workspace.deals.find((d: { outcome: string; stage_id: string }) => d.outcome === "open" && d.stage_id.endsWith("2"));
  for (let i = 1; i <= 60; i++) {
    workspace.deals.push({ ...template, id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: `Bulk lead ${i}` });
  }
  await page.addInitScript((ws) => {
    if (!localStorage.getItem("pipeline-crm.workspace")) localStorage.setItem("pipeline-crm.workspace", JSON.stringify(ws));
  }, workspace);
  await page.goto("./");
  const cards = column(page, "Suspect").getByRole("article");
  await scrollUntilDrawn(page, cards, 50);
  const focused = cards.nth(19);
  const title = (await focused.getAttribute("aria-label")) ?? "";
  const link = focused.getByRole("link", { name: title, exact: true });
  await link.focus();

  await page.mouse.wheel(0, -100_000);
  await expect(async () => {
    expect(await cards.count()).toBeLessThan(50);
  }).toPass();
  await expect(link).toBeFocused();
});

test("a search draws the cards in view first and the rest of each page as the board is scrolled", async ({ page }) => {
  const workspace = JSON.parse(readFileSync("tests/e2e/fixtures/dashboard.json", "utf8")).workspace;
  const template = workspace.deals.find((d: { outcome: string; stage_id: string }) => d.outcome === "open" && d.stage_id.endsWith("2"));
  for (let i = 1; i <= 60; i++) {
    workspace.deals.push({ ...template, id: `10000000-0000-4000-8000-${String(i).padStart(12, "0")}`, title: `Bulk lead ${i}` });
  }
  await page.addInitScript((ws) => {
    if (!localStorage.getItem("pipeline-crm.workspace")) localStorage.setItem("pipeline-crm.workspace", JSON.stringify(ws));
  }, workspace);
  await page.goto("./");
  const suspect = column(page, "Suspect");
  const cards = suspect.getByRole("article");
  await scrollUntilDrawn(page, cards, 50);

  // Typed key by key: each keystroke starts the drawing again, and the last
  // one still ends with the whole first page of matches once scrolled to.
  const search = page.getByLabel("Search deals");
  await search.pressSequentially("bulk lead");
  await expect(suspect).toContainText("Deals: 60 ");
  await scrollUntilDrawn(page, cards, 50);
  await expect(suspect.getByRole("button", { name: "Show 10 more (10 not shown yet)" })).toBeVisible();
  await expect(card(page, "Bulk lead 50")).toBeVisible();

  // The salesperson filter draws the same way.
  const owner = page.getByLabel("Salesperson");
  const someone = (await owner.locator("option").nth(1).textContent()) ?? "";
  await owner.selectOption({ label: someone });
  await owner.selectOption({ label: "Everyone" });
  await scrollUntilDrawn(page, cards, 50);

  await search.fill("");
  await scrollUntilDrawn(page, cards, 50);
});
