// The shape of metrics.json, checked by the tests (the trainer writes it with finalModels.ts).
export { metricsFileSchema } from '../../src/shared/run/metricsFile';
