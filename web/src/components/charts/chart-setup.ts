import {
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartArea,
} from 'chart.js';

/**
 * The one place Chart.js is configured; only the chart components import this module (and so Chart.js).
 * Time axes are linear scales over epoch milliseconds with our own labels, so no date adapter is needed.
 */
Chart.register(
  LineController,
  ScatterController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Tooltip,
  Legend,
  Filler,
);
Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily || 'system-ui, sans-serif';
Chart.defaults.font.size = 11;
Chart.defaults.color = '#5f6b76';
Chart.defaults.animation = false;

/** Width reserved for every y axis, so stacked charts share one x geometry and marker flags line up. */
export const Y_AXIS_WIDTH = 72;
export const RIGHT_PADDING = 12;

export { Chart };
export type { ChartArea };
