import 'reflect-metadata';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { checkAdminToken } from './auth/admin-token.js';
import { readAppConfig } from './config/app-config.js';
import { WebNotFoundFilter } from './web/web-not-found.filter.js';

export { AppConfigError } from './config/app-config.js';
export { AdminTokenError, MIN_ADMIN_TOKEN_LENGTH } from './auth/admin-token.js';

export interface SampleAppOptions {
  /** The app.toml to use. Default: `LIBERTY_CONFIG`, else `apps/sample/config/app.toml`. */
  configPath?: string;
  /** Nest logger; `false` silences it. Default: Nest's console logger. */
  logger?: LoggerService | false;
  /** Where the SQLite database lives. Default: `LIBERTY_DATA_DIR`, else `apps/sample/data/`. Unused with `DATABASE_URL`. */
  dataDir?: string;
}

/** `apps/sample/config/app.toml`, from `src/` (Jest) and `dist/` (node) alike. */
export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../config/app.toml', import.meta.url));

/**
 * The sample app with everything wired, not yet listening. A malformed app.toml rejects with an
 * `AppConfigError` naming the file (and the line and column of a syntax error).
 */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<NestExpressApplication> {
  // Fail before Nest starts, so the reason is one line and not a stack trace. UsersService checks
  // again: the token may also come from a .env file (ConfigService).
  const adminToken = process.env.LIBERTY_ADMIN_TOKEN?.trim();
  if (adminToken) checkAdminToken(adminToken);
  const configPath = resolve(options.configPath ?? (process.env.LIBERTY_CONFIG?.trim() || DEFAULT_CONFIG_PATH));
  const loaded = await readAppConfig(configPath);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(loaded, options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), new ExpressAdapter(), {
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  app.disable('x-powered-by');
  // Behind a reverse proxy, Express then reads the client address, protocol and host from
  // X-Forwarded-* (throttling per client, Secure cookies, the same-origin check). Off by default:
  // trusting those headers from anyone would let a client pick its own address.
  app.set('trust proxy', trustProxyFrom(process.env.LIBERTY_TRUST_PROXY));
  app.use(noStoreHeaders);
  // Unknown pages answer browsers in HTML (the JSON API keeps JSON).
  app.useGlobalFilters(new WebNotFoundFilter(app.getHttpAdapter()));
  return app;
}

/**
 * `LIBERTY_TRUST_PROXY`, as Express's `trust proxy`: unset or `false` → off; `true` → any proxy;
 * a number → that many hops; else addresses / subnets / `loopback` (comma-separated).
 */
export function trustProxyFrom(value: string | undefined): boolean | number | string {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * Every response (API answers and errors included) is never cached — `POST /api/users` returns a
 * token, the License tab customer data — and never content-sniffed. The web pages add their CSP.
 */
function noStoreHeaders(_request: unknown, response: { setHeader(name: string, value: string): void }, next: () => void): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
