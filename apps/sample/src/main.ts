import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';

try {
  const app = await createSampleApp();
  app.enableShutdownHooks();
  // Loopback only unless told otherwise: an admin console is not for every network interface.
  const host = process.env.LIBERTY_HOST?.trim() || process.env.HOST?.trim() || '127.0.0.1';
  await app.listen(Number(process.env.PORT ?? 3000), host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  new Logger('liberty.sample').log(`Liberty sample app listening on http://${shown}:${port} (open it in a browser; the License tab is /settings/license)`);
} catch (error) {
  // A configuration error is reported in one clear line, without a stack trace.
  const oneLine = error instanceof Error && ['AppConfigError', 'AdminTokenError', 'TrustProxyError', 'DatabaseOpenError', 'RedisSetupError'].includes(error.name);
  console.error(oneLine ? error.message : error);
  process.exitCode = 1;
}
