/**
 * Figures that refresh while the page is open: loaded at once, then again every few seconds until the page goes.
 * A failed load keeps the last figures on screen and says so; the next round tries again.
 */
import { useEffect, useState } from 'preact/hooks';

const REFRESH_MS = 5_000;

/**
 * @template T
 * @typedef {{ key: string; data?: T; error?: Error; refreshedAt?: Date }} Polled
 */

/**
 * @template T
 * @param {() => Promise<T>} load
 * @param {string} key what is loaded: another key starts over, with nothing shown from the last one
 * @returns {Polled<T> & { refresh: () => void }}
 */
export function usePolled(load, key) {
  const [state, setState] = useState(/** @type {Polled<T>} */ ({ key }));
  const [round, setRound] = useState(0);
  useEffect(() => {
    // A load that finishes after the page moved on must not show its figures on the next page.
    let live = true;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const run = async () => {
      try {
        const data = await load();
        if (live) setState({ key, data, refreshedAt: new Date() });
      } catch (error) {
        if (live) setState((last) => ({ ...(last.key === key ? last : { key }), error: /** @type {Error} */ (error) }));
      }
      if (live) timer = setTimeout(run, REFRESH_MS);
    };
    void run();
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `load` is a new function on every render; what it loads is named by `key`.
  }, [key, round]);
  return { ...(state.key === key ? state : { key }), refresh: () => setRound((n) => n + 1) };
}
