import { describe, expect, it } from 'vitest';
import { PALETTE, versionColor } from './colors.js';

describe('version colours', () => {
  it('gives a version the same colour however it is written', () => {
    expect(versionColor(3)).toBe(versionColor('3'));
    expect(versionColor('v3')).toBe(versionColor(3));
  });

  it('gives consecutive versions different colours and wraps around the palette', () => {
    const colours = Array.from({ length: PALETTE.length }, (_, i) => versionColor(i + 1));
    expect(new Set(colours).size).toBe(PALETTE.length);
    expect(versionColor(PALETTE.length + 1)).toBe(versionColor(1));
  });

  it('maps non-numeric versions to a stable palette colour', () => {
    expect(PALETTE).toContain(versionColor('canary-abc'));
    expect(versionColor('canary-abc')).toBe(versionColor('canary-abc'));
  });
});
