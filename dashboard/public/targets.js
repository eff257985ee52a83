// The target picker: one option per forecast service, discovered ForecastModels with their readiness and model version.

/** The option text of a target: its pair, where it runs, whether it is ready and which model it serves. */
export function targetLabel(target) {
  if (target.forecastModel === undefined) return target.name;
  const pair = [target.symbol, target.timeframe].filter(Boolean).join(' ') || target.forecastModel;
  const state = target.ready ? 'ready' : 'not ready';
  const model = target.modelVersion ? `model ${target.modelVersion}` : 'no model yet';
  return `${pair} — ${target.namespace}/${target.forecastModel} · ${state} · ${model}`;
}

/** A sentence on the chosen target's state, or '' for a configured target (nothing is known of it before it answers). */
export function targetState(target) {
  if (target?.forecastModel === undefined) return '';
  if (target.ready) return `Ready, serving model ${target.modelVersion ?? '(unknown version)'}.`;
  return `Not ready: ${target.reason ?? 'unknown reason'}.`;
}

/** Replace the picker's options, keeping `selected` chosen; configured and discovered targets in separate groups. */
export function renderTargetOptions(select, targets, selected) {
  const option = (t) => {
    const element = new Option(targetLabel(t), t.name, false, t.name === selected);
    if (t.forecastModel !== undefined) element.dataset.ready = String(Boolean(t.ready));
    return element;
  };
  const configured = targets.filter((t) => t.forecastModel === undefined);
  const discovered = targets.filter((t) => t.forecastModel !== undefined);
  if (configured.length === 0 || discovered.length === 0) {
    select.replaceChildren(...targets.map(option));
  } else {
    const group = (label, list) => {
      const element = document.createElement('optgroup');
      element.label = label;
      element.append(...list.map(option));
      return element;
    };
    select.replaceChildren(group('Configured', configured), group('ForecastModels in the cluster', discovered));
  }
  select.value = selected;
}
