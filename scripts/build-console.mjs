// Bundles the web console (console/) into dist/console/ with esbuild: one minified ES module, one CSS
// file and index.html, everything from node_modules (no CDN, no external fonts), so the console works
// offline. Run by `npm run build` (and so by `npm install`, through `prepare`).
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "dist", "console");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: join(root, "console", "src", "main.tsx") },
  bundle: true,
  format: "esm",
  target: ["chrome110", "firefox115", "safari16"],
  minify: true,
  sourcemap: false,
  jsx: "automatic",
  jsxImportSource: "preact",
  outdir: out,
  legalComments: "linked",
  logLevel: "warning",
  loader: { ".css": "css" },
  inject: [],
});
await build({ entryPoints: { app: join(root, "console", "src", "style.css") }, bundle: true, minify: true, outdir: out, logLevel: "warning" });
copyFileSync(join(root, "console", "index.html"), join(out, "index.html"));
const kb = (f) => `${(statSync(join(out, f)).size / 1024).toFixed(0)} KiB`;
if (process.env.VPCLAB_BUILD_QUIET !== "1") console.log(`console: dist/console/app.js ${kb("app.js")}, app.css ${kb("app.css")}`);
