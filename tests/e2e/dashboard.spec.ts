import { expect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";

// Built by `cargo test --test dashboard`: SPANCO in March 2026, Anna meets 50
// prospects and wins 5, Bruno meets 60 and wins 5.
const fixture = JSON.parse(readFileSync("tests/e2e/fixtures/dashboard.json", "utf8"));

test.use({ timezoneId: "UTC" });

test.beforeEach(async ({ page }) => {
  await page.clock.install({ time: new Date("2026-03-20T12:00:00Z") });
  await page.addInitScript((workspace) => {
    if (!localStorage.getItem("pipeline-crm.workspace")) localStorage.setItem("pipeline-crm.workspace", JSON.stringify(workspace));
  }, fixture.workspace);
});

function row(page: Page, table: string, name: string) {
  return page.getByRole("region", { name: table }).getByRole("row", { name: new RegExp(`^${name}`) });
}

test("the salespeople table shows the seed's 5 of 50 against 5 of 60", async ({ page }) => {
  await page.goto("./#/dashboard");
  const anna = row(page, "Salespeople", "Anna");
  const bruno = row(page, "Salespeople", "Bruno");
  await expect(anna.getByRole("button", { name: "Prospects met by Anna: 50" })).toBeVisible();
  await expect(anna.getByRole("button", { name: "Won by Anna: 5" })).toBeVisible();
  await expect(anna).toContainText("10 %");
  await expect(bruno.getByRole("button", { name: "Prospects met by Bruno: 60" })).toBeVisible();
  await expect(bruno.getByRole("button", { name: "Won by Bruno: 5" })).toBeVisible();
  await expect(bruno).toContainText("8 %");
  // Sort by efficiency: best first, then the other way round.
  const people = page.getByRole("region", { name: "Salespeople" }).getByRole("rowheader");
  await page.getByRole("button", { name: "Efficiency" }).click();
  await expect(page.getByRole("columnheader", { name: "Efficiency" })).toHaveAttribute("aria-sort", "descending");
  await expect(people).toHaveText(["Anna", "Bruno"]);
  await page.getByRole("button", { name: "Efficiency" }).click();
  await expect(people).toHaveText(["Bruno", "Anna"]);
});

test("a period and a salesperson filter everything and stay in the URL", async ({ page }) => {
  await page.goto("./#/dashboard");
  await page.getByLabel("Salesperson").selectOption({ label: "Bruno" });
  await expect(page).toHaveURL(/owner=/);
  await expect(page.getByRole("region", { name: "Salespeople" }).getByRole("rowheader")).toHaveText(["Bruno"]);
  await expect(page.getByRole("button", { name: "Reached Suspect: 60" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sold: 5" })).toHaveCount(0);
  await page.getByLabel("Period").selectOption({ label: "Last month" });
  await expect(page).toHaveURL(/period=last_month/);
  await expect(page.getByRole("button", { name: "Reached Suspect: 0" })).toBeVisible();
  // A bookmark brings the same view back.
  await page.reload();
  await expect(page.getByLabel("Period")).toHaveValue("last_month");
  await expect(page.getByRole("region", { name: "Salespeople" }).getByRole("rowheader")).toHaveText(["Bruno"]);
  await page.getByLabel("Period").selectOption({ label: "Custom range" });
  await page.getByLabel("From", { exact: true }).fill("2026-03-01");
  await page.getByLabel("To", { exact: true }).fill("2026-03-05");
  await page.getByRole("button", { name: "Show", exact: true }).click();
  await expect(page).toHaveURL(/period=custom&from=2026-03-01&to=2026-03-05/);
  await expect(page.getByText("From 2026-03-01 to 2026-03-05.")).toBeVisible();
});

test("clicking a funnel bar lands on the deals behind it", async ({ page }) => {
  await page.goto("./#/dashboard");
  const bar = page.getByRole("button", { name: /^Prospect: \d+ deals/ });
  const count = Number((await bar.getAttribute("aria-label"))!.match(/: (\d+) deals/)![1]);
  expect(count).toBeGreaterThan(50);
  await bar.click();
  const behind = page.getByRole("region", { name: "Deals behind the number" });
  await expect(behind.getByRole("heading")).toHaveText(`Reached Prospect — ${count} deals`);
  // Fifty at a time, saying how many more there are.
  const items = behind.getByRole("listitem");
  await expect(items).toHaveCount(50);
  await behind.getByRole("button", { name: `Show ${Math.min(50, count - 50)} more (${count - 50} not shown yet)` }).click();
  await expect(items).toHaveCount(Math.min(count, 100));
  // Opened again, the list starts from its first page.
  await behind.getByRole("button", { name: "Close" }).click();
  await bar.click();
  await expect(items).toHaveCount(50);
  await behind.getByRole("link").first().click();
  await expect(page.getByLabel("Stage")).toBeVisible();
});

test("the funnel's table view holds the same numbers as the chart", async ({ page }) => {
  await page.goto("./#/dashboard");
  const table = page.getByRole("table", { name: "Funnel as a table" });
  for (const stage of ["Suspect", "Prospect", "Approach", "Negotiation", "Conclusion", "Order"]) {
    const label = await page.getByRole("button", { name: new RegExp(`^${stage}: \\d+ deals`) }).getAttribute("aria-label");
    const [, count, value] = label!.match(/: (\d+) deals, (.+)$/)!;
    const cells = table.getByRole("row", { name: new RegExp(`^${stage}`) });
    await expect(cells.getByRole("button", { name: `Reached ${stage}: ${count}` })).toBeVisible();
    await expect(cells).toContainText(value);
  }
});

test("SPANCO ratios carry the seed's names, forecast and diagnosis link to deals", async ({ page }) => {
  await page.goto("./#/dashboard");
  const ratios = page.getByRole("region", { name: "Stage-to-stage conversion" });
  await expect(ratios).toContainText("Suspect → Prospect (ratio 1, qualification rate)");
  await expect(ratios).toContainText("Negotiation → Conclusion (ratio 4, closing rate)");
  const forecast = page.getByRole("region", { name: "Forecast against quota" });
  await expect(forecast).toContainText("100 000.00 EUR".replace(/ /g, "\u202f"));
  await forecast.getByRole("button", { name: /^Sold: / }).click();
  await expect(page.getByRole("region", { name: "Deals behind the number" }).getByRole("listitem")).toHaveCount(10);
  // Setting a quota changes the gap.
  await forecast.getByLabel("Amount").fill("200000");
  await forecast.getByRole("button", { name: "Set quota" }).click();
  await expect(page.getByRole("region", { name: "Forecast against quota" })).toContainText("200 000.00 EUR".replace(/ /g, "\u202f"));
});
