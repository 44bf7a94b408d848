import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createSampleApp } from '../../../apps/sample/src/app.js';
import { sampleToml } from '../../support/sample-config.js';

export interface SampleAppOptions {
  /** PEM of the signing authority the app trusts (written to the temp dir: public keys only). */
  publicKey: string;
  /** The first key, put in the referenced variable before the app starts (undefined: none). */
  licenseKey?: string;
  enforcement?: 'restricted' | 'soft';
  /** Extra lines for the `[license]` section (e.g. `grace_days = 14`). */
  licenseSettings?: string;
}

/**
 * The sample app on 127.0.0.1, port 0, with a temp `app.toml` whose `license_key` references a
 * variable no other test uses. The key lives in `process.env` only (never on disk); `setKey()`
 * changes it as an operator would, and Re-verify picks it up.
 */
export class SampleAppFixture {
  private constructor(
    readonly app: INestApplication,
    readonly baseUrl: string,
    readonly adminToken: string,
    private readonly keyVariable: string,
    private readonly dir: string,
    private readonly previousAdminToken: string | undefined,
  ) {}

  static async start(options: SampleAppOptions): Promise<SampleAppFixture> {
    const dir = await mkdtemp(join(tmpdir(), 'liberty-web-'));
    const keyVariable = `LIBERTY_WEB_TEST_KEY_${randomBytes(6).toString('hex').toUpperCase()}`;
    await writeFile(join(dir, 'public.pem'), options.publicKey);
    await writeFile(
      join(dir, 'app.toml'),
      sampleToml({
        keyVar: keyVariable,
        enforcement: options.enforcement,
        license: options.licenseSettings,
        // The pages' screenshots and lists are of this short catalogue.
        connectors: ['postgres', 'sap', 'snowflake'],
        apps: ['nomajde'],
      }),
    );
    if (options.licenseKey !== undefined) process.env[keyVariable] = options.licenseKey;
    const previousAdminToken = process.env.LIBERTY_ADMIN_TOKEN;
    const adminToken = `admin-${randomBytes(16).toString('hex')}`;
    process.env.LIBERTY_ADMIN_TOKEN = adminToken;
    try {
      const app = await createSampleApp({
        configPath: join(dir, 'app.toml'),
        dataDir: join(dir, 'data'),
        logger: false,
      });
      await app.listen(0, '127.0.0.1');
      const address = app.getHttpServer().address() as { port: number };
      return new SampleAppFixture(
        app,
        `http://127.0.0.1:${address.port}`,
        adminToken,
        keyVariable,
        dir,
        previousAdminToken,
      );
    } catch (error) {
      delete process.env[keyVariable];
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Replaces the key in the referenced variable (undefined: unset). */
  setKey(token: string | undefined): void {
    if (token === undefined) delete process.env[this.keyVariable];
    else process.env[this.keyVariable] = token;
  }

  /** Calls the JSON API as the admin. */
  async api(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.adminToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Creates a user through `POST /api/users` and returns its token. */
  async createUser(name: string, permissions: string[]): Promise<string> {
    const response = await this.api('POST', '/api/users', { name, permissions });
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`POST /api/users answered ${response.status}: ${await response.text()}`);
    }
    const body = (await response.json()) as { token?: string };
    if (typeof body.token !== 'string') throw new Error('POST /api/users returned no token');
    return body.token;
  }

  async close(): Promise<void> {
    await this.app.close();
    delete process.env[this.keyVariable];
    if (this.previousAdminToken === undefined) delete process.env.LIBERTY_ADMIN_TOKEN;
    else process.env.LIBERTY_ADMIN_TOKEN = this.previousAdminToken;
    await rm(this.dir, { recursive: true, force: true });
  }
}
