import { chromium } from "@playwright/test";
import { readFileSync } from "node:fs";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu"] });
const context = await browser.newContext();
const page = await context.newPage();
page.on("console", m => console.log("console:", m.type(), m.text().slice(0,300)));
page.on("pageerror", e => console.log("pageerror:", e.message));
await page.goto("http://127.0.0.1:4192/blank.html");
const stored = readFileSync(process.argv[2], "utf8");
await page.evaluate((v) => localStorage.setItem("pipeline-crm.workspace", v), stored);
console.log("stored", await page.evaluate(() => localStorage.getItem("pipeline-crm.workspace").length));
const t0 = Date.now();
await page.goto("http://127.0.0.1:4192/#/board");
try { await page.waitForSelector('section[aria-label="Pipeline board"] article', { timeout: 120000 }); } catch (e) { console.log("timeout"); }
console.log("ms", Date.now() - t0);
await page.screenshot({ path: "/tmp/shots/scale.png" });
await browser.close();
