import 'reflect-metadata';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';
import { readAppConfig } from './config/app-config.js';

export { AppConfigError } from './config/app-config.js';

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
  const configPath = resolve(options.configPath ?? (process.env.LIBERTY_CONFIG?.trim() || DEFAULT_CONFIG_PATH));
  const loaded = await readAppConfig(configPath);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(loaded, options.dataDir !== undefined ? { dataDir: options.dataDir } : {}), new ExpressAdapter(), {
    abortOnError: false,
    ...(options.logger !== undefined ? { logger: options.logger } : {}),
  });
  app.disable('x-powered-by');
  return app;
}
