import { checkTopic, parseMessage } from './bus-message.parser.js';

describe('bus messages, read strictly', () => {
  const good = { from: 'replica-1', instance: '0123456789abcdef', generation: 7, type: 'reverify' };

  it('a well-formed license operation or host topic', () => {
    expect(parseMessage(JSON.stringify(good))).toEqual(good);
    expect(parseMessage(JSON.stringify({ ...good, type: 'settings.changed', generation: 0 }))).toMatchObject({
      type: 'settings.changed',
    });
  });

  it.each([
    ['not JSON', 'nope'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a field missing', JSON.stringify({ from: 'a', generation: 1, type: 'reverify' })],
    ['an extra field', JSON.stringify({ ...good, more: 1 })],
    ['a string generation', JSON.stringify({ ...good, generation: '1' })],
    ['a negative generation', JSON.stringify({ ...good, generation: -1 })],
    ['a fractional generation', JSON.stringify({ ...good, generation: 1.5 })],
    ['a short instance', JSON.stringify({ ...good, instance: 'abc' })],
    ['an empty sender', JSON.stringify({ ...good, from: '' })],
    ['an unknown type', JSON.stringify({ ...good, type: 'DROP TABLES' })],
    ['over 512 characters', JSON.stringify(good).padEnd(513, ' ')],
    ['not a string', 42],
  ])('%s: dropped', (_label, raw) => {
    expect(parseMessage(raw)).toBeUndefined();
  });

  it('topics: lower-case names, never a license operation', () => {
    expect(() => checkTopic('settings.changed')).not.toThrow();
    for (const bad of ['', 'Settings', 'a b', 'reverify', 'x'.repeat(65)])
      expect(() => checkTopic(bad)).toThrow(TypeError);
  });
});
