// The license the benchmarks run with. The orchestrator signs two keys with LicenseTestKit (from
// the built `@liberty/license/testing`) and hands them to every child in environment variables;
// children load LicenseModule exactly as a product does: public key bundled, key read from
// `${LIBERTY_LICENSE_KEY}` through ConfigService, verified once at startup.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LicenseModule, LicenseService } from '@liberty/license';

export const AUDIENCE = 'liberty';
export const ISSUER = 'test-vendor';

const connectors = ['sap', 'snowflake', 'jdedwards', 'salesforce', 'oracle', 'netsuite', 'dynamics', 'workday'];

/** Claims of key A and key B: B drops one connector and adds another, so switching is a change. */
export const CLAIMS = {
  A: {
    features: {
      connectors,
      apps: ['nomajde', 'nomasx-1'],
      users: { max: 250 },
      ai: { providers: ['anthropic', 'openai'], messagesPerDay: 5000 },
    },
    products: ['pika', 'vera'],
  },
  B: {
    features: {
      connectors: [...connectors.filter((c) => c !== 'snowflake'), 'servicenow'],
      apps: ['nomajde', 'nomasx-1'],
      users: { max: 250 },
      ai: { providers: ['anthropic', 'openai'], messagesPerDay: 5000 },
    },
    products: ['pika', 'vera'],
  },
};

/** Generates the key pair and both keys (orchestrator side); returns the env for the children. */
export async function createBenchLicenseEnv() {
  const { LicenseTestKit } = await import('@liberty/license/testing');
  const kit = await LicenseTestKit.create();
  return {
    BENCH_PUBLIC_KEY: kit.publicKey,
    BENCH_LICENSE_A: await kit.issue({ claims: CLAIMS.A }),
    BENCH_LICENSE_B: await kit.issue({ claims: CLAIMS.B }),
    LIBERTY_LICENSE_KEY: '',
  };
}

export function fixture() {
  const publicKey = process.env.BENCH_PUBLIC_KEY;
  const keys = { A: process.env.BENCH_LICENSE_A, B: process.env.BENCH_LICENSE_B };
  if (!publicKey || !keys.A || !keys.B) throw new Error('run the benchmarks through bench/run.js');
  return { publicKey, keys };
}

/** Points `${LIBERTY_LICENSE_KEY}` at key A or B (the next `reverify()` reads it). */
export function useKey(name) {
  process.env.LIBERTY_LICENSE_KEY = fixture().keys[name];
}

/** `LicenseModule.forRoot()` as a product configures it. */
export function licenseModule() {
  return LicenseModule.forRoot({
    audience: AUDIENCE,
    issuer: ISSUER,
    publicKey: fixture().publicKey,
    licenseKey: '${LIBERTY_LICENSE_KEY}',
  });
}

/** An application context with only LicenseModule, license A accepted. */
export async function createLicenseContext() {
  useKey('A');
  class BenchModule {}
  Module({ imports: [licenseModule()] })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const license = app.get(LicenseService);
  if (license.state.status !== 'accepted') {
    throw new Error(`bench license not accepted: ${license.state.reason ?? license.state.status}`);
  }
  return { app, license };
}

/** Reads `--name=value` options given to a child. */
export function option(name, fallback) {
  const prefix = `--${name}=`;
  const raw = process.argv.find((arg) => arg.startsWith(prefix));
  return raw === undefined ? fallback : Number(raw.slice(prefix.length));
}
