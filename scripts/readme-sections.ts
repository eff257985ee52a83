import { ForecastModelSpecSchema } from '../core/crd/forecast-model.ts';
import { CRD_FIELDS_MARKERS, collectFieldRows, renderFieldTable } from './crd-field-table.ts';

/** The generated ForecastModel spec reference, markers included. */
export function renderCrdFieldSection(): string {
  return [CRD_FIELDS_MARKERS.start, renderFieldTable(collectFieldRows(ForecastModelSpecSchema, 'spec')), CRD_FIELDS_MARKERS.end].join('\n');
}

/** Replace the marked section of `text` with `section` (which carries the markers); throws when they are missing. */
export function replaceBetweenMarkers(text: string, section: string): string {
  const start = text.indexOf(CRD_FIELDS_MARKERS.start);
  const end = text.indexOf(CRD_FIELDS_MARKERS.end);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${CRD_FIELDS_MARKERS.start} … ${CRD_FIELDS_MARKERS.end}`);
  return text.slice(0, start) + section + text.slice(end + CRD_FIELDS_MARKERS.end.length);
}
