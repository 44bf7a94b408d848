import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { sampleToml, unique } from '../../sample/sample-fixture.js';
import { SampleProcess } from '../../support/apps.js';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from '../../support/servers.js';
import type { Death, FinalUser, Sample } from './history.js';

export const ADMIN_TOKEN = 'chaos-admin-0123456789abcdef0123';

/**
 * Three replicas of the built sample app (real processes, `key_store = "database"`), one real
 * PostgreSQL and one real redis-server (append-only file, so a restart keeps the data unless the
 * fault wipes it). Each replica has its own config dir, as replicas on separate hosts would.
 * Knows which replicas the fault scheduler killed: any other exit is a death the checker reports.
 */
export class ChaosCluster {
  readonly replicas: Array<SampleProcess | undefined> = [];
  readonly deaths: Death[] = [];
  private startedAt = Date.now();
  private readonly killing = new Set<SampleProcess>();
  private readonly restarting = new Map<number, Promise<void>>();
  private probe?: pg.Pool;

  private constructor(
    readonly dir: string,
    readonly postgres: PostgresServer,
    readonly redis: RedisServer,
    readonly databaseUrl: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(publicKey: string, size = 3): Promise<ChaosCluster> {
    const dir = await mkdtemp(join(tmpdir(), 'liberty-chaos-'));
    const [postgres, redis] = await Promise.all([startPostgres(), startRedis({ persistent: true })]);
    const databaseUrl = await postgres.createDatabase('chaos');
    const env = {
      LIBERTY_ADMIN_TOKEN: ADMIN_TOKEN,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      LIBERTY_BUS_INTERVAL_MS: '1000',
    };
    const cluster = new ChaosCluster(dir, postgres, redis, databaseUrl, env);
    // The same app.toml on every host (the key comes from the database: the variable stays unset).
    const toml = sampleToml({ keyVar: unique('LIBERTY_CHAOS_UNSET'), keyStore: 'database' });
    for (let n = 0; n < size; n++) {
      const config = join(dir, `replica-${n + 1}`);
      await mkdir(join(config, 'keys'), { recursive: true });
      await writeFile(join(config, 'public.pem'), publicKey);
      await writeFile(join(config, 'keys', 'public.pem'), publicKey);
      await writeFile(join(config, 'app.toml'), toml);
    }
    // Together, as an orchestrator starts them (the migrations run once, under Kysely's lock).
    await Promise.all(Array.from({ length: size }, (_, n) => cluster.startReplica(n)));
    return cluster;
  }

  /** Starts the run's clock: every time in the history is in ms from here. */
  beginRun(): void {
    this.startedAt = Date.now();
  }

  elapsed(): number {
    return Date.now() - this.startedAt;
  }

  replicaEnv(n: number): Record<string, string> {
    return {
      ...this.env,
      LIBERTY_CONFIG: join(this.dir, `replica-${n + 1}`, 'app.toml'),
      LIBERTY_REPLICA_ID: `replica-${n + 1}`,
    };
  }

  async startReplica(n: number): Promise<void> {
    const replica = await SampleProcess.start(this.replicaEnv(n), 90_000);
    replica.child.once('exit', (code, signal) => {
      if (this.replicas[n] === replica) this.replicas[n] = undefined;
      if (this.killing.delete(replica)) return;
      this.deaths.push({
        replica: n,
        at: this.elapsed(),
        exit: signal ? `signal ${signal}` : `exit code ${code}`,
        logTail: replica.log.split('\n').slice(-12).join('\n'),
      });
    });
    this.replicas[n] = replica;
  }

  /** SIGKILL, as a crashed host or an OOM kill would. */
  async killReplica(n: number): Promise<void> {
    const replica = this.replicas[n];
    if (!replica) return;
    this.killing.add(replica);
    this.replicas[n] = undefined;
    await replica.kill(); // SIGKILL
  }

  /** Starts every replica that is not running (killed, or died); one start per replica at a time. */
  async restartMissing(): Promise<void> {
    await Promise.all(
      this.replicas.map((replica, n) => {
        if (replica) return Promise.resolve();
        let restart = this.restarting.get(n);
        if (!restart) {
          restart = this.startReplica(n).finally(() => this.restarting.delete(n));
          this.restarting.set(n, restart);
        }
        return restart;
      }),
    );
  }

  /** Enabled users and whether a key is activated, read directly in the database (undefined while it is down). */
  async sample(): Promise<Sample | undefined> {
    this.probe ??= newPool(this.databaseUrl);
    try {
      const at = this.elapsed();
      const { rows } = await this.probe.query(
        `select (select count(*) from users where enabled = 1)::int as enabled,
                exists(select 1 from license_activation) as activation`,
      );
      return { at, enabled: rows[0].enabled as number, activation: rows[0].activation as boolean };
    } catch {
      return undefined;
    }
  }

  async finalUsers(): Promise<FinalUser[]> {
    this.probe ??= newPool(this.databaseUrl);
    const { rows } = await this.probe.query('select id, name, enabled from users');
    return rows.map((r) => ({ id: r.id as string, name: r.name as string, enabled: r.enabled === 1 }));
  }

  async activatedToken(): Promise<string | undefined> {
    this.probe ??= newPool(this.databaseUrl);
    const { rows } = await this.probe.query('select token from license_activation');
    return rows[0]?.token as string | undefined;
  }

  /** The last log lines of every replica (for the failure summary). */
  logTails(lines = 8): string {
    return this.replicas
      .map((r, n) => `replica ${n + 1}: ${r ? r.log.split('\n').slice(-lines).join('\n  ') : '(not running)'}`)
      .join('\n');
  }

  async stop(): Promise<void> {
    await this.probe?.end().catch(() => undefined);
    await Promise.all(this.restarting.values()).catch(() => undefined);
    await Promise.all(
      this.replicas.map(async (replica) => {
        if (!replica) return;
        this.killing.add(replica);
        await replica.stop();
      }),
    );
    await this.redis.stop();
    await this.postgres.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function newPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined); // the fault scheduler stops the server under it
  return pool;
}
