import 'reflect-metadata';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { SatelliteModule } from './app.module.js';
import { satelliteSettings } from './satellite.config.js';

export { SatelliteConfigError } from './satellite.config.js';

/** PIKA with everything wired, not yet listening. Settings come from `env` (default `process.env`). */
export async function createSatelliteApp(
  options: { env?: NodeJS.ProcessEnv; logger?: LoggerService | false } = {},
): Promise<NestExpressApplication> {
  const settings = satelliteSettings(options.env ?? process.env);
  const app = await NestFactory.create<NestExpressApplication>(
    SatelliteModule.forRoot(settings),
    new ExpressAdapter(),
    {
      abortOnError: false,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
    },
  );
  app.disable('x-powered-by');
  return app;
}
