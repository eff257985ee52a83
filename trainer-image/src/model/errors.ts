/** Where a non-finite number showed up. */
export interface NonFiniteLossDetails {
  /** 1-based. */
  readonly epoch: number;
  /** 1-based batch within the epoch; 0 for the validation pass. */
  readonly batch: number;
  readonly quantity: 'loss' | 'gradient norm' | 'validation loss';
  readonly value: number;
  readonly learningRate: number;
}

/**
 * Training produced a NaN or infinite loss (or gradient). Thrown before that batch's update is applied, so
 * the model's weights are still the last finite ones.
 */
export class NonFiniteLossError extends Error {
  override readonly name = 'NonFiniteLossError';
  readonly epoch: number;
  readonly batch: number;

  constructor(details: NonFiniteLossDetails) {
    const where = details.batch > 0 ? `epoch ${details.epoch} (batch ${details.batch})` : `epoch ${details.epoch}`;
    super(
      `training diverged: ${details.quantity} became ${details.value} in ${where}; ` +
        `try a lower learning rate than ${details.learningRate} (and check the data for NaN or infinite values)`,
    );
    this.epoch = details.epoch;
    this.batch = details.batch;
  }
}
