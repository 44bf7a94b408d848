import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
app.enableShutdownHooks(); // closes the license timers (and Redis connections) on SIGTERM
await app.listen(process.env.PORT ?? 3000, process.env.HOST ?? '127.0.0.1');
new Logger('main').log(`listening on ${await app.getUrl()}`);
