import type { Chart, Plugin } from 'chart.js';
import type { ChangeItem, DeploymentEvent } from '../../lib/api-types.js';
import { CHANGE_COLOR, CHANGE_DASH } from '../../lib/change-markers.js';
import { VERDICT_COLORS, versionColor } from '../../lib/colors.js';
import { MARKER_DASH, markerStyle, type ShadedWindow } from '../../lib/markers.js';

export interface MarkerState {
  markers: readonly DeploymentEvent[];
  shaded: readonly ShadedWindow[];
  /** A drag selection in progress, in data x values. */
  selection?: { from: number; to: number } | undefined;
  /** Changes nobody announced: violet dashed lines. */
  changes?: readonly Pick<ChangeItem, 'time'>[];
}

const SHADE = { fail: 'rgba(198, 40, 40, 0.10)', warn: 'rgba(178, 106, 0, 0.10)' } as const;

/**
 * Draws deployment markers (vertical lines in the version's colour, dashed by kind), the changes nobody announced
 * (violet dashed lines), the shaded windows of failing deployments, and a drag selection, behind the data. `state()` is read at every draw.
 */
export function markerPlugin(state: () => MarkerState): Plugin<'line'> {
  return {
    id: 'deploymentMarkers',
    beforeDatasetsDraw(chart: Chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x;
      if (!x) return;
      const { markers, shaded, selection, changes = [] } = state();
      const clampX = (v: number) => Math.min(chartArea.right, Math.max(chartArea.left, x.getPixelForValue(v)));
      ctx.save();
      for (const window of shaded) {
        if (window.verdict !== 'fail' && window.verdict !== 'warn') continue;
        const left = clampX(window.from);
        const right = clampX(window.to);
        ctx.fillStyle = SHADE[window.verdict];
        ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
        ctx.fillStyle = VERDICT_COLORS[window.verdict];
        ctx.fillRect(left, chartArea.top, right - left, 3);
      }
      if (selection) {
        const left = clampX(Math.min(selection.from, selection.to));
        const right = clampX(Math.max(selection.from, selection.to));
        ctx.fillStyle = 'rgba(47, 95, 208, 0.15)';
        ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
      }
      for (const marker of markers) {
        const px = x.getPixelForValue(Date.parse(marker.time));
        if (px < chartArea.left || px > chartArea.right) continue;
        const style = markerStyle(marker);
        ctx.strokeStyle = style === 'auto-rollback' ? VERDICT_COLORS.fail : versionColor(marker.version);
        ctx.lineWidth = style === 'deploy' || style === 'auto-rollback' ? 2 : 1.5;
        ctx.setLineDash(MARKER_DASH[style]);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
      }
      for (const change of changes) {
        const px = x.getPixelForValue(Date.parse(change.time));
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.strokeStyle = CHANGE_COLOR;
        ctx.lineWidth = 1.5;
        ctx.setLineDash(CHANGE_DASH);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}
