/**
 * The console's prebuilt page (`static/`, built by Vite and shipped in the package): served
 * from memory, read once at the first request. Hashed assets are cached for good; the page
 * itself is revalidated, and its Content-Security-Policy lets it load and call nothing but
 * the gateway.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayError, type RouteDefinition } from '@switchyard/core';

/**
 * The folder of the built page, beside `src/` and `dist/`.
 *
 * @example
 * ```ts
 * existsSync(path.join(STATIC_DIR, 'index.html')); // true in the package
 * ```
 */
export const STATIC_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../static');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The page's policy: scripts, styles, images and requests of this origin only.
 *
 * @example
 * ```ts
 * expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
 * ```
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

interface File {
  body: Buffer;
  type: string;
}

/** Reads every file of `dir` (assets by their name under `assets/`). */
function readBuild(dir: string): { index: File; assets: Map<string, File> } | undefined {
  let index: Buffer;
  try {
    index = readFileSync(path.join(dir, 'index.html'));
  } catch {
    return undefined;
  }
  const assets = new Map<string, File>();
  const assetDir = path.join(dir, 'assets');
  let names: string[] = [];
  try {
    names = readdirSync(assetDir).filter((n) => statSync(path.join(assetDir, n)).isFile());
  } catch {
    /* a page without assets */
  }
  for (const name of names) {
    assets.set(name, { body: readFileSync(path.join(assetDir, name)), type: TYPES[path.extname(name)] ?? 'application/octet-stream' });
  }
  return { index: { body: index, type: TYPES['.html']! }, assets };
}

/**
 * The page's routes: `GET /ui` (and `/ui/`) and `GET /ui/assets/{file}`, without
 * authentication (the page holds no data; what it shows comes from the authenticated APIs).
 *
 * @example
 * ```ts
 * for (const r of staticRoutes(STATIC_DIR)) routes.add(r);
 * ```
 */
export function staticRoutes(dir: string): RouteDefinition[] {
  let build: ReturnType<typeof readBuild> | null = null;
  const load = () => {
    build ??= readBuild(dir) ?? null;
    if (!build) {
      throw new GatewayError('GW_ERR_OVERLOADED', `The console's page is not built (no ${path.join(dir, 'index.html')}): run npm run build:web -w @switchyard/console.`, {
        status: 503,
        publicCode: 'console_not_built',
        expose: true,
      });
    }
    return build;
  };
  const page = () => ({ headers: { ...PAGE_HEADERS, 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' }, body: load().index.body });
  return [
    { method: 'GET', path: '/ui', auth: false, page: 'console', handler: page },
    { method: 'GET', path: '/ui/', auth: false, handler: page },
    {
      method: 'GET',
      path: '/ui/assets/:file',
      auth: false,
      handler(req) {
        const file = load().assets.get(req.params.file ?? '');
        if (!file) throw new GatewayError('GW_ERR_NOT_FOUND', `No console asset '${req.params.file}'.`, { publicCode: 'unknown_url' });
        return { headers: { 'content-type': file.type, 'cache-control': 'public, max-age=31536000, immutable', 'x-content-type-options': 'nosniff' }, body: file.body };
      },
    },
  ];
}
