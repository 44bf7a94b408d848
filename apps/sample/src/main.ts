import type { AddressInfo } from 'node:net';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';

/** Startup errors that are reported in one clear line, without a stack trace. */
const ONE_LINE_ERRORS = [
  'AppConfigError',
  'AdminTokenError',
  'TrustProxyError',
  'DatabaseOpenError',
  'RedisSetupError',
];
const isOneLine = (error: unknown): error is Error => error instanceof Error && ONE_LINE_ERRORS.includes(error.name);

/**
 * Nest's console logger, except that Nest's own report of a provider that failed to start
 * (`ExceptionHandler`, with its stack trace) is left out for the errors above: this file prints
 * them in one line and exits.
 */
class StartupLogger extends ConsoleLogger {
  override error(message: unknown, ...rest: unknown[]): void {
    if (isOneLine(message) && rest.at(-1) === 'ExceptionHandler') return;
    super.error(message, ...rest);
  }
}

try {
  const app = await createSampleApp({ logger: new StartupLogger() });
  app.enableShutdownHooks();
  // Loopback only unless told otherwise: an admin console is not for every network interface.
  const host = process.env.LIBERTY_HOST?.trim() || process.env.HOST?.trim() || '127.0.0.1';
  await app.listen(Number(process.env.PORT ?? 3000), host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  new Logger('liberty.sample').log(
    `Liberty sample app listening on http://${shown}:${port} (open it in a browser; the License tab is /settings/license)`,
  );
} catch (error) {
  console.error(isOneLine(error) ? error.message : error);
  // Exit now: a half-started app may hold connections (Redis reconnecting, a database pool) that
  // would keep the process alive forever, printing its error and never exiting.
  process.exit(1);
}
