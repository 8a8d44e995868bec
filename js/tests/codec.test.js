import test from "node:test";
import assert from "node:assert/strict";
import { decodeArray, shapeSize } from "../lib/codec.js";

const f32bytes = (vals) => new Uint8Array(new Float32Array(vals).buffer);

test("decodes a float32 DataView like ipywidgets delivers", () => {
  const dv = new DataView(new Float32Array([1.5, -2, 3.25]).buffer);
  const { array, shape, dtype } = decodeArray({ dtype: "float32", shape: [3], data: dv });
  assert.ok(array instanceof Float32Array);
  assert.deepEqual(Array.from(array), [1.5, -2, 3.25]);
  assert.deepEqual(shape, [3]);
  assert.equal(dtype, "float32");
});

test("respects byteOffset of a DataView into a larger buffer", () => {
  const buf = new ArrayBuffer(4 + 16);
  const whole = new Uint8Array(buf);
  whole.set(new Uint8Array(new Float64Array([7, -8]).buffer), 4); // float64s at offset 4 (misaligned)
  const dv = new DataView(buf, 4, 16);
  const { array } = decodeArray({ dtype: "float64", shape: [2], data: dv });
  assert.ok(array instanceof Float64Array);
  assert.deepEqual(Array.from(array), [7, -8]);
});

test("aligned views are not copied", () => {
  const backing = new Float32Array([0, 1, 2, 3]);
  const dv = new DataView(backing.buffer, 4, 8);
  const { array } = decodeArray({ dtype: "float32", shape: [2], data: dv });
  assert.deepEqual(Array.from(array), [1, 2]);
  backing[1] = 42;
  assert.equal(array[0], 42);
});

test("accepts ArrayBuffer, Uint8Array and already-typed arrays", () => {
  const ab = new Float32Array([1, 2]).buffer;
  assert.deepEqual(Array.from(decodeArray({ dtype: "float32", shape: [2], data: ab }).array), [1, 2]);
  assert.deepEqual(Array.from(decodeArray({ dtype: "float32", shape: [2], data: f32bytes([3, 4]) }).array), [3, 4]);
  const typed = new Float64Array([5, 6]);
  assert.equal(decodeArray({ dtype: "float64", shape: [2], data: typed }).array, typed);
  const rgba = new Uint8Array([1, 2, 3, 4]);
  assert.deepEqual(Array.from(decodeArray({ dtype: "uint8", shape: [1, 1, 4], data: new DataView(rgba.buffer) }).array), [1, 2, 3, 4]);
});

test("rejects a byte length that does not match the shape", () => {
  assert.throws(() => decodeArray({ dtype: "float32", shape: [2, 2], data: f32bytes([1, 2, 3]) }), /needs 16 bytes, got 12/);
});

test("rejects unknown dtypes and missing records", () => {
  assert.throws(() => decodeArray({ dtype: "int16", shape: [1], data: new ArrayBuffer(2) }), /unsupported dtype/);
  assert.throws(() => decodeArray(null), /missing/);
  assert.throws(() => decodeArray({ dtype: "float32", shape: [1], data: "AAAA" }), /binary/);
});

test("shapeSize multiplies dims and treats [] as scalar", () => {
  assert.equal(shapeSize([3, 4, 4]), 48);
  assert.equal(shapeSize([]), 1);
  assert.equal(shapeSize([0, 5]), 0);
  assert.throws(() => shapeSize([2, -1]));
});
