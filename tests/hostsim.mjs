// Runs a generated Cloudflare Pages `_worker.js` or Netlify edge function over a built site,
// behind a plain HTTP server, so the host-config tests can send it real requests.
// Usage: node hostsim.mjs cloudflare|netlify MODULE SITE_DIR PORT
// The static layer stands in for the platform's asset server: folders serve index.html,
// a missing file is a 404 with 404.html; only HTML gets a charset (the code under test must
// set the Markdown and llms content types itself).
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { join, normalize } from "node:path";
import { pathToFileURL } from "node:url";

const [platform, modulePath, siteDir, port] = process.argv.slice(2);
const mod = await import(pathToFileURL(modulePath).href);
const TYPES = { ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript" };

async function isFile(path) {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function asset(input) {
  const url = new URL(typeof input === "string" ? input : input.url ?? String(input));
  let path = decodeURIComponent(url.pathname);
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(siteDir, path));
  if (!file.startsWith(normalize(siteDir)) || !(await isFile(file))) {
    const page = join(siteDir, "404.html");
    const body = (await isFile(page)) ? await readFile(page) : "not found";
    return new Response(body, { status: 404, headers: { "Content-Type": TYPES[".html"] } });
  }
  const dot = file.lastIndexOf(".");
  const type = TYPES[file.slice(dot)] ?? "application/octet-stream";
  return new Response(await readFile(file), { status: 200, headers: { "Content-Type": type } });
}

async function handle(request) {
  if (platform === "cloudflare") {
    return mod.default.fetch(request, { ASSETS: { fetch: asset } });
  }
  globalThis.fetch = asset; // the edge function fetches the twin from its own site
  return mod.default(request, { next: () => asset(request) });
}

createServer(async (req, res) => {
  try {
    const url = `http://${req.headers.host}${req.url}`;
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) headers.set(key, String(value));
    const response = await handle(new Request(url, { method: req.method, headers }));
    const out = {};
    response.headers.forEach((value, key) => { out[key] = value; });
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(error && error.stack));
  }
}).listen(Number(port), "127.0.0.1");
