import { parseRoute, type Query, type Route, withParams, href } from './route.js';

/**
 * The current location as reactive state. Navigation uses the History API, so back/forward work and every view
 * has a URL; `navigate` pushes (or replaces) an entry and the pages re-read their state from it.
 */
class Router {
  route = $state<Route>({ page: 'overview' });
  params = $state<URLSearchParams>(new URLSearchParams());
  path = $state('/');

  constructor() {
    if (typeof window === 'undefined') return;
    this.sync();
    window.addEventListener('popstate', () => this.sync());
  }

  private sync(): void {
    this.path = window.location.pathname;
    this.route = parseRoute(window.location.pathname);
    this.params = new URLSearchParams(window.location.search);
  }

  navigate(url: string, options: { replace?: boolean } = {}): void {
    if (url === window.location.pathname + window.location.search) return;
    if (options.replace) window.history.replaceState(null, '', url);
    else window.history.pushState(null, '', url);
    this.sync();
    if (!options.replace) window.scrollTo(0, 0);
  }

  /** Changes query parameters of the current page (filters, time range); a new history entry by default. */
  setParams(changes: Query, options: { replace?: boolean } = {}): void {
    this.navigate(href(this.route, withParams(this.params, changes)), options);
  }
}

export const router = new Router();

/** Lets plain `<a href="/…">` links navigate without a page load (unless opened in a new tab). */
export function interceptLinks(event: MouseEvent): void {
  if (
    event.defaultPrevented ||
    event.button !== 0 ||
    event.metaKey ||
    event.ctrlKey ||
    event.shiftKey ||
    event.altKey
  ) {
    return;
  }
  const anchor = (event.target as Element | null)?.closest?.('a');
  if (!anchor || anchor.target || anchor.hasAttribute('download')) return;
  const url = new URL(anchor.href, window.location.href);
  if (url.origin !== window.location.origin || url.pathname.startsWith('/api/')) return;
  event.preventDefault();
  router.navigate(url.pathname + url.search);
}
