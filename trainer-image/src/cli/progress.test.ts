import { describe, expect, it } from 'vitest';
import { renderProgressLine } from './progress.ts';

describe('renderProgressLine', () => {
  it('shows the bar, losses, epoch time and ETA', () => {
    const line = renderProgressLine({ epoch: 3, epochs: 10, loss: 0.123456, valLoss: 0.2, seconds: 12.34 }, 86.4, 120);
    expect(line).toMatch(/^\[#+\.+\] epoch 3\/10  loss 0\.1235  val 0\.2000  12\.3s\/epoch  ETA 1m26s$/);
    const bar = /^\[([#.]+)\]/.exec(line)![1]!;
    expect(bar.split('#').length - 1).toBe(Math.round((3 / 10) * bar.length));
  });
});
