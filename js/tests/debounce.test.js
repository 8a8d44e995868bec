import test from "node:test";
import assert from "node:assert/strict";
import { debounce } from "../lib/debounce.js";

test("only the last call within the wait fires, after the wait", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const calls = [];
  const d = debounce((v) => calls.push(v), () => 150);
  d(1);
  d(2);
  t.mock.timers.tick(149);
  d(3);
  t.mock.timers.tick(149);
  assert.deepEqual(calls, []);
  t.mock.timers.tick(1);
  assert.deepEqual(calls, [3]);
});

test("the wait is read on every call (it is a trait)", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let wait = 100;
  const calls = [];
  const d = debounce((v) => calls.push(v), () => wait);
  wait = 10;
  d("a");
  t.mock.timers.tick(10);
  assert.deepEqual(calls, ["a"]);
});

test("cancel drops a pending call; flush runs it now", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const calls = [];
  const d = debounce((v) => calls.push(v), () => 50);
  d(1);
  d.cancel();
  t.mock.timers.tick(100);
  assert.deepEqual(calls, []);
  d(2);
  d.flush();
  assert.deepEqual(calls, [2]);
  t.mock.timers.tick(100);
  assert.deepEqual(calls, [2], "a flushed call does not fire again");
  d.flush();
  assert.deepEqual(calls, [2], "flush with nothing pending is a no-op");
});
