import { SatelliteConfigError, satelliteSettings } from './satellite-config.js';

describe('satelliteSettings', () => {
  it.each([
    ['http://hub:3000', 'http://hub:3000/api/license/status'],
    ['http://hub:3000/', 'http://hub:3000/api/license/status'],
    ['https://example.com/hub', 'https://example.com/hub/api/license/status'],
  ])('LIBERTY_HUB_URL=%s asks %s', (base, url) => {
    expect(satelliteSettings({ LIBERTY_HUB_URL: base })).toEqual({ statusUrl: url });
  });

  it('reads the refresh interval and the timeout', () => {
    expect(
      satelliteSettings({ LIBERTY_HUB_URL: 'http://hub', LIBERTY_HUB_REFRESH_SECONDS: '60', LIBERTY_HUB_TIMEOUT_MS: '2000' }),
    ).toEqual({ statusUrl: 'http://hub/api/license/status', refreshSeconds: 60, timeoutMs: 2000 });
  });

  it.each<[Record<string, string>, string]>([
    [{}, 'LIBERTY_HUB_URL is not set: the base URL of the hub, e.g. http://localhost:3000'],
    [{ LIBERTY_HUB_URL: 'not a url' }, 'LIBERTY_HUB_URL is not a URL: the base URL of the hub, e.g. http://localhost:3000'],
    [{ LIBERTY_HUB_URL: 'http://hub', LIBERTY_HUB_REFRESH_SECONDS: 'hourly' }, 'LIBERTY_HUB_REFRESH_SECONDS must be a whole number'],
  ])('%j → %s', (env, message) => {
    expect(() => satelliteSettings(env)).toThrow(new SatelliteConfigError(message));
  });
});
