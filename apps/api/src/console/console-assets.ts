import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { Middleware } from "koa";
import { NotFound } from "@orch/core";
import type { AppState } from "../app-state.js";

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/**
 * The console's page may run scripts and styles from this origin only (none inline), call this
 * origin only, and be framed by nobody. Trusted Types leave one way to set HTML: the sanitiser's
 * policy (DOMPurify's, used by the Markdown renderer).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types dompurify",
].join("; ");

const TYPES: Readonly<Record<string, string>> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
};

interface Asset {
  readonly type: string;
  readonly etag: string;
  readonly raw: Buffer;
  readonly br?: Buffer;
  readonly gzip?: Buffer;
}

interface Loaded {
  readonly index: Asset;
  readonly files: ReadonlyMap<string, Asset>;
}

/** Where `npm run build` puts the console: apps/console/dist, found through the workspace package. */
export function defaultConsoleDir(): string | undefined {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve("@orch/console/package.json")), "dist");
  } catch {
    return undefined;
  }
}

async function asset(path: string): Promise<Asset> {
  const raw = await readFile(path);
  const type = TYPES[extname(path)] ?? "application/octet-stream";
  // Weak: the same tag stands for the file whichever encoding is sent.
  const etag = `W/"${createHash("sha256").update(raw).digest("base64url").slice(0, 22)}"`;
  // Text compresses well and is sent often; it is compressed once, when the console loads.
  const text = type.startsWith("text/") || type === "image/svg+xml" || type === "application/json";
  if (!text || raw.length < 512) return { type, etag, raw };
  const [br, gz] = await Promise.all([
    brotli(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 10 } }),
    gzipped(raw, { level: 9 }),
  ]);
  return { type, etag, raw, br, gzip: gz };
}

async function load(dir: string): Promise<Loaded> {
  const names = await readdir(join(dir, "assets")).catch(() => [] as string[]);
  const files = new Map<string, Asset>();
  await Promise.all(
    names
      .filter((name) => SAFE_NAME.test(name))
      .map(async (name) => files.set(name, await asset(join(dir, "assets", name)))),
  );
  return { index: await asset(join(dir, "index.html")), files };
}

/** File names the build writes (name-hash.ext): nothing else is served, so no path escapes the folder. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ASSET_PATH = /^\/assets\/([^/]+)$/;

/**
 * Serves the web console built into `dir`: the page at `/` (revalidated on every load, so a new
 * build is picked up) and its content-hashed files under `/assets/` (cached for a year, immutable),
 * compressed with brotli or gzip when the browser takes it. No token is needed for these files:
 * the page signs in and calls the API with the token itself.
 */
export function consoleAssets(dir: string | undefined): Middleware<AppState> {
  let cache: { readonly mtime: number; readonly loaded: Promise<Loaded> } | undefined;

  /** The build in `dir`, read again when its page changed (a new `npm run build`). */
  const current = async (): Promise<Loaded> => {
    const mtime = dir
      ? await stat(join(dir, "index.html")).then(
          (s) => s.mtimeMs,
          () => undefined,
        )
      : undefined;
    if (!dir || mtime === undefined) throw notBuilt();
    if (cache?.mtime !== mtime) {
      const loaded = load(dir);
      cache = { mtime, loaded };
      // A failed read (a build being written) is tried again on the next request.
      loaded.catch(() => (cache = undefined));
    }
    return cache.loaded;
  };

  return async (ctx, next) => {
    const file = ASSET_PATH.exec(ctx.path)?.[1];
    if ((ctx.method !== "GET" && ctx.method !== "HEAD") || (ctx.path !== "/" && file === undefined)) {
      await next();
      return;
    }
    // A route label for the HTTP metrics, like the API's routers set.
    (ctx as { _matchedRoute?: string })._matchedRoute = file === undefined ? "/" : "/assets/*";
    if (file === undefined) {
      const { index } = await current();
      ctx.set("Cache-Control", "no-cache");
      ctx.set("Content-Security-Policy", CONSOLE_CSP);
      ctx.set("Referrer-Policy", "no-referrer");
      ctx.set("Cross-Origin-Opener-Policy", "same-origin");
      ctx.set("X-Frame-Options", "DENY");
      send(ctx, index);
      return;
    }
    // Files of the build in memory are served without a look at the disk; others may be new.
    const known = cache ? (await cache.loaded.catch(() => undefined))?.files.get(file) : undefined;
    const served = known ?? (await current()).files.get(file);
    if (!served)
      throw new NotFound(`The console has no file ${ctx.path}; reload the page (/) for the current build.`);
    ctx.set("Cache-Control", "public, max-age=31536000, immutable");
    send(ctx, served);
  };
}

function notBuilt(): NotFound {
  return new NotFound(
    "The web console is not built: run `npm run build` (`npm start` builds it), then reload. The API itself is at its usual paths.",
  );
}

function send(ctx: Parameters<Middleware<AppState>>[0], file: Asset): void {
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.vary("Accept-Encoding");
  ctx.status = 200;
  ctx.set("ETag", file.etag);
  ctx.type = file.type;
  if (ctx.fresh) {
    ctx.status = 304;
    return;
  }
  const accepts = ctx.acceptsEncodings("br", "gzip", "identity");
  const body =
    accepts === "br" && file.br ? file.br : accepts === "gzip" && file.gzip ? file.gzip : undefined;
  if (body) ctx.set("Content-Encoding", accepts as string);
  ctx.body = body ?? file.raw;
}
