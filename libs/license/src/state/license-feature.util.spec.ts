import { parseFeature } from './license-feature.util.js';

describe('parseFeature', () => {
  it.each([
    ['connector:sap', { namespace: 'connector', id: 'sap' }],
    ['ai:anthropic', { namespace: 'ai', id: 'anthropic' }],
    ['conector:sap', undefined],
    ['sap', undefined],
    ['app:', undefined],
  ])('%s', (feature, expected) => {
    expect(parseFeature(feature)).toEqual(expected);
  });
});
