import type { INestApplication } from '@nestjs/common';
import type { Page } from 'playwright-core';
import type { LicenseTestKit } from '@liberty/license/testing';

// The states are the sample's own: a state added there leaves the suites' per-state tables incomplete,
// which fails the type check until they cover it.
import type { LicenseConditionKey as LicenseStateName } from '../../../apps/sample/src/license/license-condition.util.js';

export type { LicenseStateName };

export const LICENSE_STATES: LicenseStateName[];
export const PAGES: Array<{ name: string; path: string }>;
export const WIDTHS: number[];

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

export function axeSource(): string;
export function seriousViolations(page: Page, source?: string): Promise<AxeViolation[]>;
export function sidewaysOverflow(page: Page): Promise<number>;

export interface StateApp {
  state: LicenseStateName;
  baseUrl: string;
  adminToken: string;
  api(method: string, path: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

export function startInState(
  state: LicenseStateName,
  deps: {
    kit: LicenseTestKit;
    createSampleApp: (options: { configPath: string; dataDir: string; logger: false }) => Promise<INestApplication>;
  },
): Promise<StateApp>;
