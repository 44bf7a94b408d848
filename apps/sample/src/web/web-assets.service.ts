import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Injectable, NotFoundException } from '@nestjs/common';
import { SAMPLE_ROOT } from '../sample-root.constants.js';

/** `apps/sample/web/`: the static pages and assets, served from disk (the build does not copy them). */
export const WEB_ROOT = join(SAMPLE_ROOT, 'web');

/** The only files served: a fixed list, so no request path ever reaches the file system. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  'login.html': 'text/html; charset=utf-8',
  'license.html': 'text/html; charset=utf-8',
  'home.html': 'text/html; charset=utf-8',
  'framework-license.html': 'text/html; charset=utf-8',
  'connectors.html': 'text/html; charset=utf-8',
  'users.html': 'text/html; charset=utf-8',
  'app-screen.html': 'text/html; charset=utf-8',
  'assets/app.css': 'text/css; charset=utf-8',
  'assets/screens.css': 'text/css; charset=utf-8',
  'assets/license.js': 'text/javascript; charset=utf-8',
  'assets/login.js': 'text/javascript; charset=utf-8',
  'assets/next-path.js': 'text/javascript; charset=utf-8',
  'assets/shell.js': 'text/javascript; charset=utf-8',
  'assets/home.js': 'text/javascript; charset=utf-8',
  'assets/framework-license.js': 'text/javascript; charset=utf-8',
  'assets/connectors.js': 'text/javascript; charset=utf-8',
  'assets/users.js': 'text/javascript; charset=utf-8',
  'assets/app-screen.js': 'text/javascript; charset=utf-8',
  'assets/favicon.svg': 'image/svg+xml',
};

export interface WebFile {
  body: Buffer;
  contentType: string;
}

/** Where a page takes the shared header (skip link, menu, user, license banner): one copy for every page. */
const APP_HEADER_MARKER = '<!-- app-header -->';
const APP_HEADER_PARTIAL = 'partials/app-header.html';

/** Reads the web files on each request: they are small, and an edit shows without a rebuild. */
@Injectable()
export class WebAssets {
  async read(name: string): Promise<WebFile> {
    const contentType = Object.hasOwn(CONTENT_TYPES, name) ? CONTENT_TYPES[name] : undefined;
    if (!contentType) throw new NotFoundException('No such asset');
    const body = await readFile(join(WEB_ROOT, name));
    if (!name.endsWith('.html') || !body.includes(APP_HEADER_MARKER)) return { body, contentType };
    const header = await readFile(join(WEB_ROOT, APP_HEADER_PARTIAL), 'utf8');
    return { body: Buffer.from(body.toString('utf8').replace(APP_HEADER_MARKER, () => header.trimEnd())), contentType };
  }
}
