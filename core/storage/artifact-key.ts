import { BadInputError } from '../errors.ts';

/**
 * Check that `key` is a relative object key such as "model.onnx" or "plots/loss.json": no leading slash,
 * no empty, "." or ".." segments and no backslashes, so a key can never escape the store's base folder.
 */
export function checkArtifactKey(key: string): string {
  const segments = key.split('/');
  const bad = key === '' || key.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new BadInputError(`artifact key "${key}" must be a relative path like "model.onnx" without "." or ".." segments`, 'key');
  return key;
}
