/**
 * Training produced a NaN or infinite loss (or gradient). Thrown before that batch's update is applied, so
 * the model's weights are still the last finite ones.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  readonly epoch: number;
  readonly batch: number;

  constructor(epoch: number, batch: number, loss: number, learningRate: number) {
    super(
      `training diverged: loss became ${loss} in epoch ${epoch} (batch ${batch}); ` +
        `try a lower learning rate than ${learningRate} (and check the data for NaN or infinite values)`,
    );
    this.epoch = epoch;
    this.batch = batch;
  }
}
