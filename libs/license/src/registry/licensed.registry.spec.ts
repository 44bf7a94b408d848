import { jest } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { CapturingLogger } from '../../../../test/library/support/capturing-logger.js';
import { MutableEnvironment } from '../../../../test/library/support/mutable-environment.js';
import type { LicenseEnforcement } from '../interfaces/license-options.interface.js';
import { LICENSE_ENVIRONMENT } from '../license.internal-constants.js';
import { LicenseModule } from '../license.module.js';
import { LicenseService } from '../license.service.js';
import { LicensedRegistry, type LicensedItem } from './licensed.registry.js';
import { LicenseTestKit } from '../testing/license.test-kit.js';

// RSA key generation and child processes are slow on a loaded 2-core CI machine; never a speed check.
jest.setTimeout(30_000);

interface Connector extends LicensedItem {
  name: string;
}

@Injectable()
class ConnectorRegistry extends LicensedRegistry<Connector> {
  constructor(license: LicenseService) {
    super(license, 'connector');
  }
}

@Injectable()
class AppRegistry extends LicensedRegistry<LicensedItem> {
  constructor(license: LicenseService) {
    super(license, 'app');
  }
}

const postgres: Connector = { id: 'postgres', name: 'PostgreSQL', licensed: false };
const sap: Connector = { id: 'sap', name: 'SAP', licensed: true };
const snowflake: Connector = { id: 'snowflake', name: 'Snowflake', licensed: true };

let kit: LicenseTestKit;
let moduleRef: TestingModule | undefined;

beforeAll(async () => {
  kit = await LicenseTestKit.create();
});

afterEach(async () => {
  await moduleRef?.close();
  moduleRef = undefined;
});

async function start(env: MutableEnvironment, enforcement: LicenseEnforcement = 'restricted') {
  moduleRef = await Test.createTestingModule({
    imports: [LicenseModule.forRoot({ audience: 'liberty', publicKey: kit.publicKey, enforcement })],
    providers: [ConnectorRegistry, AppRegistry],
  })
    .overrideProvider(LICENSE_ENVIRONMENT)
    .useValue(env)
    .setLogger(new CapturingLogger())
    .compile();
  await moduleRef.init();
  const connectors = moduleRef.get(ConnectorRegistry).register(postgres).register(sap).register(snowflake);
  return { license: moduleRef.get(LicenseService), connectors, apps: moduleRef.get(AppRegistry) };
}

const ids = (items: readonly LicensedItem[]) => items.map((i) => i.id);

describe('LicensedRegistry', () => {
  it('visible() lists open items and the licensed items the key grants', async () => {
    const env = new MutableEnvironment({
      LIBERTY_LICENSE_KEY: await kit.issue({ claims: { features: { connectors: ['sap'] } } }),
    });
    const { connectors } = await start(env);
    expect(ids(connectors.visible())).toEqual(['postgres', 'sap']);
    expect(ids(connectors.all())).toEqual(['postgres', 'sap', 'snowflake']);
    expect(connectors.isUsable(snowflake)).toBe(false);
    expect(connectors.featureOf('sap')).toBe('connector:sap');
  });

  it('recomputes on license.changed: a reverify with another key, then no key', async () => {
    const env = new MutableEnvironment({
      LIBERTY_LICENSE_KEY: await kit.issue({ claims: { features: { connectors: ['sap'] } } }),
    });
    const { license, connectors } = await start(env);
    const emitted: string[][] = [];
    connectors.visible$.subscribe((items) => emitted.push(ids(items)));

    env.set('LIBERTY_LICENSE_KEY', await kit.issue({ claims: { features: { connectors: ['snowflake'] } } }));
    await license.reverify();
    expect(ids(connectors.visible())).toEqual(['postgres', 'snowflake']);

    env.set('LIBERTY_LICENSE_KEY', undefined);
    await license.reverify();
    expect(ids(connectors.visible())).toEqual(['postgres']);
    expect(emitted).toEqual([['postgres', 'sap'], ['postgres', 'snowflake'], ['postgres']]);
  });

  it('does not recompute when nothing changed', async () => {
    const env = new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() });
    const { license, connectors } = await start(env);
    const emitted: unknown[] = [];
    connectors.visible$.subscribe((items) => emitted.push(items));
    await license.reverify();
    expect(emitted).toHaveLength(1);
  });

  it('licensedIds() reports every id the key names, and whether the install defines it (red dot)', async () => {
    const token = await kit.issue({
      claims: { features: { connectors: ['jdedwards', 'sap'], apps: ['nomajde', 'nomasx-1'] } },
    });
    const { connectors, apps } = await start(new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }));
    apps.register({ id: 'nomajde', licensed: true });
    expect(connectors.licensedIds()).toEqual([
      { id: 'jdedwards', defined: false },
      { id: 'sap', defined: true },
    ]);
    expect(apps.licensedIds()).toEqual([
      { id: 'nomajde', defined: true },
      { id: 'nomasx-1', defined: false },
    ]);
    expect(ids(apps.visible())).toEqual(['nomajde']);
  });

  it('licensedIds() updates on license.changed and is empty without a key', async () => {
    const env = new MutableEnvironment({
      LIBERTY_LICENSE_KEY: await kit.issue({ claims: { features: { connectors: ['sap'] } } }),
    });
    const { license, connectors } = await start(env);
    env.set('LIBERTY_LICENSE_KEY', await kit.issue({ claims: { features: { connectors: ['snowflake', 'sap'] } } }));
    await license.reverify();
    expect(connectors.licensedIds()).toEqual([
      { id: 'snowflake', defined: true },
      { id: 'sap', defined: true },
    ]);
    env.set('LIBERTY_LICENSE_KEY', undefined);
    await license.reverify();
    expect(connectors.licensedIds()).toEqual([]);
  });

  it('an expired key hides licensed items but still lists what it named', async () => {
    const token = await kit.issue({ claims: { features: { connectors: ['sap'] } }, expiresInSeconds: -60 });
    const { connectors } = await start(new MutableEnvironment({ LIBERTY_LICENSE_KEY: token }));
    expect(ids(connectors.visible())).toEqual(['postgres']);
    expect(connectors.licensedIds()).toEqual([{ id: 'sap', defined: true }]);
  });

  it('soft enforcement shows every item', async () => {
    const { connectors } = await start(new MutableEnvironment(), 'soft');
    expect(ids(connectors.visible())).toEqual(['postgres', 'sap', 'snowflake']);
  });

  it('register() replaces by id and unregister() removes, both recomputing', async () => {
    const { connectors } = await start(new MutableEnvironment({ LIBERTY_LICENSE_KEY: await kit.issue() }));
    connectors.register({ ...snowflake, licensed: false });
    expect(ids(connectors.visible())).toEqual(['postgres', 'sap', 'snowflake']);
    expect(connectors.get('snowflake')?.licensed).toBe(false);
    expect(connectors.unregister('sap')).toBe(true);
    expect(connectors.unregister('sap')).toBe(false);
    expect(ids(connectors.visible())).toEqual(['postgres', 'snowflake']);
  });

  it('stops listening when the module is destroyed', async () => {
    const env = new MutableEnvironment();
    const { license, connectors } = await start(env);
    let completed = false;
    connectors.visible$.subscribe({ complete: () => (completed = true) });
    await moduleRef!.close();
    moduleRef = undefined;
    expect(completed).toBe(true);
    env.set('LIBERTY_LICENSE_KEY', await kit.issue());
    await license.reverify().catch(() => undefined);
    expect(ids(connectors.visible())).toEqual(['postgres']);
  });
});
