import { selectBackend, type BackendLog } from '../backend.ts';

const SILENT: BackendLog = { info() {}, warn() {} };

/** Starts the backend the model tests run on: wasm, or the cpu backend where wasm cannot start. */
export async function useTestBackend(): Promise<string> {
  try {
    return await selectBackend({ prefer: 'wasm', log: SILENT });
  } catch {
    return selectBackend({ prefer: 'cpu', log: SILENT });
  }
}
