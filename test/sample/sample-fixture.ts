import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, LoggerService } from '@nestjs/common';
import type { LicenseTestKit } from '@liberty/license/testing';
import request, { type Response } from 'supertest';
import { createSampleApp } from '../../apps/sample/src/app.js';
import { PERMISSIONS, type Permission } from '../../apps/sample/src/auth/permissions.constants.js';
import { expectNoKeyIn } from '../support/keys.js';
import { sampleToml, type SampleTomlOptions } from '../support/sample-config.js';

// The sample suites' names for the toolbox's key and config helpers (defined in test/support/).
export { expectNoKeyIn, issue, issuedKeys, sampleClaims as claims } from '../support/keys.js';
export { sampleToml, type SampleTomlOptions as TomlOptions } from '../support/sample-config.js';

export { PERMISSIONS, type Permission };

/** Records every log line, so tests can check that no key is ever logged. */
export class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.push(message, rest);
  }
  private push(message: unknown, rest: unknown[]) {
    this.lines.push([message, ...rest].map((part) => (part instanceof Error ? part.stack : String(part))).join(' '));
  }
}

export const unique = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex').toUpperCase()}`;

export interface StartOptions extends Partial<SampleTomlOptions> {
  /** The key to put in the variable (or in its _FILE when `viaFile`). */
  token?: string;
  viaFile?: boolean;
  /** Replaces the generated app.toml. */
  toml?: string;
  /** An existing data dir (a restart keeps the database); the caller removes it. Default: a fresh one. */
  dataDir?: string;
  /** `LIBERTY_ADMIN_TOKEN` (replicas of one install share it). Default: a new random one, i.e. a rotation. */
  adminToken?: string;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One sample app on 127.0.0.1:<random port> with its own temp config dir and variable names. */
export class SampleApp {
  private constructor(
    readonly app: INestApplication,
    readonly url: string,
    readonly dir: string,
    readonly dataDir: string,
    readonly configPath: string,
    readonly keyVar: string,
    readonly adminToken: string,
    readonly logger: CapturingLogger,
  ) {}

  static async start(kit: LicenseTestKit, options: StartOptions = {}): Promise<SampleApp> {
    const dir = await mkdtemp(join(tmpdir(), 'liberty-sample-'));
    // The SQLite database lives beside the config dir, not in it (tests list the config dir's files).
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'liberty-sample-data-')));
    const keyVar = options.keyVar ?? unique('LIBERTY_TEST_KEY');
    const configPath = join(dir, 'app.toml');
    await writeFile(join(dir, 'public.pem'), kit.publicKey);
    await writeFile(configPath, options.toml ?? sampleToml({ ...options, keyVar }));
    delete process.env[keyVar];
    delete process.env[`${keyVar}_FILE`];
    if (options.token && options.viaFile) {
      await writeFile(join(dir, 'license.jwt'), `${options.token}\n`);
      process.env[`${keyVar}_FILE`] = join(dir, 'license.jwt');
    } else if (options.token) {
      process.env[keyVar] = options.token;
    }
    const adminToken = options.adminToken ?? randomBytes(16).toString('hex');
    process.env.LIBERTY_ADMIN_TOKEN = adminToken;
    const logger = new CapturingLogger();
    const app = await createSampleApp({ configPath, logger, dataDir });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const sample = new SampleApp(app, `http://127.0.0.1:${port}`, dir, dataDir, configPath, keyVar, adminToken, logger);
    sample.ownsDataDir = options.dataDir === undefined;
    return sample;
  }

  /** A request with `token` as bearer (none when `null`); fails if the response carries a JWT. */
  async call(
    method: Method,
    path: string,
    options: { token?: string | null; body?: unknown; cookie?: string } = {},
  ): Promise<Response> {
    let test = request(this.url)[method](path);
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token !== null) test = test.set('Authorization', `Bearer ${token}`);
    if (options.cookie) test = test.set('Cookie', options.cookie);
    if (options.body !== undefined) test = test.send(options.body as object);
    const response = await test;
    expectNoKeyIn(response.text ?? '');
    expectNoKeyIn(JSON.stringify(response.headers));
    return response;
  }

  get = (path: string, token?: string | null) => this.call('get', path, { token });

  /** Creates a user with `permissions` (as admin) and returns its token. */
  async user(permissions: Permission[], name = 'user'): Promise<{ id: string; token: string }> {
    const response = await this.call('post', '/api/users', { body: { name, permissions } });
    if (response.status !== 201) throw new Error(`cannot create user: ${response.status} ${response.text}`);
    return { id: response.body.id, token: response.body.token };
  }

  readConfig(): Promise<string> {
    return readFile(this.configPath, 'utf8');
  }

  async close(): Promise<void> {
    await this.app.close();
    for (const line of this.logger.lines) expectNoKeyIn(line);
    delete process.env[this.keyVar];
    delete process.env[`${this.keyVar}_FILE`];
    await rm(this.dir, { recursive: true, force: true });
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
  }

  private ownsDataDir = true;
}
