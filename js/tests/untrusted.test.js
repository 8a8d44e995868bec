// Saved widget state is untrusted input: every malformed payload must end in an Error
// with a readable message (the view shows it), never in a hang, a huge allocation, or
// a value reaching Object's prototype.
import test from "node:test";
import assert from "node:assert/strict";
import { decodePayload, MAX_SIDE } from "../lib/payload.js";
import { decodeArray } from "../lib/codec.js";
import { resultRecord } from "../lib/record.js";
import { arr, readout } from "./fixtures.js";

const tab = (extra = {}) => ({
  kind: "tabular", names: ["a", "b"], values: arr("float64", [2], [1, 2]), attr: arr("float32", [2], [0.5, -0.5]),
  readout: readout(), ...extra,
});

test("a well-formed payload still decodes", () => {
  assert.equal(decodePayload(tab()).names.length, 2);
});

test("wrong dtypes, including prototype keys, are refused", () => {
  for (const dtype of ["int64", "constructor", "__proto__", "toString", 5]) {
    assert.throws(() => decodeArray({ dtype, shape: [1], data: new DataView(new ArrayBuffer(8)) }), /unsupported dtype/);
  }
});

test("a shape that does not match its bytes is refused before anything is allocated", () => {
  assert.throws(() => decodePayload(tab({ attr: arr("float32", [3], [1, 2]) })), /needs 12 bytes/);
  const huge = { dtype: "float32", shape: [1e9], data: new DataView(new ArrayBuffer(8)) };
  assert.throws(() => decodeArray(huge), /needs 4000000000 bytes/);
  assert.throws(() => decodeArray({ dtype: "float32", shape: [1e308, 1e308], data: new DataView(new ArrayBuffer(8)) }));
  assert.throws(() => decodeArray({ dtype: "float32", shape: ["2"], data: new DataView(new ArrayBuffer(8)) }), /bad shape/);
});

test("NaN and infinite attributions are refused", () => {
  assert.throws(() => decodePayload(tab({ attr: arr("float32", [2], [NaN, 1]) })), /1 of 2 values are NaN or infinite/);
  assert.throws(() => decodePayload(tab({ attr: arr("float64", [2], [Infinity, -Infinity]) })), /2 of 2/);
});

test("an image larger than the view draws is refused from its size alone", () => {
  const side = MAX_SIDE + 1;
  assert.throws(() => decodePayload({ kind: "image", height: side, width: side, attr: arr("float32", [1], [0]) }), /larger than/);
  assert.throws(() => decodePayload({ kind: "image", height: "2", width: 2, attr: arr("float32", [4], [0, 0, 0, 0]) }), /bad size/);
});

test("strings where numbers go, and numbers where strings go, are refused", () => {
  assert.throws(() => decodePayload(tab({ readout: readout({ output: "0.9" }) })), /readout.output: expected a number/);
  assert.throws(() => decodePayload(tab({ readout: readout({ method: 7 }) })), /readout.method: expected a string/);
  assert.throws(() => decodePayload(tab({ readout: "x" })), /readout: expected an object/);
  assert.throws(() => decodePayload(tab({ names: ["a", { toString: 1 }] })), /names\[1\]: expected a string/);
  assert.throws(() => decodePayload(tab({ names: "ab" })), /names: expected a list/);
});

test("a payload that is not an object is refused", () => {
  assert.throws(() => decodePayload(/** @type {any} */ ("<b>x</b>")), /expected an object, got string/);
  assert.throws(() => decodePayload(/** @type {any} */ ([1])), /got a list/);
});

test("missing keys are refused", () => {
  const { attr, ...noAttr } = tab();
  assert.ok(attr);
  assert.throws(() => decodePayload(noAttr), /attr: array record missing/);
  assert.throws(() => decodePayload({ kind: "text", attr: arr("float32", [1], [1]) }), /tokens: expected a list/);
});

test("markup stays a string (the views set it as text)", () => {
  const p = decodePayload({ kind: "text", tokens: ["<img src=x onerror=alert(1)>"], attr: arr("float32", [1], [1]) });
  assert.equal(p.tokens[0], "<img src=x onerror=alert(1)>");
});

test("the JSON record embeds the arrays and the note", () => {
  const state = { _payload: tab(), note: "left side", _version: "9", modality: "tabular", sign: "signed" };
  const model = { get: (k) => state[k] };
  const doc = resultRecord(/** @type {any} */ (model));
  assert.equal(doc.format, "ig_widget.result");
  assert.equal(doc.note, "left side");
  assert.deepEqual(doc.feature_names, ["a", "b"]);
  const attr = /** @type {any} */ (doc.embedded_arrays).display_attributions;
  assert.deepEqual(attr.shape, [2]);
  const bytes = Uint8Array.from(atob(attr.data), (c) => c.charCodeAt(0));
  assert.deepEqual(Array.from(new Float32Array(bytes.buffer)), [0.5, -0.5]);
});
