import 'reflect-metadata';
import { join, resolve } from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { AccessDenied, AccessPolicy, type PolicyRequest } from './auth/access.policy.js';
import { checkAdminToken } from './auth/admin-token.validator.js';
import { readAppConfig } from './config/app-config.loader.js';
import { SAMPLE_ROOT } from './sample-root.constants.js';
import { GuardedIoAdapter } from './realtime/guarded-io.adapter.js';
import { SampleExpressAdapter } from './web/sample-express.adapter.js';
import { WebNotFoundFilter } from './web/web-not-found.filter.js';

export { AppConfigError } from './config/app-config.loader.js';
export { AdminTokenError, MIN_ADMIN_TOKEN_LENGTH } from './auth/admin-token.validator.js';

/** A startup configuration problem with `LIBERTY_TRUST_PROXY`, printed as one line by `main.ts`. */
export class TrustProxyError extends Error {
  override readonly name = 'TrustProxyError';
}

export interface SampleAppOptions {
  /** The app.toml to use. Default: `LIBERTY_CONFIG`, else `apps/sample/config/app.toml`. */
  configPath?: string;
  /** Nest logger; `false` silences it. Default: Nest's console logger. */
  logger?: LoggerService | false;
  /** Where the SQLite database lives. Default: `LIBERTY_DATA_DIR`, else `apps/sample/data/`. Unused with `DATABASE_URL`. */
  dataDir?: string;
}

/** `apps/sample/config/app.toml`. */
export const DEFAULT_CONFIG_PATH = join(SAMPLE_ROOT, 'config', 'app.toml');

/**
 * The sample app with everything wired, not yet listening. A malformed app.toml rejects with an
 * `AppConfigError` naming the file (and the line and column of a syntax error).
 */
export async function createSampleApp(options: SampleAppOptions = {}): Promise<NestExpressApplication> {
  // Fail before Nest starts, so the reason is one line and not a stack trace. UsersService checks
  // again: the token may also come from a .env file (ConfigService).
  const adminToken = process.env.LIBERTY_ADMIN_TOKEN?.trim();
  if (adminToken) checkAdminToken(adminToken);
  const trustProxy = trustProxyFrom(process.env.LIBERTY_TRUST_PROXY);
  const configPath = resolve(options.configPath ?? (process.env.LIBERTY_CONFIG?.trim() || DEFAULT_CONFIG_PATH));
  const loaded = await readAppConfig(configPath);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(loaded, options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    new SampleExpressAdapter(),
    {
      abortOnError: false,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    },
  );
  app.disable('x-powered-by');
  // Behind a reverse proxy, Express then reads the client address, protocol and host from
  // X-Forwarded-* (throttling per client, Secure cookies, the same-origin check). Off by default:
  // trusting those headers from anyone would let a client pick its own address.
  try {
    app.set('trust proxy', trustProxy);
  } catch (error) {
    await app.close();
    throw new TrustProxyError(
      `LIBERTY_TRUST_PROXY: ${error instanceof Error ? error.message : String(error)}; ${TRUST_PROXY_FORMS}`,
    );
  }
  app.use(noStoreHeaders);
  // Unknown pages answer browsers in HTML (the JSON API keeps JSON).
  app.useGlobalFilters(new WebNotFoundFilter(app.getHttpAdapter()));
  // DNS rebinding: on a loopback-bound app, Host must name the loopback (AccessPolicy.checkHost).
  const policy = app.get(AccessPolicy);
  app.use((request: PolicyRequest, response: JsonResponse, next: () => void) => {
    try {
      policy.checkHost(request);
      next();
    } catch (error) {
      if (!(error instanceof AccessDenied)) throw error;
      response.status(error.status).json(error.body);
    }
  });
  // Socket.IO through the same policy: Host, origin, authentication at the handshake, message cap.
  app.useWebSocketAdapter(new GuardedIoAdapter(app));
  return app;
}

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const TRUST_PROXY_FORMS =
  "use a hop count (1), the proxy addresses or subnets (10.0.0.5, 10.0.0.0/8) or Express's names (loopback, linklocal, uniquelocal), comma-separated; unset it when no proxy is in front";

/**
 * `LIBERTY_TRUST_PROXY`, as Express's `trust proxy`: unset or `false` → off; a number → that many
 * hops; else addresses / subnets / `loopback`, `linklocal`, `uniquelocal` (comma-separated; Express
 * refuses anything else when it is set). `true` — trust every hop, so every client chooses its own
 * address with `X-Forwarded-For` and escapes throttling and lock-out — is refused.
 */
export function trustProxyFrom(value: string | undefined): false | number | string[] {
  const text = value?.trim() ?? '';
  if (text === '' || text === 'false') return false;
  if (text.toLowerCase() === 'true') {
    throw new TrustProxyError(
      `LIBERTY_TRUST_PROXY=true would let every client choose its own address (X-Forwarded-For) and escape throttling; ${TRUST_PROXY_FORMS}`,
    );
  }
  if (/^\d+$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

/**
 * Every response (API answers and errors included) is never cached — `POST /api/users` returns a
 * token, the License tab customer data — and never content-sniffed. The web pages add their CSP.
 */
function noStoreHeaders(
  _request: unknown,
  response: { setHeader(name: string, value: string): void },
  next: () => void,
): void {
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  next();
}
