import type { INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { TestingModule } from '@nestjs/testing';

/** Both HTTP platforms, for `describe.each(ADAPTERS)`. */
export const ADAPTERS: Array<[name: string, create: () => AbstractHttpAdapter]> = [
  ['express', () => new ExpressAdapter()],
  ['fastify', () => new FastifyAdapter()],
];

/**
 * Creates the app on the adapter and listens on 127.0.0.1, port 0 (Fastify is ready once it
 * listens). Logs go where the testing module's `setLogger()` sent them. Close with `app.close()`.
 */
export async function listen(moduleRef: TestingModule, adapter: AbstractHttpAdapter): Promise<INestApplication> {
  const app = moduleRef.createNestApplication(adapter);
  await app.listen(0, '127.0.0.1');
  return app;
}
