import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createSatelliteApp } from './app.js';

try {
  const app = await createSatelliteApp();
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3001));
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('pika').log(`PIKA satellite listening on http://localhost:${port} (license: /api/license)`);
} catch (error) {
  // A configuration error is reported in one clear line, without a stack trace.
  const name = error instanceof Error ? error.name : '';
  console.error(name === 'SatelliteConfigError' || name === 'LicenseConfigurationError' ? (error as Error).message : error);
  process.exitCode = 1;
}
