// Copies the front-end assets the pages use from node_modules into web/static/vendor.
// Runs as npm's postinstall step, so `npm ci` leaves the static folder ready to serve.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "web", "static", "vendor");
const assets = {
  "utrecht-components.css": "@utrecht/component-library-css/dist/index.css",
  "utrecht-html.css": "@utrecht/component-library-css/dist/html.css",
  "utrecht-theme.css": "@utrecht/design-tokens/dist/index.css",
  "htmx.min.js": "htmx.org/dist/htmx.min.js",
};

mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(assets)) {
  copyFileSync(join(root, "node_modules", source), join(target, name));
}
console.log(`tenderdesk: copied ${Object.keys(assets).length} assets into web/static/vendor`);
