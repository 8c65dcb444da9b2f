/** Public API of the regression-detection statistics: pure functions, no I/O. */
export * from './distributions.js';
export * from './welch.js';
export * from './proportions.js';
export * from './mann-whitney.js';
export * from './quantile-exceedance.js';
export * from './msprt.js';
export * from './thresholds.js';
export * from './arm-summary.js';
export * from './drift.js';
export * from './measure-metric.js';
export * from './judge-metric.js';
export * from './judge-deployment.js';
export * from './early-stop.js';
export * from './mcnemar.js';
export * from './wilcoxon.js';
export * from './holm.js';
export * from './paired-comparison.js';
export {
  METRIC_LABELS,
  formatChange,
  formatNumber,
  formatPValue,
  formatRatio,
  formatThreshold,
  formatValue,
} from './format.js';
