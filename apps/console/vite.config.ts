import { defaultClientConditions, defineConfig } from "vite";

/** `npm run dev -w @orch/console` serves the console with hot reload and sends API calls here. */
const api = process.env.ORCH_API_URL ?? "http://localhost:8000";
const API_PATHS = ["/jobs", "/sessions", "/services", "/docs", "/openapi.json", "/favicon.ico"];

/**
 * The console is built into dist/ (index.html plus content-hashed files under assets/), which the
 * API serves at `/`. Nothing is inlined into the page: the API's Content-Security-Policy allows
 * scripts and styles from its own origin only.
 */
export default defineConfig({
  base: "/",
  // Workspace packages are read from their TypeScript sources, so the console builds without them built.
  resolve: { conditions: ["@orch/source", ...defaultClientConditions] },
  // Preact's automatic JSX runtime, compiled by Vite itself: no Babel plugin in the toolchain.
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  server: { proxy: Object.fromEntries(API_PATHS.map((path) => [path, { target: api, changeOrigin: true }])) },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    emptyOutDir: true,
    // Inlined assets would be data: URLs; every file stays a file the CSP allows.
    assetsInlineLimit: 0,
    sourcemap: false,
    target: "es2022",
    reportCompressedSize: true,
  },
});
