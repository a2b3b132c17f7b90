/**
 * The sandbox page: a Slack client for the demo organisation. What the chosen person sees is
 * pushed by the sandbox (server-sent events) and drawn by the views; what they do is sent back.
 * The address says who and where (`#as=USIRO&c=GSECURITY`), so a link opens the same view.
 */
import './style.css';
import { Page, type Place } from './page';

function placeFrom(c: string | null): Place | null {
  return c === 'home' ? { kind: 'home' } : c ? { kind: 'conversation', id: c } : null;
}

function start(root: HTMLElement): void {
  const params = new URLSearchParams(location.hash.slice(1));
  const page = new Page(
    root,
    params.get('as') ?? 'USTAFF1',
    placeFrom(params.get('c')) ?? { kind: 'conversation', id: 'C0GENERAL' },
  );
  document.addEventListener('click', (e) => {
    // A click outside an open menu closes it, as in Slack.
    for (const menu of document.querySelectorAll<HTMLElement>('.menu:not([hidden])'))
      if (!menu.parentElement?.contains(e.target as Node)) menu.hidden = true;
  });
  window.addEventListener('hashchange', () => {
    // A link or the address bar chose another person or place (the page's own changes do not fire this).
    const next = new URLSearchParams(location.hash.slice(1));
    page.place = placeFrom(next.get('c')) ?? page.place;
    page.thread = null;
    page.switchTo(next.get('as') ?? page.me);
  });
  void page.connect().then(() => {
    document.documentElement.dataset.readyAt = String(Math.round(performance.now()));
    if (page.place.kind === 'home') void page.perform({ type: 'home' });
  });
}

const root = document.getElementById('app');
if (root) start(root);
