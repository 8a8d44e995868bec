import test from "node:test";
import assert from "node:assert/strict";
import { decodePayload } from "../lib/payload.js";
import { arr, readout, trace } from "./fixtures.js";

test("nothing to draw yet", () => {
  assert.equal(decodePayload(null), null);
  assert.equal(decodePayload({}), null);
});

test("image payload decodes arrays and readout", () => {
  const p = decodePayload({
    kind: "image", height: 2, width: 3,
    image: arr("uint8", [2, 3, 4], new Array(24).fill(9)),
    attr: arr("float32", [2, 3], [1, 2, 3, 4, 5, 6]),
    readout: readout(), path_trace: trace(),
  });
  assert.equal(p.kind, "image");
  assert.ok(p.attr instanceof Float32Array);
  assert.equal(p.attr[5], 6);
  assert.equal(p.image.length, 24);
  assert.equal(p.readout.baselineOutput, 0.1);
  assert.equal(p.readout.targetLabel, "cat");
  assert.equal(p.trace.alphas.length, 5);
  assert.equal(p.trace.features[0].name, "a");
  assert.equal(p.readout.model, "", "one model: no label");
});

test("a result of a compared model says which model", () => {
  const p = decodePayload({ kind: "text", tokens: ["a"], attr: arr("float32", [1], [1]), readout: readout({ model: "wide" }) });
  assert.equal(p.readout.model, "wide");
  assert.throws(() => decodePayload({ kind: "text", tokens: ["a"], attr: arr("float32", [1], [1]), readout: readout({ model: 3 }) }), /readout.model/);
});

test("image size mismatch is reported with the field name", () => {
  assert.throws(() => decodePayload({
    kind: "image", height: 2, width: 2, image: arr("uint8", [2, 2, 4], new Array(16).fill(0)),
    attr: arr("float32", [3], [1, 2, 3]),
  }), /attr: expected 4 values, got 3/);
  assert.throws(() => decodePayload({ kind: "image", height: 0, width: 2, attr: arr("float32", [0], []) }), /bad size/);
});

test("text and tabular payloads check lengths against tokens / names", () => {
  const t = decodePayload({ kind: "text", tokens: ["a", "b"], attr: arr("float32", [2], [0.5, -0.5]) });
  assert.deepEqual(t.tokens, ["a", "b"]);
  assert.equal(t.trace, null, "missing path_trace is allowed");
  assert.throws(() => decodePayload({ kind: "text", tokens: ["a"], attr: arr("float32", [2], [0, 0]) }), /one per token/);
  const tab = decodePayload({
    kind: "tabular", names: ["age", "income"], values: arr("float64", [2], [41, 5e4]),
    attr: arr("float32", [2], [0.1, -0.2]),
  });
  assert.equal(tab.values[1], 5e4);
  assert.throws(() => decodePayload({ kind: "tabular", names: ["a"], values: arr("float64", [2], [1, 2]), attr: arr("float32", [1], [1]) }), /values/);
});

test("unknown kinds and inconsistent traces are errors", () => {
  assert.throws(() => decodePayload({ kind: "audio", attr: arr("float32", [1], [1]) }), /audio/);
  const bad = trace(4);
  bad.outputs = arr("float64", [3], [1, 2, 3]);
  assert.throws(() => decodePayload({ kind: "text", tokens: ["a"], attr: arr("float32", [1], [1]), path_trace: bad }), /3 outputs for 4 alphas/);
});
