// Open report pages in the system Chromium with the network blocked; run axe-core on each.
// Usage: node check.mjs <chromium> <page.html>...   Prints one JSON object: {"<page>": {...}}.
// Per page: axe-core violations (WCAG 2.0/2.1 A and AA rules), every request that was not a
// local file (all are blocked), console errors, uncaught page errors and the drawn plotly figures.
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axeSource = require("node:fs").readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const LOCAL = /^(file|data|blob|about):/;

const [executablePath, ...pages] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath,
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
  ],
});
const out = {};
try {
  for (const file of pages) {
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
    const requests = [];
    const consoleErrors = [];
    const pageErrors = [];
    await context.route("**/*", (route) =>
      LOCAL.test(route.request().url()) ? route.continue() : route.abort("blockedbyclient"),
    );
    const page = await context.newPage();
    page.on("request", (r) => { if (!LOCAL.test(r.url())) requests.push(r.url()); });
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    await page.waitForTimeout(300);
    const figures = await page.evaluate(() => ({
      declared: document.querySelectorAll(".figuur").length,
      drawn: document.querySelectorAll(".figuur .main-svg").length ? 
        [...document.querySelectorAll(".figuur")].filter((d) => d.querySelector(".main-svg")).length : 0,
    }));
    await page.addScriptTag({ content: axeSource });
    const axe = await page.evaluate(async () => {
      const r = await window.axe.run(document, {
        runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        resultTypes: ["violations"],
      });
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        count: v.nodes.length,
      }));
    });
    out[file] = { violations: axe, requests, consoleErrors, pageErrors, figures };
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(out, null, 1));
