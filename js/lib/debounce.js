// @ts-check
// Trailing-edge debounce with an explicit cancel/flush so render()'s cleanup
// can drop a pending save instead of firing it after the view is gone.

/**
 * Returns fn' with .cancel() and .flush(); `getWait()` is read on each call (a trait).
 * @template {unknown[]} A
 * @param {(...args: A) => void} fn
 * @param {() => unknown} getWait
 * @returns {((...args: A) => void) & {cancel: () => void, flush: () => void}}
 */
export function debounce(fn, getWait) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  /** @type {A | null} */
  let lastArgs = null;
  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };
  const debounced = (/** @type {A} */ ...args) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    const wait = Math.max(0, Number(getWait()) || 0);
    timer = setTimeout(run, wait);
  };
  /** @type {() => void} */
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  /** @type {() => void} */
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  return debounced;
}
