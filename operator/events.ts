/** An Event a decision asks to record about one object. */
export interface EventIntent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** Event and condition reasons of the ForecastModel controller. */
export const FM_REASONS = {
  trainingRunCreated: 'TrainingRunCreated',
  modelPromoted: 'ModelPromoted',
  modelRejected: 'ModelRejected',
  runSucceeded: 'RunSucceeded',
  runFailed: 'RunFailed',
  training: 'Training',
  noRun: 'NoRun',
  suspended: 'Suspended',
  noModel: 'NoModel',
  rollingOut: 'RollingOut',
  available: 'Available',
  invalidSpec: 'InvalidSpec',
  invalidSchedule: 'InvalidSchedule',
  asExpected: 'AsExpected',
  modelPinned: 'ModelPinned',
  modelUnpinned: 'ModelUnpinned',
  notPinned: 'NotPinned',
  pinnedRunNotFound: 'PinnedRunNotFound',
  pinnedRunNotSucceeded: 'PinnedRunNotSucceeded',
  /** The served model's live record crossed a spec.training.retrainWhen bound; a Drift run starts. */
  driftDetected: 'DriftDetected',
  /** The active run's trainer Pod cannot be scheduled. */
  trainerUnschedulable: 'TrainerUnschedulable',
} as const;

/** Event and condition reasons of the TrainingRun controller. */
export const TR_REASONS = {
  jobCreated: 'JobCreated',
  running: 'Running',
  trainingSucceeded: 'TrainingSucceeded',
  trainingFailed: 'TrainingFailed',
  badInput: 'BadInput',
  invalidSpec: 'InvalidSpec',
  summaryMissing: 'SummaryMissing',
  jobMissing: 'JobMissing',
  /** The scheduler found no node for the trainer Pod; the message is the scheduler's. */
  unschedulable: 'Unschedulable',
} as const;
