import { describe, expect, it } from 'vitest';
import { href, parseRoute, queryString, routePath, withParams, type Route } from './route.js';

describe('routes', () => {
  it('round-trips every page, including prompt names with slashes and spaces', () => {
    const routes: Route[] = [
      { page: 'overview' },
      { page: 'prompts' },
      { page: 'versions', prompt: 'support/answer v2' },
      { page: 'oncall', prompt: 'support/answer', environment: 'production' },
      { page: 'compare' },
      { page: 'deployments' },
      { page: 'traces' },
      { page: 'trace', traceId: '0af7651916cd43dd8448eb211c80319c' },
      { page: 'datasets' },
      { page: 'dataset', name: 'support/tickets' },
      { page: 'experiments' },
      { page: 'experiment', runId: 'run_0af76519' },
      { page: 'connections' },
      { page: 'draft', prompt: 'support/answer' },
      { page: 'prompt-compare', prompt: 'support/answer' },
      { page: 'reviews' },
      { page: 'settings' },
    ];
    for (const route of routes) expect(parseRoute(routePath(route))).toEqual(route);
    expect(routePath({ page: 'oncall', prompt: 'a/b', environment: 'qa' })).toBe('/prompts/a%2Fb/environments/qa');
  });

  it('sends unknown and malformed paths to not-found', () => {
    expect(parseRoute('/nope')).toEqual({ page: 'not-found', path: '/nope' });
    expect(parseRoute('/prompts/%E0%A4%A/versions').page).toBe('not-found');
    expect(parseRoute('/traces/a/b').page).toBe('not-found');
    expect(parseRoute('/settings/keys').page).toBe('not-found');
  });

  it('drops empty query parameters', () => {
    expect(queryString({ a: '1', b: '', c: null, d: undefined, e: 0 })).toBe('?a=1&e=0');
    expect(href({ page: 'traces' }, { prompt: 'x&y' })).toBe('/traces?prompt=x%26y');
  });
});

describe('repeated parameters', () => {
  it('repeats array values and keeps repeated keys when other parameters change', () => {
    expect(queryString({ attr: ['a=1', 'b>2'], q: 'x' })).toBe('?attr=a%3D1&attr=b%3E2&q=x');
    const params = new URLSearchParams('attr=a%3D1&attr=b&range=1h');
    expect(withParams(params, { q: 'refund' })).toEqual({ attr: ['a=1', 'b'], range: '1h', q: 'refund' });
    expect(withParams(params, { attr: null })).toMatchObject({ attr: null });
  });
});
