import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, relative, resolve, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Paths the server answers itself: never a file of the web app, never its fallback page. */
export const SERVER_PATHS = /^\/(api|admin|health|metrics)(\/|$)/;

/** What `/` answers (503) when dist/web is missing: someone ran the server or the tests without building. */
export const WEB_APP_NOT_BUILT = 'The web app is not built: run `npm run build` (it writes dist/web).';

/** Hashed file names under /assets/ never change content: cache them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files (favicon): revalidate every time (ETag / Last-Modified make that cheap). */
const REVALIDATE = 'no-cache';

/**
 * The page's own policy, stricter than the API's: scripts and styles from this origin only (no
 * inline script or style), API calls to this origin only, no plugins, no framing, no <base>.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** dist/web of this checkout or image: found upwards from this file (src/ in development, dist/ once built). */
export function findWebRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'policy-radar') {
          return join(dir, 'dist', 'web');
        }
      } catch {
        // Not ours; keep looking.
      }
    }
    if (dirname(dir) === dir) return resolve('dist', 'web');
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Serves the built web app (Vite's dist/web) for GET and HEAD: its files, with long cache
 * headers for hashed assets and gzip when a precompressed twin exists; and index.html for any
 * other path that is not the server's own (/api, /admin, /health, /metrics), so the app's
 * client-side routes load on reload and from links. Without a build, those answer 503 with one
 * line saying to build. Mounted after the API's routes: it never shadows one.
 */
export function webAppMiddleware(root: string): RequestHandler {
  const rootDir = resolve(root);
  const index = join(rootDir, 'index.html');

  const notBuilt = (res: Response) => {
    res
      .status(503)
      .setHeader('Cache-Control', 'no-store')
      .setHeader('Retry-After', '60')
      .type('text/plain; charset=utf-8')
      .send(`${WEB_APP_NOT_BUILT}\n`);
  };

  const send = (req: Request, res: Response, next: NextFunction, file: string, cacheControl: string) => {
    let path = file;
    const type = extname(file);
    if (type !== '.html' && req.acceptsEncodings('gzip') === 'gzip' && isFile(`${file}.gz`)) {
      path = `${file}.gz`;
      res.setHeader('Content-Encoding', 'gzip');
    }
    res.setHeader('Vary', 'Accept-Encoding');
    res.type(type);
    res.setHeader('Cache-Control', cacheControl);
    if (type === '.html') res.setHeader('Content-Security-Policy', WEB_APP_CSP);
    // Relative to `root`, so the dotfile rule applies inside dist/web only (not to the checkout's own path).
    res.sendFile(relative(rootDir, path), { root: rootDir, cacheControl: false, dotfiles: 'deny' }, (error?: Error) => {
      if (!error || res.headersSent) return;
      // The file went away between the check and the read (a rebuild): answer as if it never was.
      res.removeHeader('Content-Encoding');
      if (file === index) notBuilt(res);
      else next();
    });
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const raw = req.path;
    if (SERVER_PATHS.test(raw)) return next();
    let path: string;
    try {
      path = decodeURIComponent(raw);
    } catch {
      return next();
    }
    if (path.includes('\0') || path.includes('\\')) return next();
    const clean = normalize(`/${path}`);
    if (clean.split('/').some((segment) => segment.startsWith('.'))) return next();
    const file = join(rootDir, clean);
    if (file !== rootDir && !file.startsWith(rootDir + sep)) return next();

    if (clean !== '/' && clean !== '/index.html' && isFile(file)) {
      return send(req, res, next, file, clean.startsWith('/assets/') ? IMMUTABLE : REVALIDATE);
    }
    // A missing file (an old asset after a deploy) is a 404, not the page.
    if (extname(clean) !== '' && clean !== '/index.html') return next();
    if (!isFile(index)) return notBuilt(res);
    send(req, res, next, index, REVALIDATE);
  };
}
