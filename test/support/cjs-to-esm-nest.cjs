// Jest transform for @nestjs/throttler (CommonJS) only. Inside Jest's ESM VM on Node < 24.9 a
// CommonJS module cannot require() the ESM-only @nestjs/common / @nestjs/core ("Must use import
// to load ES Module"). Plain Node 20.19+ can (require(esm)), so the app itself needs nothing.
// This rewrites those two require() calls to the ESM namespaces that test/support/nest-esm-globals.ts
// put on globalThis — the same module instances the app uses, so HttpException, Injectable and
// the DI tokens are shared.
const NEST = /require\("(@nestjs\/(?:common|core))"\)/g;

module.exports = {
  process(source) {
    return {
      code: source.replace(NEST, (_all, name) => {
        return `(globalThis.__nestEsmForCjs?.[${JSON.stringify(name)}] ?? (() => { throw new Error(${JSON.stringify(
          `${name} is not on globalThis.__nestEsmForCjs: add test/support/nest-esm-globals.ts to setupFilesAfterEnv`,
        )}); })())`;
      }),
    };
  },
  getCacheKey(source, path) {
    return `cjs-to-esm-nest-1:${path}:${require('node:crypto').createHash('sha1').update(source).digest('hex')}`;
  },
};
