import { BadRequestException, Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { validate, type ValidationError } from 'class-validator';

const PRIMITIVES: ReadonlySet<unknown> = new Set([String, Boolean, Number, Array, Object]);

/**
 * Validates `@Body()` DTO classes with class-validator, without class-transformer: the JSON object's
 * own properties are copied onto a new DTO instance (no setters, no prototype keys), unknown
 * properties are refused, and every problem is listed in the 400 body's `message`.
 */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const { metatype, type } = metadata;
    if (type !== 'body' || !metatype || PRIMITIVES.has(metatype)) return value;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw badRequest(['request body must be a JSON object']);
    }
    const dto = new (metatype as new () => object)();
    for (const key of Object.keys(value)) {
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
        throw badRequest([`property ${key} should not exist`]);
      }
      Object.defineProperty(dto, key, {
        value: (value as Record<string, unknown>)[key],
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    const errors = await validate(dto, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
    if (errors.length > 0) throw badRequest(flatten(errors));
    return dto;
  }
}

function badRequest(message: string[]): BadRequestException {
  return new BadRequestException({ statusCode: 400, error: 'Bad Request', message });
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}),
    ...flatten(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}
