import test from "node:test";
import assert from "node:assert/strict";
import { axisTicks, tickLabels } from "../lib/ticks.js";
import { niceTicks } from "../lib/scale.js";

test("a symmetric range gets more than a lone 0 tick", () => {
  assert.deepEqual(niceTicks(-0.42, 0.42, 4), [0], "the case the path chart showed");
  const t = axisTicks(-0.42, 0.42);
  assert.ok(t.length >= 2, String(t));
  assert.ok(t.includes(0) && t[0] < 0 && t[t.length - 1] > 0);
  assert.ok(t.every((v) => v >= -0.42 && v <= 0.42));
});

test("every range of the charts gets at least two ticks inside it", () => {
  for (const [lo, hi] of [[-0.42, 0.42], [0, 1], [-9.5, 4.3], [0.0061, 0.0064], [-1e-5, 1.2e-5], [3, 3.01], [-840, 840]]) {
    const t = axisTicks(lo, hi);
    assert.ok(t.length >= 2, `${lo}..${hi}: ${t}`);
    assert.ok(t.every((v) => v >= lo - 1e-12 && v <= hi + 1e-12), `${lo}..${hi}: ${t}`);
  }
  assert.deepEqual(axisTicks(2, 2), [2]);
  assert.deepEqual(axisTicks(NaN, 1), []);
});

test("tick labels never repeat", () => {
  assert.deepEqual(tickLabels([-0.2, 0, 0.2]), ["−0.2", "0", "0.2"]);
  const close = axisTicks(0.006244, 0.00625);
  const labels = tickLabels(close);
  assert.equal(new Set(labels).size, labels.length, labels.join(" "));
  assert.ok(labels.every((s) => s.startsWith("0.0062")), labels.join(" "));
});
