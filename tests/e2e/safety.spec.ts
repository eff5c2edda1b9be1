// Nothing a user enters is lost or hidden: removing stages, edits left on a
// page, a full storage, large files, long texts, merging a colleague's file,
// and the Content-Security-Policy on every screen.
import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { addDeal, card, column, demoPage, downloaded, exportText, importFile, startWith } from "./helpers";

test("removing a stage into Lost closes its open deals for one reason, and they show as lost", async ({ page }) => {
  await startWith(page, "Trainer's process");
  for (const title of ["Acme", "Globex", "Initech"]) await addDeal(page, title, "100", "Contacted");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Remove stage Contacted" }).click();
  const dialog = page.getByRole("dialog", { name: "Remove stage “Contacted”" });
  await dialog.getByLabel("Move its deals to").selectOption({ label: "Lost" });
  await expect(dialog).toContainText("closes its open deals (3) as lost");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Choose why the deal was lost.");
  await dialog.getByLabel("Reason").selectOption({ label: "Bad timing" });
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(dialog).toBeHidden();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(page.getByText(/^Lost: 3/)).toBeVisible();
  await page.getByText(/^Lost: 3/).click();
  await page.getByRole("link", { name: "Globex" }).click();
  await expect(page.getByText("Bad timing", { exact: true })).toBeVisible();
});

test("a stage holding won deals does not offer a Lost stage for them", async ({ page }) => {
  await startWith(page, "Trainer's process");
  await addDeal(page, "Acme", "100");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByRole("button", { name: "Won", exact: true }).click();
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Remove stage Won" }).click();
  const targets = page.getByRole("dialog", { name: "Remove stage “Won”" }).getByLabel("Move its deals to").getByRole("option");
  await expect(targets).toContainText(["Inquiry received"]);
  await expect(targets.filter({ hasText: /^Lost$/ })).toHaveCount(0);
});

test("an edit on a deal page is saved when the user goes elsewhere, by link or by the back button", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "10");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByLabel("Title").fill("Acme Corp");
  await page.getByRole("link", { name: "Clients" }).click();
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  await page.goBack();
  await expect(page.getByRole("heading", { name: "Acme Corp", level: 2 })).toBeVisible();
  // Still typing (the field keeps the focus) when the back button is pressed.
  await page.getByLabel("Next step").fill("Call on Monday");
  await page.goBack();
  await expect(card(page, "Acme Corp")).toBeVisible();
  await page.reload();
  await page.getByRole("link", { name: "Acme Corp" }).click();
  await expect(page.getByLabel("Next step")).toHaveValue("Call on Monday");
});

test("an edit that cannot be saved is asked about before the page or the tab is left", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "10");
  await page.getByRole("link", { name: "Acme" }).click();
  await page.getByLabel("Value", { exact: true }).fill("ten euros");
  let question = "";
  page.once("dialog", async (d) => {
    question = d.message();
    await d.dismiss();
  });
  await page.getByRole("link", { name: "Clients" }).click();
  await expect.poll(() => question).toContain("“Acme”: Value: Enter an amount");
  // Staying keeps the page and what was typed.
  await expect(page.getByRole("heading", { name: "Acme", level: 2 })).toBeVisible();
  await expect(page.getByLabel("Value", { exact: true })).toHaveValue("ten euros");
  // ...and brings the reason into view, with the focus on it.
  await expect(page.getByRole("alert").filter({ hasText: "Enter an amount" })).toBeFocused();
  // Closing the tab asks too.
  const asked = page.waitForEvent("dialog");
  void page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe("beforeunload");
  await dialog.dismiss();
  await expect(page.getByLabel("Value", { exact: true })).toHaveValue("ten euros");
  // Leaving anyway changes nothing stored.
  page.once("dialog", (d) => d.accept());
  await page.getByRole("link", { name: "Clients" }).click();
  await expect(page.getByRole("heading", { name: "Clients" })).toBeVisible();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Acme")).toContainText("10.00");
});

test("a new deal typed and put away with Escape is kept, and asked about before leaving", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Half-typed");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await page.getByRole("button", { name: "New deal" }).click();
  await expect(dialog.getByLabel("Title")).toHaveValue("Half-typed");
  await page.keyboard.press("Escape");
  let question = "";
  page.once("dialog", async (d) => {
    question = d.message();
    await d.dismiss();
  });
  await page.getByRole("link", { name: "Settings" }).click();
  await expect.poll(() => question).toContain("The new deal “Half-typed” is not added yet.");
  await expect(page.getByRole("region", { name: "Pipeline board" })).toBeVisible();
});

test("what is typed in one stage's row stays while another stage moves", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("form", { name: "Stage Closing" }).getByLabel("Name").fill("Signed");
  await page.getByRole("button", { name: "Move Negotiation up" }).click();
  await expect(page.getByRole("form", { name: "Stage Closing" }).getByLabel("Name")).toHaveValue("Signed");
});

test("a stage renamed in settings is saved when the user goes to another screen", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await page.getByRole("link", { name: "Settings" }).click();
  await page.getByRole("form", { name: "Stage Closing" }).getByLabel("Name").fill("Signed");
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(column(page, "Signed")).toBeVisible();
});

test("with the storage full, the banner offers an export of everything and closing the tab asks first", async ({ page }) => {
  await page.addInitScript(() => {
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (key: string, value: string) {
      if ((window as any).__quotaFull) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
      return setItem.call(this, key, value);
    };
  });
  await startWith(page, "Classic funnel");
  await page.evaluate(() => ((window as any).__quotaFull = true));
  await addDeal(page, "Not saved yet", "20");
  const banner = page.getByRole("alert").filter({ hasText: "Your last changes are not saved" });
  const exported = JSON.parse(await downloaded(page, banner.getByRole("button", { name: "Export now" })));
  expect(exported.workspace.deals.map((d: any) => d.title)).toEqual(["Not saved yet"]);
  const asked = page.waitForEvent("dialog");
  void page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe("beforeunload");
  await dialog.dismiss();
  await expect(card(page, "Not saved yet")).toBeVisible();
});

test("an export larger than ten megabytes imports back", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const file = JSON.parse(await exportText(page));
  const template = file.workspace.deals[0];
  const copies = Array.from({ length: 13_500 }, (_, i) => ({ ...template, id: randomUUID(), title: `Copy ${i}` }));
  file.workspace.deals.push(...copies);
  const text = JSON.stringify(file, null, 2);
  expect(text.length).toBeGreaterThan(14 * 1024 * 1024);
  await importFile(page, "large.json", text);
  await expect(page.getByRole("status").filter({ hasText: "The file holds" })).toContainText(`holds ${file.workspace.deals.length} deals`);
  await page.getByRole("button", { name: "Replace my data…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Replace my data" }).click();
  await expect(page.getByRole("region", { name: "Pipeline board" })).toBeVisible();
  const back = JSON.parse(await exportText(page));
  expect(back.workspace.deals.length).toBe(file.workspace.deals.length);
  await context.close();
});

test("too long a text is refused in the form and in an imported file, and long titles are clamped on cards", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("x".repeat(3000));
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog.getByRole("alert")).toHaveText("Title is too long: at most 200 characters.");
  await dialog.getByLabel("Title").fill("Long ".repeat(40).trim());
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(dialog).toBeHidden();
  const long = card(page, "Long ".repeat(40).trim());
  const box = (await long.boundingBox())!;
  const short = (await page.getByRole("article").first().boundingBox())!;
  expect(box.height).toBeLessThan(short.height + 60);

  const file = JSON.parse(await exportText(page));
  file.workspace.deals[0].title = "y".repeat(1024 * 1024);
  await importFile(page, "long.json", JSON.stringify(file));
  const alert = page.getByRole("alert").filter({ hasText: "Nothing was changed." });
  await expect(alert).toContainText("field “title”: is too long: at most 200 characters.");
  await expect(page.getByRole("button", { name: "Merge into my data" })).toHaveCount(0);
  await context.close();
});

test("merging a colleague who started from the same preset keeps one pipeline", async ({ browser }) => {
  const colleague = await browser.newContext();
  const theirs = await colleague.newPage();
  await startWith(theirs, "Classic funnel");
  await addDeal(theirs, "Their deal", "300", "Negotiation");
  const file = await exportText(theirs);
  await colleague.close();

  const context = await browser.newContext();
  const page = await context.newPage();
  await startWith(page, "Classic funnel");
  await addDeal(page, "My deal", "100");
  await importFile(page, "colleague.json", file);
  await expect(page.getByRole("status").filter({ hasText: "The file holds" })).toContainText(
    "Their pipeline “Classic funnel” has the same stages as yours",
  );
  await expect(page.getByLabel("Keep their pipelines as separate pipelines")).not.toBeChecked();
  await page.getByRole("button", { name: "Merge into my data" }).click();
  await expect(page.getByRole("region", { name: "Pipeline board" })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Pipeline", exact: true }).locator("option")).toHaveCount(1);
  await expect(column(page, "Negotiation").getByRole("article", { name: "Their deal" })).toBeVisible();
  await expect(column(page, "New lead").getByRole("article", { name: "My deal" })).toBeVisible();
  await context.close();
});

test("every screen runs under the Content-Security-Policy without a violation", async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      (window as any).__violations = [...((window as any).__violations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  await page.goto("./");
  const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval' 'sha256-");
  expect(policy).not.toContain("unsafe-inline");
  expect(policy).toContain("object-src 'none'");
  expect(policy).toContain("base-uri 'none'");
  await page.getByRole("button", { name: "Load a demo pipeline" }).click();
  await expect(page.getByRole("article").first()).toBeVisible();
  await page.getByRole("button", { name: "New deal" }).click();
  await page.keyboard.press("Escape");
  await page.getByRole("article").first().getByRole("link").first().click();
  await expect(page.getByRole("region", { name: "Tasks" })).toBeVisible();
  for (const screen of ["Clients", "Agenda", "Dashboard", "Settings", "Import / export"]) {
    await page.getByRole("link", { name: screen }).first().click();
    await expect(page.locator("main")).not.toBeEmpty();
  }
  await page.getByRole("link", { name: "Clients" }).first().click();
  await page.getByRole("row").nth(1).getByRole("link").first().click();
  await expect(page.getByRole("region", { name: "Contact" })).toBeVisible();
  await page.getByRole("link", { name: "Dashboard" }).click();
  await expect(page.getByRole("heading", { level: 2 }).first()).toBeVisible();
  expect(await page.evaluate(() => (window as any).__violations ?? [])).toEqual([]);
  expect(violations).toEqual([]);
  await context.close();
});
