import * as classValidator from 'class-validator';
import * as subset from './class-validator.subset.js';

describe('the class-validator subset the claims schema loads', () => {
  it('is the package’s own functions (same modules, one metadata storage), not copies', () => {
    for (const name of [
      'ValidateBy',
      'IsOptional',
      'ValidateNested',
      'IsObject',
      'isInt',
      'maxLength',
      'minLength',
    ] as const) {
      expect({ name, same: subset[name] === classValidator[name] }).toEqual({ name, same: true });
    }
  });

  it('validates like validateSync, with decorators applied through either entry', () => {
    class Sample {
      @subset.IsOptional() @subset.IsObject() inner?: unknown;
      @classValidator.MaxLength(3) text = 'toolong';
    }
    const errors = subset.validateSync(Object.assign(new Sample(), { inner: 5 }), { forbidUnknownValues: false });
    expect(errors.map((e) => [e.property, Object.keys(e.constraints ?? {})])).toEqual([
      ['inner', ['isObject']],
      ['text', ['maxLength']],
    ]);
    expect(classValidator.validateSync(new Sample(), { forbidUnknownValues: false }).map((e) => e.property)).toEqual([
      'text',
    ]);
  });
});
