import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import Router from "@koa/router";
import type { AppState } from "../app-state.js";
import type { JsonObject } from "../contract/api-route.js";

const require = createRequire(import.meta.url);
const swaggerDir = dirname(require.resolve("swagger-ui-dist/package.json"));
const redocDir = dirname(require.resolve("redoc/package.json"));

/** The only files served, from the installed packages: no CDN, so the docs work offline. */
const ASSETS: Readonly<Record<string, { readonly file: string; readonly type: string }>> = {
  "/docs/swagger-ui.css": { file: join(swaggerDir, "swagger-ui.css"), type: "text/css; charset=utf-8" },
  "/docs/swagger-ui-bundle.js": {
    file: join(swaggerDir, "swagger-ui-bundle.js"),
    type: "text/javascript; charset=utf-8",
  },
  "/docs/favicon-32x32.png": { file: join(swaggerDir, "favicon-32x32.png"), type: "image/png" },
  // Browsers ask for it on every page; without it they would get the API's 401.
  "/favicon.ico": { file: join(swaggerDir, "favicon-32x32.png"), type: "image/png" },
};

const REDOC_BUNDLE = join(redocDir, "bundles", "redoc.standalone.js");
/**
 * ReDoc's sidebar footer shows a logo from its CDN. An empty source fails without a request, and
 * ReDoc then hides the image: the page loads nothing from elsewhere, not even a blocked request.
 */
const REDOC_CDN_LOGO = '"https://cdn.redoc.ly/redoc/logo-mini.svg"';

const TITLE = "AI Orchestrator API";

/**
 * The doc pages load nothing from elsewhere (ReDoc's footer would fetch a logo from its CDN);
 * inline styles are allowed for the UIs' own styling, scripts only from this server.
 */
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join("; ");

const SWAGGER_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${TITLE} · Swagger UI</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so the page works under a strict Content-Security-Policy.
const SWAGGER_INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  tryItOutEnabled: true,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
`;

const REDOC_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${TITLE} · ReDoc</title>
</head>
<body>
  <redoc spec-url="/openapi.json"></redoc>
  <script src="/redoc/redoc.standalone.js"></script>
</body>
</html>
`;

/** GET /openapi.json, Swagger UI at /docs and ReDoc at /redoc, without auth. */
export function apiDocsRouter(document: JsonObject): Router<AppState> {
  const router = new Router<AppState>();
  const body = JSON.stringify(document);

  router.get("/openapi.json", (ctx) => {
    ctx.type = "application/json";
    ctx.set("Cache-Control", "no-cache");
    ctx.body = body;
  });
  router.get(["/docs", "/docs/"], (ctx) => {
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Content-Security-Policy", DOCS_CSP);
    ctx.body = SWAGGER_PAGE;
  });
  router.get("/docs/init.js", (ctx) => {
    ctx.type = "text/javascript; charset=utf-8";
    ctx.body = SWAGGER_INIT;
  });
  router.get(["/redoc", "/redoc/"], (ctx) => {
    ctx.type = "text/html; charset=utf-8";
    ctx.set("Content-Security-Policy", DOCS_CSP);
    ctx.body = REDOC_PAGE;
  });
  let redocBundle: Promise<string> | undefined;
  router.get("/redoc/redoc.standalone.js", async (ctx) => {
    redocBundle ??= readFile(REDOC_BUNDLE, "utf8").then((text) => text.replaceAll(REDOC_CDN_LOGO, '""'));
    ctx.type = "text/javascript; charset=utf-8";
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = await redocBundle;
  });
  router.get(Object.keys(ASSETS), (ctx) => {
    const asset = ASSETS[ctx.path];
    if (!asset) return;
    ctx.type = asset.type;
    ctx.set("Cache-Control", "public, max-age=86400");
    ctx.body = createReadStream(asset.file);
  });
  return router;
}
