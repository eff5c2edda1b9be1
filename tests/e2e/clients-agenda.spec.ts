import { expect, test, type Page } from "@playwright/test";
import { addDeal, card, column, demoPage, exportText, importFile, startWith } from "./helpers";

test.use({ timezoneId: "UTC" });

async function newClient(page: Page, name: string) {
  await page.getByRole("link", { name: "Clients", exact: true }).click();
  await page.getByRole("button", { name: "New client" }).click();
  const dialog = page.getByRole("dialog", { name: "New client" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
}

async function addTask(page: Page, kind: string, due: string, note: string) {
  const tasks = page.getByRole("region", { name: "Tasks" });
  await tasks.getByLabel("Kind").selectOption({ label: kind });
  await tasks.getByLabel("Due").fill(due);
  await tasks.getByLabel("Note").fill(note);
  await tasks.getByRole("button", { name: "Add task" }).click();
}

test("rating a client shows its score and rank, and the rank changes with the ratings", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await newClient(page, "Acme");
  await expect(page.getByText("Rate the client to see their score and rank.")).toBeVisible();
  for (const factor of ["Potential", "Behaviour", "Interest"]) {
    await page.getByRole("combobox", { name: factor }).selectOption("4");
  }
  const score = page.getByRole("region", { name: "Score" }).getByRole("status");
  await expect(score).toContainText("Score 75 · Rank A");
  await page.getByRole("combobox", { name: "Behaviour" }).selectOption("1");
  await expect(score).toContainText("Score 52 · Rank B");
  await expect(score).toContainText("Keen but unreliable");
  await page.reload();
  await expect(page.getByRole("region", { name: "Score" }).getByRole("status")).toContainText("Rank B");
  await page.getByRole("link", { name: "← Back to clients" }).click();
  await expect(page.getByRole("row", { name: /Acme/ })).toContainText("52");
});

test("a deal is created from its client", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await newClient(page, "Acme");
  await page.getByRole("button", { name: "New deal for this client" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await expect(dialog.getByLabel("Client")).toHaveValue("Acme");
  await dialog.getByLabel("Title").fill("Acme CRM rollout");
  await dialog.getByLabel(/^Value/).fill("2500");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(page.getByRole("region", { name: "Deals" }).getByRole("link", { name: "Acme CRM rollout" })).toBeVisible();
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Acme CRM rollout")).toContainText("Acme");
});

test("a deal's client is picked by typing part of its name, and text that names no client changes nothing", async ({ page }) => {
  await startWith(page, "Classic funnel");
  for (const name of ["Acme", "Acme Hotels", "Borealis"]) await newClient(page, name);
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await addDeal(page, "Rollout", "1000");
  await page.getByRole("link", { name: "Rollout" }).click();
  const field = page.getByRole("combobox", { name: "Client" });
  await expect(field).toHaveValue("");

  await field.fill("hot");
  const list = page.getByRole("listbox", { name: "Matching clients" });
  await expect(list.getByRole("option")).toHaveText(["Acme Hotels"]);
  await field.press("Enter");
  await expect(field).toHaveValue("Acme Hotels");
  await expect(list).toBeHidden();
  await expect(page.getByText("Saved.")).toBeVisible();

  await field.fill("Nobody");
  await expect(page.getByText("No client named “Nobody”")).toBeVisible();
  await field.press("Tab");
  await expect(page.getByRole("status").filter({ hasText: "No client is named “Nobody”: the deal keeps Acme Hotels." })).toBeVisible();
  await expect(field).toHaveValue("Acme Hotels");
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Client" })).toHaveValue("Acme Hotels");

  // The exact name typed, then leaving the field, picks that client.
  await page.getByRole("combobox", { name: "Client" }).fill("borealis");
  await page.getByLabel("Title").click();
  await expect(page.getByRole("combobox", { name: "Client" })).toHaveValue("Borealis");
  await page.reload();
  await expect(page.getByRole("combobox", { name: "Client" })).toHaveValue("Borealis");
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(card(page, "Rollout")).toContainText("Borealis");
});

test("in the new-deal dialog, the client list opens with the arrow key and Escape closes only the list", async ({ page }) => {
  await startWith(page, "Classic funnel");
  for (const name of ["Acme", "Borealis"]) await newClient(page, name);
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await page.getByRole("button", { name: "New deal" }).click();
  const dialog = page.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Pilot");
  const field = dialog.getByRole("combobox", { name: "Client" });
  await field.press("ArrowDown");
  await expect(dialog.getByRole("listbox").getByRole("option")).toHaveText(["No client", "Acme", "Borealis"]);
  await field.press("Escape");
  await expect(dialog.getByRole("listbox")).toBeHidden();
  await expect(dialog).toBeVisible();
  await field.press("ArrowDown");
  await field.press("ArrowDown");
  await field.press("ArrowDown");
  await field.press("Enter");
  await expect(field).toHaveValue("Borealis");
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(card(page, "Pilot")).toContainText("Borealis");
});

test("a meeting booked ahead brings the day-before reminder, which becomes a task", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-02T09:00:00Z") });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "Meeting", "2026-03-05T10:00", "Demo at their office");
  const suggestions = page.getByRole("region", { name: "Suggested next steps" });
  await expect(suggestions).toContainText("Remind the client of the meeting the day before: 2026-03-04 10:00.");
  await suggestions.getByRole("button", { name: /^Accept: Remind the client/ }).click();
  await expect(suggestions).toHaveCount(0);
  const reminder = page.getByRole("region", { name: "Tasks" }).getByRole("listitem").filter({ hasText: "Remind about tomorrow's meeting" });
  await expect(reminder).toContainText("Call");
  await expect(reminder).toContainText("2026-03-04 10:00");
});

test("a sent offer brings the 48-hour follow-up, accepted in one click", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-31T20:00:00Z") });
  await startWith(page, "Trainer's process");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "Offer", "2026-03-31T21:00", "Send the quote");
  await page.getByRole("button", { name: /^Mark done: Offer Send the quote/ }).click();
  await page.getByRole("button", { name: "Mark done", exact: true }).click();
  const suggestions = page.getByRole("region", { name: "Suggested next steps" });
  await expect(suggestions).toContainText("Follow up on the offer by 2026-04-02 20:00 (within 48 hours of sending it).");
  await suggestions.getByRole("button", { name: /^Accept: Follow up on the offer/ }).click();
  const followUp = page.getByRole("region", { name: "Tasks" }).getByRole("listitem").filter({ hasText: "Follow up on the offer" });
  await expect(followUp).toContainText("Follow-up");
  await expect(followUp).toContainText("2026-04-02 20:00");
});

test("a call that promised an offer brings the 24-hour offer deadline, also in the agenda", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-02T09:00:00Z") });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "Call", "2026-03-02T10:00", "First call");
  await page.getByRole("button", { name: /^Mark done: Call First call/ }).click();
  await page.getByLabel("I promised to send an offer").check();
  await page.getByRole("button", { name: "Mark done", exact: true }).click();
  await page.getByRole("link", { name: /^Agenda/ }).click();
  const suggestions = page.getByRole("region", { name: "Suggested next steps" });
  await expect(suggestions).toContainText("Acme: Send the promised offer by 2026-03-03 09:00");
  // What is due reads first; suggestions come before the upcoming tasks.
  const headings = await page.getByRole("heading", { level: 3 }).allInnerTexts();
  expect(headings.map((h) => h.replace(/ \(\d+\)$/, ""))).toEqual(["Overdue", "Today", "Suggested next steps", "Upcoming"]);
  await suggestions.getByRole("button", { name: /^Accept: Acme/ }).click();
  await expect(page.getByRole("region", { name: "Upcoming" })).toContainText("Offer");
  await expect(suggestions).toHaveCount(0);
  // The open agenda follows what is done in it: the offer sent brings its
  // follow-up.
  await page.getByRole("button", { name: "Done: Offer – Acme – Send the promised offer" }).click();
  await expect(suggestions).toContainText("Acme: Follow up on the offer by");
});

test("upcoming tasks are shown day by day, each day in score order", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-02T09:00:00Z") });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "E-mail", "2026-03-04T09:00", "Thank them");
  await addTask(page, "Offer", "2026-03-04T15:00", "Send the quote");
  await addTask(page, "Offer", "2026-03-06T10:00", "Second offer");
  await page.getByRole("link", { name: /^Agenda/ }).click();
  const upcoming = page.getByRole("region", { name: "Upcoming" });
  const rows = upcoming.getByRole("row");
  // The header row, then each day and its tasks: the offer outranks the
  // email on its day, and the later, equally scored offer waits for its own.
  await expect(rows).toHaveText([
    /Deal/,
    "Wednesday, March 4, 2026",
    /Send the quote/,
    /Thank them/,
    "Friday, March 6, 2026",
    /Second offer/,
  ]);
  await expect(upcoming.getByRole("heading", { level: 3 })).toHaveText("Upcoming (3)");
});

test("a task that falls due announces itself, turns overdue and is counted on every screen", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-02T09:00:00Z") });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "Call", "2026-03-02T10:00", "Call the CEO");
  await page.getByRole("link", { name: /^Agenda/ }).click();
  await expect(page.getByRole("region", { name: "Today" })).toContainText("Call the CEO");
  await expect(page.getByRole("link", { name: /^Agenda/ })).not.toContainText("overdue");

  await page.clock.fastForward("01:00:30");
  await expect(page.getByText("Due now: Call – Acme – Call the CEO")).toBeVisible();
  await expect(page.getByRole("link", { name: /^Agenda/ })).toContainText("1 overdue");
  await expect(page.getByRole("region", { name: "Overdue" })).toContainText("Call the CEO");
  await page.getByRole("link", { name: "Board", exact: true }).click();
  await expect(page.getByRole("link", { name: /^Agenda/ })).toContainText("1 overdue");
  await expect(card(page, "Acme")).toContainText("Overdue: 2026-03-02 10:00");

  // Done in one click from the agenda.
  await page.getByRole("link", { name: /^Agenda/ }).click();
  await page.getByRole("button", { name: "Done: Call – Acme – Call the CEO" }).click();
  await expect(page.getByRole("region", { name: "Overdue" })).toContainText("Nothing here.");
  await expect(page.getByRole("link", { name: /^Agenda/ })).not.toContainText("overdue");
});

test("a card on the open board turns overdue when its task falls due", async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-02T09:00:00Z") });
  await startWith(page, "Classic funnel");
  await addDeal(page, "Acme", "1000");
  await addDeal(page, "Globex", "2000");
  await page.getByRole("link", { name: "Acme" }).click();
  await addTask(page, "Call", "2026-03-02T10:00", "Call the CEO");
  await page.getByRole("link", { name: "Board", exact: true }).click();
  // Moving another card makes the clock move on without the task being due.
  await page.getByRole("link", { name: "Globex" }).focus();
  await page.keyboard.press("Shift+ArrowRight");
  await expect(column(page, "Contact made").getByRole("article", { name: "Globex" })).toBeVisible();
  await expect(card(page, "Acme")).toContainText(/Next task: 2026-03-02 10:00/);
  await expect(card(page, "Acme")).not.toContainText("Overdue");
  await page.clock.fastForward("01:00:30");
  await expect(card(page, "Acme")).toContainText("Overdue: 2026-03-02 10:00");
});

test("a client form left open in one tab keeps what another tab saved meanwhile", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  await newClient(a, "Ada");
  const b = await context.newPage();
  await b.goto(a.url());
  const theirs = b.getByRole("form", { name: "Details" });
  await theirs.getByLabel("Notes").fill("Prefers mornings");
  const ours = a.getByRole("form", { name: "Details" });
  await ours.getByLabel("Phone").fill("+39 055 123");
  await ours.getByRole("button", { name: "Save client" }).click();
  await expect(theirs.getByLabel("Phone")).toHaveValue("+39 055 123");
  await expect(theirs.getByRole("status")).toHaveText(/changed in another tab/);
  await theirs.getByRole("button", { name: "Save client" }).click();
  await expect(theirs.getByRole("status")).toHaveText("Saved.");
  await a.reload();
  await expect(ours.getByLabel("Phone")).toHaveValue("+39 055 123");
  await expect(ours.getByLabel("Notes")).toHaveValue("Prefers mornings");
});

test("a board open in another tab shows a client's new name, rank and a deal's next task as they change", async ({ context }) => {
  const a = await context.newPage();
  await startWith(a, "Classic funnel");
  await newClient(a, "Ada");
  await a.getByRole("button", { name: "New deal for this client" }).click();
  const dialog = a.getByRole("dialog", { name: "New deal" });
  await dialog.getByLabel("Title").fill("Analytical engine");
  await dialog.getByRole("button", { name: "Add deal" }).click();
  await expect(a.getByRole("region", { name: "Deals" }).getByRole("link", { name: "Analytical engine" })).toBeVisible();
  const b = await context.newPage();
  await b.goto("./");
  const onBoard = card(b, "Analytical engine");
  await expect(onBoard).toContainText("Ada");
  await expect(onBoard).not.toContainText("Next task");

  // Each change is made in A and shows on B's board without a reload.
  const form = a.getByRole("form", { name: "Details" });
  await form.getByLabel("Name").fill("Ada Lovelace");
  await form.getByRole("button", { name: "Save client" }).click();
  await expect(onBoard).toContainText("Ada Lovelace");
  for (const factor of ["Potential", "Behaviour", "Interest"]) {
    await a.getByRole("combobox", { name: factor }).selectOption("4");
  }
  await expect(onBoard).toContainText("Client A");

  await a.getByRole("region", { name: "Deals" }).getByRole("link", { name: "Analytical engine" }).click();
  await addTask(a, "Call", "2031-05-06T10:00", "Ask about the engine");
  await expect(onBoard).toContainText("Next task: 2031-05-06 10:00");
  await b.reload();
  await expect(card(b, "Analytical engine")).toContainText("Ada Lovelace");
  await expect(card(b, "Analytical engine")).toContainText("Next task: 2031-05-06 10:00");
});

test("contact details become links only when safe", async ({ page }) => {
  await startWith(page, "Classic funnel");
  await newClient(page, "Mallory");
  const form = page.getByRole("form", { name: "Details" });
  const contact = page.getByRole("region", { name: "Contact" });
  // A website that would not be a link is refused with a message, not saved.
  await form.getByLabel("Website").fill("javascript:alert(document.domain)");
  await form.getByRole("button", { name: "Save client" }).click();
  await expect(form.getByRole("alert")).toHaveText("Enter a website such as example.com or https://example.com.");
  await expect(contact.getByText("javascript:alert(document.domain)")).toHaveCount(0);
  await form.getByLabel("Website").fill("");
  // An e-mail link carries the address alone.
  await form.getByLabel("E-mail").fill("mallory@evil.example?bcc=all@victim.example");
  await form.getByRole("button", { name: "Save client" }).click();
  await expect(form.getByRole("alert")).toHaveText("Enter one e-mail address such as name@example.com.");
  await form.getByLabel("E-mail").fill("mallory@evil.example");
  await form.getByLabel("Phone").fill("+48 600 100 200");
  await form.getByRole("button", { name: "Save client" }).click();
  await expect(contact.getByRole("link", { name: /javascript/ })).toHaveCount(0);
  await expect(contact.getByRole("link", { name: "mallory@evil.example" })).toHaveAttribute("href", "mailto:mallory@evil.example");
  await expect(contact.getByRole("link", { name: "+48 600 100 200" })).toHaveAttribute("href", "tel:+48600100200");
  await form.getByLabel("Website").fill("acme.example");
  await form.getByRole("button", { name: "Save client" }).click();
  await expect(contact.getByRole("link", { name: "acme.example" })).toHaveAttribute("href", "https://acme.example");
});

test("the clients list sorts by any column and searches", async ({ page }) => {
  await page.goto("./");
  await page.getByRole("button", { name: "Load a demo pipeline" }).click();
  await page.getByRole("link", { name: "Clients" }).click();
  const names = page.getByRole("rowheader");
  const first = await names.first().textContent();
  await page.getByRole("button", { name: "Name" }).click();
  await expect(page.getByRole("columnheader", { name: "Name" })).toHaveAttribute("aria-sort", "descending");
  await expect(names.first()).not.toHaveText(first ?? "");
  await page.getByRole("button", { name: "Rank and score" }).click();
  await expect(page.getByRole("columnheader", { name: "Rank and score" })).toHaveAttribute("aria-sort", "ascending");
  await page.getByLabel("Search clients").fill("acme");
  await expect(names).toHaveText(["Acme"]);
});

test("long lists show fifty rows at a time and say how many are not shown yet", async ({ browser }) => {
  const { context, page } = await demoPage(browser);
  const file = JSON.parse(await exportText(page));
  const client = file.workspace.clients[0];
  const deal = file.workspace.deals.find((d: any) => d.outcome === "open");
  const task = file.workspace.tasks[0];
  const n = (i: number) => String(i).padStart(12, "0");
  file.workspace.clients = Array.from({ length: 120 }, (_, i) => ({ ...client, id: `20000000-0000-4000-8000-${n(i)}`, name: `Client ${String(i).padStart(3, "0")}` }));
  for (const d of file.workspace.deals) d.client_id = null;
  // 130 open tasks, all overdue.
  file.workspace.tasks = Array.from({ length: 130 }, (_, i) => ({ ...task, id: `30000000-0000-4000-8000-${n(i)}`, deal_id: deal.id, due: "2020-01-01T09:00:00Z", done_at: null, note: `Call ${i}` }));
  await importFile(page, "long.json", JSON.stringify(file));
  await page.getByRole("button", { name: "Replace my data…" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Replace my data", exact: true }).click();
  await expect(page.getByRole("region", { name: "Pipeline board" })).toBeVisible();

  await page.getByRole("link", { name: "Clients" }).click();
  const rows = page.getByRole("table").getByRole("rowheader");
  await expect(rows).toHaveCount(50);
  await page.getByRole("button", { name: "Show 50 more (70 not shown yet)" }).click();
  await expect(rows).toHaveCount(100);
  await page.getByRole("button", { name: "Show 20 more (20 not shown yet)" }).click();
  await expect(rows).toHaveCount(120);
  await expect(page.getByRole("button", { name: /^Show \d+ more/ })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Client 119" })).toBeVisible();

  await page.getByRole("link", { name: "Agenda" }).click();
  const overdue = page.getByRole("region", { name: "Overdue" });
  await expect(overdue.getByRole("heading", { name: "Overdue (130)" })).toBeVisible();
  await expect(overdue.getByRole("rowheader")).toHaveCount(50);
  // Marking one done takes it off and keeps fifty drawn.
  await overdue.getByRole("button", { name: /^Done: / }).first().click();
  await expect(overdue.getByRole("heading", { name: "Overdue (129)" })).toBeVisible();
  await expect(overdue.getByRole("rowheader")).toHaveCount(50);
  await overdue.getByRole("button", { name: "Show 50 more (79 not shown yet)" }).click();
  await expect(overdue.getByRole("rowheader")).toHaveCount(100);
  await context.close();
});
