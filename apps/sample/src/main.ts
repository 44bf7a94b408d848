import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createSampleApp } from './app.js';

try {
  const app = await createSampleApp();
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('liberty.sample').log(`Liberty sample app listening on http://localhost:${port} (open it in a browser; the License tab is /settings/license)`);
} catch (error) {
  // A configuration error is reported in one clear line, without a stack trace.
  console.error(error instanceof Error && ['AppConfigError', 'DatabaseOpenError', 'RedisSetupError'].includes(error.name) ? error.message : error);
  process.exitCode = 1;
}
