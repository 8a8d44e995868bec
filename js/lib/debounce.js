// Trailing-edge debounce with an explicit cancel/flush so render()'s cleanup
// can drop a pending save instead of firing it after the view is gone.

/** Returns fn' with .cancel() and .flush(); `getWait()` is read on each call (a trait). */
export function debounce(fn, getWait) {
  let timer = null;
  let lastArgs = null;
  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    fn(...args);
  };
  const debounced = (...args) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    const wait = Math.max(0, Number(getWait()) || 0);
    timer = setTimeout(run, wait);
  };
  debounced.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  debounced.flush = () => {
    if (timer !== null) {
      clearTimeout(timer);
      run();
    }
  };
  debounced.pending = () => timer !== null;
  return debounced;
}
