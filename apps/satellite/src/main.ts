import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createSatelliteApp } from './app.js';

try {
  const app = await createSatelliteApp();
  app.enableShutdownHooks();
  // Loopback only unless told otherwise, like the sample app (issue 13, finding 12).
  const host = process.env.LIBERTY_HOST?.trim() || process.env.HOST?.trim() || '127.0.0.1';
  await app.listen(Number(process.env.PORT ?? 3001), host);
  const { address, port } = app.getHttpServer().address() as AddressInfo;
  const shown = address.includes(':') ? `[${address}]` : address;
  const product = process.env.LIBERTY_PRODUCT?.trim() || 'pika'; // checked by createSatelliteApp
  new Logger(product).log(
    `${product.toUpperCase()} satellite listening on http://${shown}:${port} (license: /api/license)`,
  );
} catch (error) {
  // A configuration error is reported in one clear line, without a stack trace.
  const name = error instanceof Error ? error.name : '';
  console.error(
    name === 'SatelliteConfigError' || name === 'LicenseConfigurationError' ? (error as Error).message : error,
  );
  process.exitCode = 1;
}
