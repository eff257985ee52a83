// What the metrics on the page mean: the one source of these texts. README's "Glossary" repeats them word for
// word (test/docs-glossary.test.ts keeps the two equal); the page shows them as tooltips.

/** The glossary, in README's order: `id` is what `data-glossary` attributes name, `term` the README heading. */
export const GLOSSARY = Object.freeze([
  {
    id: 'mase',
    term: 'MASE',
    text: 'Mean absolute scaled error: the forecast\'s mean absolute error divided by that of naive persistence ("the next close equals the last one") on the same test samples and horizon step. Naive persistence scores exactly 1; below 1 beats it, lower is better.',
  },
  {
    id: 'skill',
    term: 'SKILL',
    text: 'The SKILL column of kubectl get fm: 1 − MASE of the served model on its test split, averaged over the horizon. Above 0 beats naive persistence, 0 ties it, below 0 is worse.',
  },
  {
    id: 'mae',
    term: 'MAE',
    text: 'Mean absolute error of the median forecast, in the quote currency (lower is better).',
  },
  {
    id: 'coverage',
    term: 'Coverage',
    text: 'Share of actual closes that fell inside the forecast interval on the test split. A calibrated 80 % interval covers about 80 %: much less means the intervals are too narrow, much more that they are wider than needed.',
  },
  {
    id: 'winkler',
    term: 'Winkler score',
    text: 'Interval score in the quote currency: the interval\'s width, plus 2/α times the distance by which the actual close falls outside it (α = 1 − the nominal level). It rewards narrow intervals that still hold the price; lower is better.',
  },
  {
    id: 'directional-accuracy',
    term: 'Directional accuracy',
    text: 'Over the samples where the forecaster predicts a move (flat forecasts excluded), the share whose direction, up or down from the last close, matches the actual move. Naive persistence never predicts a move, so it has none.',
  },
  {
    id: 'no-evidence-of-skill',
    term: 'No evidence of skill',
    text: 'A Diebold–Mariano test at the promotion\'s significance level found no significant difference between the model\'s forecast errors and naive persistence\'s: a lower MASE may be luck, and a tie is not a win.',
  },
]);

/** Set the `title` (tooltip) of every element under `root` whose `data-glossary` names a glossary entry. */
export function applyGlossary(root) {
  for (const element of root.querySelectorAll('[data-glossary]')) {
    const entry = GLOSSARY.find((e) => e.id === element.getAttribute('data-glossary'));
    if (entry) element.title = entry.text;
  }
}
