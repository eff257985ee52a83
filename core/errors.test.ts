import { describe, expect, it } from 'vitest';
import { BadInputError, CodedError, FieldError, isBadInput } from './errors.ts';
import { CredentialFetchError } from './storage/credential-fetch-error.ts';
import { UnsupportedArtifactError } from './storage/manifest-validation.ts';

describe('shared error bases', () => {
  it('keep each error its own name, field and cause', () => {
    const cause = new Error('parse');
    const bad = new BadInputError('window: too small', 'model.window', { cause });
    const unsupported = new UnsupportedArtifactError('unknown schemaVersion 9', 'schemaVersion');
    expect([bad.name, bad.field, bad.cause, bad.message]).toEqual(['BadInputError', 'model.window', cause, 'window: too small']);
    expect([unsupported.name, unsupported.field]).toEqual(['UnsupportedArtifactError', 'schemaVersion']);
    expect(bad).toBeInstanceOf(FieldError);
    expect(unsupported).toBeInstanceOf(FieldError);
  });

  it('counts only BadInputError as input the user can fix, not an artifact this build does not understand', () => {
    expect(isBadInput(new Error('wrapped', { cause: new BadInputError('x') }))).toBe(true);
    expect(isBadInput(new UnsupportedArtifactError('unknown featureSpecVersion'))).toBe(false);
  });

  it('carries a credential source failure code on CredentialFetchError', () => {
    const error = new CredentialFetchError('web identity endpoint answered 503', 'ServiceUnavailable');
    expect([error.name, error.code]).toEqual(['CredentialFetchError', 'ServiceUnavailable']);
    expect(error).toBeInstanceOf(CodedError);
    expect(new CredentialFetchError('refused').code).toBeUndefined();
  });
});
