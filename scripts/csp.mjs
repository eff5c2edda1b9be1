// Trunk post-build hook: puts a Content-Security-Policy in the built
// index.html. Scripts run only from this site, plus the inline loader Trunk
// writes, allowed by its hash (computed here, after Trunk wrote it), so no
// 'unsafe-inline' is needed; WebAssembly may compile ('wasm-unsafe-eval').
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2] ?? "dist";
const file = join(dir, "index.html");
let html = readFileSync(file, "utf8");

const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
  .filter(([tag]) => !/\bsrc=/.test(tag.slice(0, tag.indexOf(">"))))
  .map(([, body]) => `'sha256-${createHash("sha256").update(body, "utf8").digest("base64")}'`);

const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  "style-src 'self'",
  // The page's empty icon is a data: URL.
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const meta = `<meta http-equiv="Content-Security-Policy" content="${policy}" />`;
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, "");
if (!/<meta charset="utf-8" \/>/.test(html)) {
  console.error("csp.mjs: no <meta charset> in index.html to put the policy after");
  process.exit(1);
}
// Right after the charset, before anything the policy governs.
html = html.replace(/<meta charset="utf-8" \/>/, (m) => `${m}\n    ${meta}`);
writeFileSync(file, html);
console.log(`csp.mjs: ${hashes.length} inline script(s) allowed by hash`);
