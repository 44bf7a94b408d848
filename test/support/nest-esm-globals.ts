// See test/support/cjs-to-esm-nest.cjs: CommonJS packages (@nestjs/throttler) reach the app's own
// ESM instances of @nestjs/common and @nestjs/core through this global, inside Jest only.
import * as common from '@nestjs/common';
import * as core from '@nestjs/core';

(globalThis as { __nestEsmForCjs?: Record<string, unknown> }).__nestEsmForCjs = {
  '@nestjs/common': common,
  '@nestjs/core': core,
};
