// Serve the built website on the loopback interface and open every page in headless Chromium,
// as a reader would, with every request that leaves the site refused, and fail on JavaScript errors, requests that leave the site, animations
// or widgets that did not render, and maths that MathJax left as raw TeX.
//
//   node tools/check_site.mjs _build/html
import { chromium } from "playwright-core";
import { createServer } from "node:http";
import { readdirSync, statSync, existsSync, createReadStream } from "node:fs";
import { extname, join, relative, resolve } from "node:path";

const site = process.argv[2] ?? "_build/html";
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const maxPageBytes = 5 * 1024 * 1024; // ARCHITECTURE.md, Budgets: one built page ≤ 5 MB

function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name.startsWith("_") ? [] : pages(path);
    return name.endsWith(".html") && !["genindex.html", "search.html"].includes(name) ? [path] : [];
  });
}

const MIME = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".png": "image/png",
  ".svg": "image/svg+xml", ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf",
  ".json": "application/json", ".ico": "image/x-icon" };

// A minimal static file server: the site as a reader's browser would fetch it.
function serve(root) {
  const server = createServer((req, res) => {
    const path = resolve(root, "." + decodeURIComponent(new URL(req.url, "http://x").pathname));
    const file = path.startsWith(resolve(root)) && existsSync(path) && statSync(path).isDirectory() ? join(path, "index.html") : path;
    if (!file.startsWith(resolve(root)) || !existsSync(file)) { res.writeHead(404); return res.end(); }
    res.writeHead(200, { "Content-Type": MIME[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function checkPage(browser, base, path) {
  const problems = [];
  if (statSync(path).size > maxPageBytes) problems.push(`page is ${(statSync(path).size / 2 ** 20).toFixed(1)} MB (> 5 MB)`);
  const page = await browser.newPage();
  page.on("pageerror", (err) => problems.push(`JavaScript error: ${err.message}`));
  page.on("console", (msg) => { if (msg.type() === "error") problems.push(`console error: ${msg.text()}`); });
  page.on("response", (res) => { if (res.status() >= 400) problems.push(`missing file: ${new URL(res.url()).pathname}`); });
  // The site must carry everything it needs: any request off the local files is a failure.
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith("data:")) return route.continue();
    problems.push(`request leaves the site: ${url}`);
    return route.abort();
  });
  await page.goto(base + relative(site, path).split("\\").join("/"), { waitUntil: "load" });
  await page.waitForTimeout(1500);

  const facts = await page.evaluate(async () => {
    if (window.MathJax?.startup?.promise) await window.MathJax.startup.promise;
    const text = (el) => el.textContent || "";
    const mathNodes = [...document.querySelectorAll(".math")];
    return {
      math: mathNodes.length,
      rawMath: mathNodes.filter((el) => !el.querySelector("mjx-container") && /\\\(|\\\[|\$\$/.test(text(el))).length,
      animations: document.querySelectorAll("div.animation").length,
      blankAnimations: [...document.querySelectorAll("div.animation img")].filter((img) => !img.src || !img.naturalWidth).length,
      widgetViews: document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length,
      renderedWidgets: document.querySelectorAll(".jupyter-widgets.widget-container, .jupyter-widgets-view > .jupyter-widgets, .widget-vbox, .widget-hbox, .widget-image").length,
      widgetErrors: document.querySelectorAll(".jupyter-widgets-error-widget, .widget-error").length,
      brokenImages: [...document.querySelectorAll("main img")].filter((img) => img.complete && !img.naturalWidth && !img.closest("div.animation")).length,
      // A progress bar's "12.3it/s]" is one machine's speed on one day, noise to a reader.
      progressBars: (document.querySelector("main")?.innerText.match(/\d(it\/s|s\/it)\]/g) || []).length,
    };
  });
  if (facts.rawMath) problems.push(`${facts.rawMath} of ${facts.math} maths elements not rendered by MathJax`);
  if (facts.blankAnimations) problems.push(`${facts.blankAnimations} animation frames did not load`);
  if (facts.widgetViews && facts.renderedWidgets === 0) problems.push(`${facts.widgetViews} widgets saved but none rendered`);
  if (facts.widgetErrors) problems.push(`${facts.widgetErrors} widgets failed to render`);
  if (facts.brokenImages) problems.push(`${facts.brokenImages} images failed to load`);
  if (facts.progressBars) problems.push(`${facts.progressBars} progress bars shown`);
  // ARCHITECTURE.md, Notebook anatomy: every page built from a notebook carries at least one explorable.
  // Markdown pages need none (a landing page, an appendix), though one that runs code also leaves
  // an .ipynb among the sources, beside its .md: only a page with no .md is a notebook.
  const source = join(site, "_sources", relative(site, path));
  const fromNotebook = existsSync(source.replace(/\.html$/, ".ipynb"))
    && !existsSync(source.replace(/\.html$/, ".md"));
  if (fromNotebook && facts.animations + facts.widgetViews === 0) problems.push("notebook page has no animation or widget");
  // No dead widgets: pressing play on a scrubber must change the picture, with no kernel.
  const shown = () => page.evaluate(() => [...document.querySelectorAll(".widget-image")]
    .filter((img) => img.offsetParent !== null).map((img) => img.src.slice(-64)).join());
  for (const play of await page.locator(".widget-play button").first().all()) {
    const before = await shown();
    await play.click();
    await page.waitForTimeout(2500);
    if ((await shown()) === before) problems.push("pressing play on a widget changed nothing");
  }
  // Animations play: pressing play moves to another frame.
  const frame = (i) => page.evaluate((i) => document.querySelectorAll("div.animation img")[i].src.slice(-64), i);
  const animationPlays = await page.locator('div.animation button[title="Play"]').all();
  for (const [i, play] of animationPlays.entries()) {
    const before = await frame(i);
    await play.click();
    await page.waitForTimeout(500);
    if ((await frame(i)) === before) problems.push(`pressing play on animation ${i + 1} changed nothing`);
  }
  await page.close();
  return { problems, facts };
}

if (!existsSync(join(site, "index.html"))) {
  console.error(`no website at ${site}: build it first with \`make book\``);
  process.exit(2);
}
const server = await serve(site);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await chromium.launch({
  executablePath: browserPath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let failed = 0;
const all = pages(site);
for (const path of all) {
  const { problems, facts } = await checkPage(browser, base, path);
  const summary = `maths ${facts.math}, animations ${facts.animations}, widgets ${facts.widgetViews}`;
  if (problems.length) {
    failed += 1;
    console.log(`FAIL ${relative(site, path)} (${summary})`);
    for (const p of [...new Set(problems)]) console.log(`     ${p}`);
  } else {
    console.log(`ok   ${relative(site, path)} (${summary})`);
  }
}
await browser.close();
server.close();
console.log(`${all.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
