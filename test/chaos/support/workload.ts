import { expectNoKeyIn } from '../../sample/sample-fixture.js';
import { ADMIN_TOKEN, type ChaosCluster } from './cluster.js';
import type { Op, OpType, Outcome } from './history.js';
import type { Random } from './random.js';

/** The keys the workload activates, by label (all with the same caps, so the caps never move). */
export type Keys = Readonly<Record<'A' | 'B' | 'foreign', string>>;

const REQUEST_TIMEOUT_MS = 20_000;

interface Answer {
  status?: number;
  error?: string;
  body?: any;
}

/** One HTTP call to replica `n` as the admin; a network failure is an answer too. */
export async function call(
  cluster: ChaosCluster,
  n: number,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const replica = cluster.replicas[n];
  if (!replica) return { error: 'ECONNREFUSED' }; // killed and not yet back: nothing was sent
  try {
    const response = await fetch(`${replica.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${ADMIN_TOKEN}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    expectNoKeyIn(text);
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    return { status: response.status, body: parsed };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const name = (error as Error).name;
    return { error: cause?.code ?? (name === 'TimeoutError' ? 'TIMEOUT' : name) };
  }
}

function outcomeOf(answer: Answer): Outcome {
  if (answer.status !== undefined) {
    if (answer.status < 300) return 'ok';
    if (answer.status < 500) return 'fail';
    return 'info';
  }
  // Refused: the request never reached a server. Anything else may have been processed.
  return answer.error === 'ECONNREFUSED' ? 'fail' : 'info';
}

const WEIGHTS: Record<Exclude<OpType, 'read'>, number> = {
  create: 4,
  rename: 5,
  enable: 4,
  disable: 4,
  delete: 1.5,
  ai: 5,
  activate: 0.6,
  deactivate: 0.2,
  reverify: 1,
  enforcement: 0.8,
  'public-key-path': 0.6,
  connector: 1.2,
};

/**
 * The concurrent clients of a run. Each has its own seeded generator, so the sequence of
 * operations a client issues is fixed by the seed; the interleaving is the machine's.
 */
export class Workload {
  readonly history: Op[] = [];
  private readonly users: string[] = [];
  private nextId = 0;
  private stopped = false;

  constructor(
    private readonly cluster: ChaosCluster,
    private readonly keys: Keys,
    private readonly withDelete: boolean,
  ) {}

  /** Runs `clients` loops until `stop()`; resolves when every in-flight operation has its answer. */
  async run(random: Random, clients: number): Promise<void> {
    await Promise.all(Array.from({ length: clients }, (_, c) => this.client(c, random.fork(100 + c))));
  }

  stop(): void {
    this.stopped = true;
  }

  private async client(c: number, random: Random): Promise<void> {
    const weights = { ...WEIGHTS, ...(this.withDelete ? {} : { delete: 0 }) };
    while (!this.stopped) {
      const type = random.weighted(weights);
      const replica = random.int(0, this.cluster.replicas.length - 1);
      const roll = random.next();
      const refused = await this.perform(c, replica, type, roll);
      // A replica that is down refuses at once: pause a little longer rather than spin.
      await new Promise((resolve) => setTimeout(resolve, random.int(10, 80) + (refused ? 200 : 0)));
    }
  }

  private async perform(
    client: number,
    replica: number,
    type: Exclude<OpType, 'read'>,
    roll: number,
  ): Promise<boolean> {
    const id = this.nextId++;
    const needsUser = type === 'rename' || type === 'enable' || type === 'disable' || type === 'delete';
    const user = needsUser ? this.users[Math.floor(roll * this.users.length)] : undefined;
    if (needsUser && !user) return false;
    let value: unknown;
    let request: [string, string, unknown?];
    switch (type) {
      case 'create':
        value = `user-${id}`;
        request = ['POST', '/api/users', { name: value, permissions: ['license:read'] }];
        break;
      case 'rename':
        value = `name-${id}`;
        request = ['PATCH', `/api/users/${user}`, { name: value }];
        break;
      case 'enable':
      case 'disable':
        request = ['PATCH', `/api/users/${user}`, { enabled: type === 'enable' }];
        break;
      case 'delete':
        request = ['DELETE', `/api/users/${user}`];
        break;
      case 'ai':
        request = ['POST', '/api/ai/messages', { provider: 'anthropic', message: `hello ${id}` }];
        break;
      case 'activate':
        value = roll < 0.1 ? 'foreign' : roll < 0.55 ? 'A' : 'B';
        request = ['POST', '/api/license/activate', { token: this.keys[value as keyof Keys] }];
        break;
      case 'deactivate':
        request = ['DELETE', '/api/license/activation'];
        break;
      case 'reverify':
        request = ['POST', '/api/license/reverify'];
        break;
      case 'enforcement':
        value = roll < 0.5 ? 'soft' : 'restricted';
        request = ['PUT', '/api/settings/framework/license', { enforcement: value }];
        break;
      case 'public-key-path':
        // Two copies of the same public key: the setting changes, the license does not.
        value = roll < 0.5 ? 'public.pem' : 'keys/public.pem';
        request = ['PUT', '/api/settings/framework/license', { public_key_path: value }];
        break;
      case 'connector':
        value = { connector: roll < 0.5 ? 'rest' : 'postgres', licensed: Math.floor(roll * 4) % 2 === 0 };
        request = [
          'PATCH',
          `/api/settings/connectors/${(value as { connector: string }).connector}`,
          { licensed: (value as { licensed: boolean }).licensed },
        ];
        break;
    }
    const op: Op = {
      id,
      client,
      replica,
      type,
      ...(user ? { user } : {}),
      ...(value !== undefined ? { value } : {}),
      invokedAt: this.cluster.elapsed(),
    };
    this.history.push(op);
    const answer = await call(this.cluster, replica, ...request);
    op.completedAt = this.cluster.elapsed();
    if (answer.status !== undefined) op.status = answer.status;
    if (answer.error !== undefined) op.error = answer.error;
    op.outcome = outcomeOf(answer);
    if (op.outcome !== 'ok') return answer.error === 'ECONNREFUSED';
    if (type === 'create') {
      op.result = { id: answer.body.id };
      this.users.push(answer.body.id);
    }
    if (type === 'ai') {
      op.result = {
        usedToday: answer.body.usage.usedToday,
        messagesPerDay: answer.body.usage.messagesPerDay,
        day: new Date().toISOString().slice(0, 10),
      };
    }
    return false;
  }
}
