import { expect, test } from "@playwright/test";

test("a new user sees the classic funnel, adds a deal and finds it after a reload", async ({ page }) => {
  await page.goto("./");
  const board = page.getByRole("region", { name: "Pipeline board" });
  for (const stage of ["New lead", "Contact made", "Needs analysis", "Quote / offer sent", "Negotiation", "Closing"]) {
    await expect(board.getByRole("heading", { name: stage })).toBeVisible();
  }

  await page.getByLabel("Title").fill("Website redesign for Acme");
  await page.getByLabel("Value").fill("12 500,50");
  await page.getByRole("button", { name: "Add deal" }).click();

  const firstColumn = page.getByRole("list", { name: "New lead" });
  await expect(firstColumn.getByText("Website redesign for Acme")).toBeVisible();
  await expect(firstColumn.getByText(/12\s500\.50 EUR/)).toBeVisible();

  await page.reload();
  await expect(page.getByRole("list", { name: "New lead" }).getByText("Website redesign for Acme")).toBeVisible();
});

test("a deal without a title is refused with a message", async ({ page }) => {
  await page.goto("./");
  await page.getByLabel("Value").fill("100");
  await page.getByRole("button", { name: "Add deal" }).click();
  await expect(page.getByRole("alert")).toHaveText("The title cannot be empty.");
  await expect(page.getByRole("list", { name: "New lead" }).getByRole("listitem")).toHaveCount(0);
});

test("the built site works from a sub-path of a static host", async ({ page }) => {
  await page.goto("/nested/crm/");
  await page.getByLabel("Title").fill("Served from a sub-folder");
  await page.getByRole("button", { name: "Add deal" }).click();
  await expect(page.getByRole("list", { name: "New lead" }).getByText("Served from a sub-folder")).toBeVisible();
});
