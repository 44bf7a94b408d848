import { SatelliteConfigError, satelliteSettings } from './satellite.config.js';

describe('satelliteSettings', () => {
  it.each([
    ['http://hub:3000', 'http://hub:3000/api/license/status'],
    ['http://hub:3000/', 'http://hub:3000/api/license/status'],
    ['https://example.com/hub', 'https://example.com/hub/api/license/status'],
  ])('LIBERTY_HUB_URL=%s asks %s', (base, url) => {
    expect(satelliteSettings({ LIBERTY_HUB_URL: base })).toEqual({ product: 'pika', statusUrl: url });
  });

  it('reads the product, enforcement, admin token, refresh interval, timeout, staleness bound and retry cap', () => {
    expect(
      satelliteSettings({
        LIBERTY_HUB_URL: 'http://hub',
        LIBERTY_PRODUCT: 'vera',
        LIBERTY_ENFORCEMENT: 'restricted',
        LIBERTY_ADMIN_TOKEN: 'a'.repeat(24),
        LIBERTY_HUB_REFRESH_SECONDS: '60',
        LIBERTY_HUB_TIMEOUT_MS: '2000',
        LIBERTY_HUB_MAX_STALE_SECONDS: '3600',
        LIBERTY_HUB_RETRY_MAX_SECONDS: '10',
      }),
    ).toEqual({
      product: 'vera',
      enforcement: 'restricted',
      adminToken: 'a'.repeat(24),
      statusUrl: 'http://hub/api/license/status',
      refreshSeconds: 60,
      timeoutMs: 2000,
      maxStaleSeconds: 3600,
      retryMaxSeconds: 10,
    });
  });

  it.each<[Record<string, string>, string]>([
    [{}, 'LIBERTY_HUB_URL is not set: the base URL of the hub, e.g. http://localhost:3000'],
    [
      { LIBERTY_HUB_URL: 'not a url' },
      'LIBERTY_HUB_URL is not a URL: the base URL of the hub, e.g. http://localhost:3000',
    ],
    [
      { LIBERTY_HUB_URL: 'http://hub', LIBERTY_HUB_REFRESH_SECONDS: 'hourly' },
      'LIBERTY_HUB_REFRESH_SECONDS must be a whole number',
    ],
    [
      { LIBERTY_HUB_URL: 'http://hub', LIBERTY_HUB_RETRY_MAX_SECONDS: '1.5' },
      'LIBERTY_HUB_RETRY_MAX_SECONDS must be a whole number',
    ],
    [{ LIBERTY_HUB_URL: 'http://hub', LIBERTY_PRODUCT: 'PIKA' }, 'LIBERTY_PRODUCT must be pika or vera'],
    [{ LIBERTY_HUB_URL: 'http://hub', LIBERTY_ENFORCEMENT: 'hard' }, 'LIBERTY_ENFORCEMENT must be soft or restricted'],
    [
      { LIBERTY_HUB_URL: 'http://hub', LIBERTY_ADMIN_TOKEN: 'short' },
      'LIBERTY_ADMIN_TOKEN must be at least 24 characters without blanks; generate one with: openssl rand -hex 24',
    ],
  ])('%j → %s', (env, message) => {
    expect(() => satelliteSettings(env)).toThrow(new SatelliteConfigError(message));
  });
});
