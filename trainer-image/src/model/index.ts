/** The trainer's model: a fast TensorFlow.js quantile LSTM (core/model-weights.ts semantics), its backend and its checks. */
export { BACKEND_NAMES, activeBackendName, isBackendName, selectBackend, type BackendLog, type BackendName, type SelectBackendOptions } from './backend.ts';
export { NonFiniteLossError } from './errors.ts';
export { predictQuantiles } from './predict.ts';
export { trainQuantileLstm, type EpochInfo, type EpochRecord, type TrainQuantileLstmOptions, type TrainQuantileLstmResult } from './train.ts';
