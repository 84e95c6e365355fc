/**
 * Maps a request path to a file of the built renderer, for the browser-mode server and Electron's
 * `app://` protocol alike. Anything that would leave the build directory (`..`, encoded slashes,
 * NUL) is refused; paths without an extension are client-side routes and get `index.html`.
 */
import { statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
};

export interface Asset {
  file: string;
  contentType: string;
  /** Vite's content-hashed output under `assets/` never changes under its name. */
  immutable: boolean;
}

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The file for `pathname` (the URL's path, still percent-encoded) under `root`, or undefined. */
export function resolveAsset(root: string, pathname: string): Asset | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  const base = resolve(root);
  const routed = segments.length === 0 || extname(segments[segments.length - 1] ?? '') === '';
  const file = routed ? resolve(base, 'index.html') : resolve(base, ...segments);
  if (file !== base && !file.startsWith(base + sep)) return undefined;
  try {
    if (!statSync(file).isFile()) return undefined;
  } catch {
    return undefined;
  }
  return {
    file,
    contentType: contentTypeOf(file),
    immutable: !routed && segments[0] === 'assets',
  };
}
